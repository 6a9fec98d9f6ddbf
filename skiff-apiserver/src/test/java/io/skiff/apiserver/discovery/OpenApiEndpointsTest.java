package io.skiff.apiserver.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.openapi.OpenApi;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenApiEndpointsTest {

  /** What kubectl sends to /openapi/v2 (every version 1.27–1.33). */
  private static final String KUBECTL_V2_ACCEPT =
      "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

  private static final String PROTOBUF =
      "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();

  /** Shared: the schemas take a while to load and are immutable. */
  private static final OpenApi OPEN_API = new OpenApi(REGISTRY, MAPPER, "v1.33.0");

  private final Discovery discovery = new Discovery(REGISTRY, OPEN_API, MAPPER);

  @Test
  void v2ProtobufIsAnsweredWithTheDottedContentTypeForBothAcceptForms() {
    for (String accept : List.of(KUBECTL_V2_ACCEPT, PROTOBUF, PROTOBUF + ", application/json")) {
      Answer a = get("/openapi/v2", null, accept);
      assertThat(a.status()).as(accept).isEqualTo(200);
      assertThat(a.contentType()).as(accept).isEqualTo(PROTOBUF);
      assertThat(a.body()).isEqualTo(OPEN_API.v2Protobuf());
      assertThat(a.headers()).containsEntry("Vary", "Accept").containsKey("ETag");
    }
  }

  @Test
  void v2JsonForJsonWildcardsAndNoAcceptHeader() {
    for (String accept :
        new String[] {"application/json", "application/json, */*", "*/*", "", null}) {
      Answer a = get("/openapi/v2", null, accept);
      assertThat(a.contentType()).as(String.valueOf(accept)).isEqualTo("application/json");
      assertThat(a.body()).isEqualTo(OPEN_API.v2Json());
    }
    Answer preferred = get("/openapi/v2", null, "application/json;q=0.5, " + KUBECTL_V2_ACCEPT);
    assertThat(preferred.contentType()).isEqualTo(PROTOBUF);
  }

  @Test
  void v2RefusesWhatItCannotProduce() {
    Answer a = get("/openapi/v2", null, "text/html");
    assertThat(a.status()).isEqualTo(406);
    assertThat(a.body()).isEmpty();
  }

  @Test
  void v2HonoursIfNoneMatch() {
    String etag = get("/openapi/v2", null, KUBECTL_V2_ACCEPT).headers().get("ETag");
    assertThat(etag).matches("\"[0-9A-F]{128}\"");
    Answer again =
        discovery.answer("/openapi/v2", null, KUBECTL_V2_ACCEPT, "W/" + etag).orElseThrow();
    assertThat(again.status()).isEqualTo(304);
    assertThat(discovery.answer("/openapi/v2", null, KUBECTL_V2_ACCEPT, "*").orElseThrow().status())
        .isEqualTo(304);
  }

  @Test
  void v3IndexLinksEveryGroupVersionWithItsCurrentHash() throws IOException {
    Answer index = get("/openapi/v3", "timeout=32s", "application/json, */*");
    assertThat(index.status()).isEqualTo(200);
    assertThat(index.contentType()).isEqualTo("application/json");
    assertThat(index.body()).isEqualTo(OPEN_API.v3Index());
    JsonNode paths = MAPPER.readTree(index.body()).get("paths");
    List<String> names = new ArrayList<>();
    paths.fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .containsExactlyInAnyOrder(
            "api/v1",
            "apis/apps/v1",
            "apis/batch/v1",
            "apis/coordination.k8s.io/v1",
            "apis/events.k8s.io/v1",
            "apis/policy/v1");
    for (String name : names) {
      String url = paths.get(name).get("serverRelativeURL").asText();
      int q = url.indexOf('?');
      Answer doc =
          get(url.substring(0, q), url.substring(q + 1) + "&timeout=32s", "application/json");
      assertThat(doc.status()).as(url).isEqualTo(200);
      assertThat(doc.contentType()).isEqualTo("application/json");
      assertThat(doc.headers())
          .containsEntry("Cache-Control", "public, immutable")
          .containsEntry("Vary", "Accept")
          .containsEntry("ETag", "\"" + url.substring(url.indexOf("hash=") + 5) + "\"");
      assertThat(doc.body()).isEqualTo(OPEN_API.v3Document(name).orElseThrow());
    }
  }

  @Test
  void v3DocumentWithoutHashIsNotMarkedImmutable() {
    Answer doc = get("/openapi/v3/apis/apps/v1", null, "application/json");
    assertThat(doc.status()).isEqualTo(200);
    assertThat(doc.headers()).doesNotContainKey("Cache-Control").containsKey("ETag");
  }

  @Test
  void v3DocumentWithStaleHashRedirectsToTheCurrentOne() {
    String etag = get("/openapi/v3/apis/apps/v1", null, "application/json").headers().get("ETag");
    Answer a = get("/openapi/v3/apis/apps/v1", "hash=0123ABCD", "application/json");
    assertThat(a.status()).isEqualTo(301);
    assertThat(a.body()).isEmpty();
    assertThat(a.headers())
        .containsEntry(
            "Location", "/openapi/v3/apis/apps/v1?hash=" + etag.substring(1, etag.length() - 1));
  }

  @Test
  void v3DocumentNegotiatesJsonOnly() {
    Answer a =
        get(
            "/openapi/v3/api/v1",
            null,
            "application/com.github.proto-openapi.spec.v3@v1.0+protobuf, application/json");
    assertThat(a.contentType()).isEqualTo("application/json");
    assertThat(get("/openapi/v3/api/v1", null, "text/html").status()).isEqualTo(406);
  }

  @Test
  void v3HonoursIfNoneMatch() {
    String etag = get("/openapi/v3", null, null).headers().get("ETag");
    assertThat(discovery.answer("/openapi/v3", null, null, etag).orElseThrow().status())
        .isEqualTo(304);
    String docEtag = get("/openapi/v3/api/v1", null, null).headers().get("ETag");
    assertThat(
            discovery
                .answer("/openapi/v3/api/v1", null, "application/json", docEtag)
                .orElseThrow()
                .status())
        .isEqualTo(304);
  }

  @Test
  void unknownOpenApiPathsAreLeftToTheRouter() {
    for (String path :
        List.of(
            "/openapi/v3/apis/nope/v1",
            "/openapi/v3/apis/apps",
            "/openapi/v3/",
            "/openapi/v2/",
            "/openapi/v1",
            "/swagger-2.0.0.pb-v1",
            "/swagger.json")) {
      assertThat(discovery.answer(path, null, "application/json")).as(path).isEmpty();
    }
  }

  private Answer get(String path, String query, String accept) {
    return discovery.answer(path, query, accept).orElseThrow();
  }
}
