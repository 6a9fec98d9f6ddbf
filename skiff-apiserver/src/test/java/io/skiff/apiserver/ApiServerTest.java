package io.skiff.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skiff.store.memory.MemoryStore;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiServerTest {

  private final HttpClient http = HttpClient.newHttpClient();
  private MemoryStore store;
  private ApiServer server;

  @BeforeEach
  void start() throws IOException {
    store = new MemoryStore();
    server = ApiServer.builder().port(0).store(store).build().start();
  }

  @AfterEach
  void stop() {
    server.stop();
    store.close();
    http.close();
  }

  @Test
  void readyzFailsUntilMarkedReadyWhileLivezPasses() throws Exception {
    HttpResponse<String> notReady = get("/readyz");
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body())
        .isEqualTo(
            "[+]ping ok\n[+]store ok\n[-]startup failed: reason withheld\nreadyz check failed\n");
    assertThat(get("/healthz").statusCode()).isEqualTo(503);
    HttpResponse<String> live = get("/livez");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).isEqualTo("ok");

    server.markReady();

    for (String path : new String[] {"/readyz", "/healthz", "/livez"}) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.body()).as(path).isEqualTo("ok");
      assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    }
  }

  @Test
  void verboseReadyzListsTheChecks() throws Exception {
    server.markReady();
    HttpResponse<String> r = get("/readyz?verbose");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("[+]ping ok\n[+]store ok\n[+]startup ok\nreadyz check passed\n");
  }

  @Test
  void readyzFailsOnceTheStoreIsClosed() throws Exception {
    server.markReady();
    store.close();
    HttpResponse<String> r = get("/readyz");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).contains("[-]store failed: reason withheld");
  }

  @Test
  void versionHasUpstreamFieldsInUpstreamOrder() throws Exception {
    HttpResponse<String> r = get("/version");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    LinkedHashMap<String, Object> info =
        new ObjectMapper()
            .readValue(r.body(), new TypeReference<LinkedHashMap<String, Object>>() {});
    assertThat(info.keySet())
        .containsExactly(
            "major",
            "minor",
            "gitVersion",
            "gitCommit",
            "gitTreeState",
            "buildDate",
            "goVersion",
            "compiler",
            "platform");
    assertThat(info.values()).allSatisfy(v -> assertThat(v).isInstanceOf(String.class));
    assertThat(info)
        .containsEntry("major", "1")
        .containsEntry("minor", "33")
        .containsEntry("gitVersion", "v1.33.0-skiff")
        .containsEntry("compiler", "skiff")
        .containsEntry("goVersion", "java" + Runtime.version());
    assertThat((String) info.get("gitTreeState")).isIn("clean", "dirty", "unknown");
    assertThat((String) info.get("platform")).matches("[a-z0-9]+/[a-z0-9]+");
    // Go's MarshalIndent layout, which is what `curl /version` shows against upstream.
    assertThat(r.body()).startsWith("{\n  \"major\": \"1\",\n  \"minor\": \"33\",\n");
  }

  @Test
  void unknownPathIsAKubernetesNotFoundStatus() throws Exception {
    String expected =
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
            + "\"message\":\"the server could not find the requested resource\","
            + "\"reason\":\"NotFound\",\"details\":{},\"code\":404}";
    for (String path : new String[] {"/apis/nope.example.com/v1/widgets", "/nope"}) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
      ObjectMapper json = new ObjectMapper();
      assertThat(json.readTree(r.body())).as(path).isEqualTo(json.readTree(expected));
    }
  }

  @Test
  void writesToReadOnlyPathsAreRejected() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri("/version"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(405);
    Map<String, Object> status =
        new ObjectMapper().readValue(r.body(), new TypeReference<Map<String, Object>>() {});
    assertThat(status).containsEntry("reason", "MethodNotAllowed").containsEntry("code", 405);
  }

  @Test
  void headAnswersWithoutABody() throws Exception {
    server.markReady();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri("/readyz"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
  }

  @Test
  void aTakenPortFailsToStartAndLeavesNothingRunning() {
    ApiServer second = ApiServer.builder().port(server.port()).store(store).build();
    assertThatThrownBy(second::start).isInstanceOf(IOException.class);
  }

  @Test
  void stopClosesThePortAndIsIdempotent() {
    URI readyz = uri("/readyz");
    server.stop();
    server.stop();
    assertThat(server.isReady()).isFalse();
    assertThatThrownBy(
            () ->
                http.send(
                    HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void urlNamesTheBoundAddressAndPort() {
    assertThat(server.url()).isEqualTo(URI.create("http://127.0.0.1:" + server.port()));
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }
}
