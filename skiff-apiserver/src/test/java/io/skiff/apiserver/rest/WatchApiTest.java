package io.skiff.apiserver.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skiff.apiserver.ApiServer;
import io.skiff.apiserver.cache.WatchCacheConfig;
import io.skiff.clock.ManualClock;
import io.skiff.store.memory.MemoryStore;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Watches over HTTP as kubectl and client-go see them: BOOKMARK lines on the server's clock, the
 * watch-list protocol's initial events and annotated bookmark, and the stream ending at the
 * client's {@code timeoutSeconds} or the server's own timeout.
 */
@Timeout(60)
class WatchApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CM = "/api/v1/namespaces/default/configmaps";

  private final ManualClock clock = new ManualClock();
  private final HttpClient http = HttpClient.newHttpClient();
  private MemoryStore store;
  private ApiServer server;

  @BeforeEach
  void start() throws Exception {
    store = new MemoryStore();
    server =
        ApiServer.builder()
            .port(0)
            .store(store)
            .clock(clock)
            .watchCache(WatchCacheConfig.defaults().withMinRequestTimeout(Duration.ofMinutes(1)))
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    server.stop();
    store.close();
    http.close();
  }

  private String create(String name) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(server.url() + CM))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
                            + name
                            + "\"}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return JSON.readTree(r.body()).at("/metadata/resourceVersion").asText();
  }

  /** A list without resourceVersion: answers once the watch cache has every write so far. */
  private String listVersion() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(server.url() + CM)).build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body()).at("/metadata/resourceVersion").asText();
  }

  /** Opens a watch; it is registered (with its timers) once the response has begun. */
  private BufferedReader watch(String query) throws Exception {
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(URI.create(server.url() + CM + "?watch=1&" + query)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    return new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
  }

  @Test
  void bookmarksAreObjectsOfTheKindWithOnlyAResourceVersion() throws Exception {
    String rv = listVersion();
    try (BufferedReader lines = watch("resourceVersion=" + rv + "&allowWatchBookmarks=true")) {
      clock.advance(Duration.ofSeconds(60));
      assertThat(lines.readLine())
          .isEqualTo(
              "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\","
                  + "\"metadata\":{\"resourceVersion\":\""
                  + rv
                  + "\"}}}");
      String a = create("a");
      JsonNode added = JSON.readTree(lines.readLine());
      assertThat(added.path("type").asText()).isEqualTo("ADDED");
      assertThat(added.at("/object/metadata/resourceVersion").asText()).isEqualTo(a);
    }
  }

  @Test
  void theWatchListProtocolEndsItsInitialEventsWithAnAnnotatedBookmark() throws Exception {
    create("a");
    create("b");
    String rv = listVersion();
    try (BufferedReader lines =
        watch(
            "sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true")) {
      JsonNode first = JSON.readTree(lines.readLine());
      JsonNode second = JSON.readTree(lines.readLine());
      JsonNode end = JSON.readTree(lines.readLine());
      assertThat(first.path("type").asText()).isEqualTo("ADDED");
      assertThat(first.at("/object/metadata/name").asText()).isEqualTo("a");
      assertThat(second.at("/object/metadata/name").asText()).isEqualTo("b");
      assertThat(end.path("type").asText()).isEqualTo("BOOKMARK");
      assertThat(end.at("/object/kind").asText()).isEqualTo("ConfigMap");
      assertThat(end.at("/object/metadata/resourceVersion").asText()).isEqualTo(rv);
      assertThat(end.at("/object/metadata/annotations/k8s.io~1initial-events-end").asText())
          .isEqualTo("true");
      create("c");
      assertThat(JSON.readTree(lines.readLine()).at("/object/metadata/name").asText())
          .isEqualTo("c");
    }
  }

  @Test
  void timeoutSecondsEndsTheStreamCleanly() throws Exception {
    String rv = listVersion();
    try (BufferedReader lines = watch("resourceVersion=" + rv + "&timeoutSeconds=5")) {
      clock.advance(Duration.ofSeconds(5));
      assertThat(lines.readLine()).isNull();
    }
  }

  @Test
  void aWatchWithoutTimeoutSecondsEndsAtTheServersOwnTimeout() throws Exception {
    String rv = listVersion();
    try (BufferedReader lines = watch("resourceVersion=" + rv)) {
      // Drawn from [1 min, 2 min): still open just before the minute, over after two.
      clock.advance(Duration.ofSeconds(59));
      create("still-open");
      assertThat(JSON.readTree(lines.readLine()).at("/object/metadata/name").asText())
          .isEqualTo("still-open");
      clock.advance(Duration.ofSeconds(61));
      assertThat(lines.readLine()).isNull();
    }
  }
}
