package io.skiff.apiserver.rest;

import static io.skiff.apiserver.rest.Handler.configMap;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The resourceVersion semantics of a list (upstream's table in "API concepts": Exact, NotOlderThan
 * and the legacy forms) and upstream's validation of list and watch options.
 */
class ListOptionsTest {

  private static final String CM = "/api/v1/namespaces/default/configmaps";

  private final Handler h = new Handler();

  @AfterEach
  void close() {
    h.close();
  }

  private static List<String> names(JsonNode list) {
    List<String> names = new ArrayList<>();
    list.path("items").forEach(i -> names.add(i.at("/metadata/name").asText()));
    return names;
  }

  @Test
  void aResourceVersionWithALimitReadsExactlyThere() {
    String first = h.post(CM, configMap("a")).body().at("/metadata/resourceVersion").asText();
    h.post(CM, configMap("b")).expect(201);
    JsonNode page = h.get(CM + "?limit=5&resourceVersion=" + first).expect(200).body();
    assertThat(names(page)).containsExactly("a");
    assertThat(page.at("/metadata/resourceVersion").asText()).isEqualTo(first);
    // Without a limit the same version only bounds how old the answer may be.
    assertThat(names(h.get(CM + "?resourceVersion=" + first).expect(200).body()))
        .containsExactly("a", "b");
    assertThat(
            names(
                h.get(CM + "?resourceVersionMatch=NotOlderThan&resourceVersion=" + first)
                    .expect(200)
                    .body()))
        .containsExactly("a", "b");
  }

  @Test
  void aResourceVersionTheStoreHasNotReachedTimesOut() {
    h.post(CM, configMap("a")).expect(201);
    long current = h.store.currentRevision();
    for (String query :
        List.of(
            "?resourceVersion=" + (current + 10),
            "?resourceVersionMatch=NotOlderThan&resourceVersion=" + (current + 10))) {
      Handler.Result r = h.get(CM + query).expect(504);
      assertThat(r.message())
          .isEqualTo("Too large resource version: " + (current + 10) + ", current: " + current);
      assertThat(r.body().path("reason").asText()).isEqualTo("Timeout");
      assertThat(r.body().at("/details/causes/0/reason").asText())
          .isEqualTo("ResourceVersionTooLarge");
      assertThat(r.body().at("/details/retryAfterSeconds").asInt()).isEqualTo(1);
    }
  }

  @Test
  void aContinueTokenAdmitsNoOtherResourceVersion() {
    h.post(CM, configMap("a")).expect(201);
    h.post(CM, configMap("b")).expect(201);
    String token = h.get(CM + "?limit=1").body().at("/metadata/continue").asText();
    assertThat(
            h.get(CM + "?limit=1&continue=" + token + "&resourceVersion=3").expect(400).message())
        .isEqualTo("specifying resource version is not allowed when using continue");
    assertThat(names(h.get(CM + "?continue=" + token + "&resourceVersion=0").expect(200).body()))
        .containsExactly("b");
  }

  @Test
  void invalidListOptionsAreRefused() {
    assertThat(h.get(CM + "?resourceVersionMatch=NotOlderThan").expect(422).message())
        .isEqualTo(
            "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden:"
                + " resourceVersionMatch is forbidden unless resourceVersion is provided");
    assertThat(h.get(CM + "?resourceVersionMatch=Exact&resourceVersion=0").expect(422).message())
        .isEqualTo(
            "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden:"
                + " resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"");
    Handler.Result bogus = h.get(CM + "?resourceVersionMatch=Newest&resourceVersion=1").expect(422);
    assertThat(bogus.message())
        .isEqualTo(
            "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Unsupported value:"
                + " \"Newest\": supported values: \"Exact\", \"NotOlderThan\", \"\"");
    assertThat(bogus.body().at("/details/kind").asText()).isEqualTo("ListOptions");
    assertThat(h.get(CM + "?sendInitialEvents=true").expect(422).message())
        .endsWith("sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list");
  }

  @Test
  void invalidWatchOptionsAreRefusedBeforeStreaming() {
    assertThat(
            h.get(CM + "?watch=true&resourceVersionMatch=NotOlderThan&resourceVersion=1")
                .expect(422)
                .message())
        .isEqualTo(
            "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden:"
                + " resourceVersionMatch is forbidden for watch unless sendInitialEvents is"
                + " provided");
    // The watch-list protocol (WatchList on) wants NotOlderThan with sendInitialEvents.
    assertThat(
            h.get(CM + "?watch=true&sendInitialEvents=true&allowWatchBookmarks=true")
                .expect(422)
                .message())
        .isEqualTo(
            "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden:"
                + " sendInitialEvents requires setting resourceVersionMatch to NotOlderThan");
  }
}
