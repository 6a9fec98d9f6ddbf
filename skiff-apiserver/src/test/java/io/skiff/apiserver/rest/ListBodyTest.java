package io.skiff.apiserver.rest;

import static io.skiff.apiserver.rest.Handler.configMap;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A list's body is assembled from the items' JSON as the watch cache encoded it once: it must be
 * exactly what encoding the list as one document gives, empty or not, paged or not.
 */
class ListBodyTest {

  private static final String CM = "/api/v1/namespaces/default/configmaps";

  private final Handler h = new Handler();

  @AfterEach
  void close() {
    h.close();
  }

  private String body(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    ResourceHandler.Reply reply =
        (ResourceHandler.Reply)
            h.handler
                .handle(
                    new ResourceHandler.Call(
                        "GET",
                        q < 0 ? pathAndQuery : pathAndQuery.substring(0, q),
                        q < 0 ? null : pathAndQuery.substring(q + 1),
                        null,
                        null,
                        new byte[0],
                        null))
                .orElseThrow();
    assertThat(reply.status()).isEqualTo(200);
    return new String(reply.body(), StandardCharsets.UTF_8);
  }

  private static void assertCanonical(String body) throws Exception {
    JsonNode tree = Handler.JSON.readTree(body);
    assertThat(Handler.JSON.writeValueAsString(tree)).isEqualTo(body);
  }

  @Test
  void anEmptyListHasAnEmptyItemsArray() throws Exception {
    String body = body(CM);
    assertCanonical(body);
    assertThat(body)
        .startsWith("{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",")
        .endsWith(",\"items\":[]}");
  }

  @Test
  void itemsAreTheObjectsAsAGetReturnsThem() throws Exception {
    h.post(CM, configMap("a")).expect(201);
    h.post(CM, configMap("b")).expect(201);
    String body = body(CM);
    assertCanonical(body);
    JsonNode items = Handler.JSON.readTree(body).path("items");
    assertThat(items).hasSize(2);
    assertThat(items.get(0)).isEqualTo(h.get(CM + "/a").expect(200).body());
    assertThat(items.get(1)).isEqualTo(h.get(CM + "/b").expect(200).body());

    String page = body(CM + "?limit=1");
    assertCanonical(page);
    assertThat(Handler.JSON.readTree(page).at("/metadata/continue").asText()).isNotEmpty();
  }
}
