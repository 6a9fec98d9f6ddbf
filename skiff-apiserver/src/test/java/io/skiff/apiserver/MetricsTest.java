package io.skiff.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.skiff.apiserver.testing.InstrumentedStore;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code /metrics} after some requests: upstream's names and labels, in Prometheus' format. */
@Timeout(60)
class MetricsTest {

  private static final String CM = "/api/v1/namespaces/default/configmaps";

  private final HttpClient http = HttpClient.newHttpClient();
  private InstrumentedStore store;
  private ApiServer server;

  /** One sample line: {@code name{label="value",...} value}. */
  record Sample(String name, Map<String, String> labels, double value) {}

  @BeforeEach
  void start() throws Exception {
    store = new InstrumentedStore();
    server = ApiServer.builder().port(0).store(store).build().start();
  }

  @AfterEach
  void stop() {
    server.stop();
    store.close();
    http.close();
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String configMap(String name) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
        + name
        + "\"}}";
  }

  private List<Sample> scrape() throws Exception {
    HttpResponse<String> r = send("GET", "/metrics", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    List<Sample> samples = new ArrayList<>();
    for (String line : r.body().lines().toList()) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      Map<String, String> labels = new TreeMap<>();
      String name;
      if (brace >= 0 && brace < space) {
        name = line.substring(0, brace);
        String body = line.substring(brace + 1, line.lastIndexOf('}'));
        for (String pair : body.split(",(?=[a-z_]+=\")")) {
          int eq = pair.indexOf('=');
          labels.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
        }
      } else {
        name = line.substring(0, space);
      }
      samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
    }
    return samples;
  }

  private static double value(List<Sample> samples, String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(new TreeMap<>(labels)))
        .mapToDouble(Sample::value)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no sample " + name + labels + " in " + samples));
  }

  private static Map<String, String> request(
      String verb, String resource, String scope, String code) {
    Map<String, String> m = new TreeMap<>();
    m.put("verb", verb);
    m.put("dry_run", "");
    m.put("group", "");
    m.put("version", "v1");
    m.put("resource", resource);
    m.put("subresource", "");
    m.put("scope", scope);
    m.put("component", "apiserver");
    if (code != null) {
      m.put("code", code);
    }
    return m;
  }

  @Test
  void requestsAreCountedAndTimedByVerbResourceScopeAndCode() throws Exception {
    assertThat(send("POST", CM, configMap("a")).statusCode()).isEqualTo(201);
    assertThat(send("POST", CM, configMap("b")).statusCode()).isEqualTo(201);
    assertThat(send("POST", CM + "?dryRun=All", configMap("c")).statusCode()).isEqualTo(201);
    assertThat(send("GET", CM + "/a", null).statusCode()).isEqualTo(200);
    assertThat(send("GET", CM + "/missing", null).statusCode()).isEqualTo(404);
    assertThat(send("GET", CM, null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/api/v1/configmaps", null).statusCode()).isEqualTo(200);
    assertThat(send("DELETE", CM + "/b", null).statusCode()).isEqualTo(200);

    List<Sample> m = scrape();
    assertThat(
            value(m, "apiserver_request_total", request("POST", "configmaps", "resource", "201")))
        .isEqualTo(2);
    Map<String, String> dryRun = request("POST", "configmaps", "resource", "201");
    dryRun.put("dry_run", "All");
    assertThat(value(m, "apiserver_request_total", dryRun)).isEqualTo(1);
    assertThat(value(m, "apiserver_request_total", request("GET", "configmaps", "resource", "200")))
        .isEqualTo(1);
    assertThat(value(m, "apiserver_request_total", request("GET", "configmaps", "resource", "404")))
        .isEqualTo(1);
    assertThat(
            value(m, "apiserver_request_total", request("LIST", "configmaps", "namespace", "200")))
        .isEqualTo(1);
    assertThat(value(m, "apiserver_request_total", request("LIST", "configmaps", "cluster", "200")))
        .isEqualTo(1);
    assertThat(
            value(m, "apiserver_request_total", request("DELETE", "configmaps", "resource", "200")))
        .isEqualTo(1);
    assertThat(
            value(
                m,
                "apiserver_request_duration_seconds_count",
                request("POST", "configmaps", "resource", null)))
        .isEqualTo(2);
    Map<String, String> inf = request("LIST", "configmaps", "namespace", null);
    inf.put("le", "+Inf");
    assertThat(value(m, "apiserver_request_duration_seconds_bucket", inf)).isEqualTo(1);
    Map<String, String> le60 = request("LIST", "configmaps", "namespace", null);
    le60.put("le", "60.0");
    assertThat(value(m, "apiserver_request_duration_seconds_bucket", le60)).isEqualTo(1);
    assertThat(value(m, "skiff_store_revision", Map.of())).isEqualTo(store.currentRevision());
  }

  @Test
  void inFlightRequestsWatchersAndTheCacheAreGauged() throws Exception {
    assertThat(send("POST", CM, configMap("held")).statusCode()).isEqualTo(201);
    assertThat(send("POST", CM, configMap("other")).statusCode()).isEqualTo(201);
    HttpResponse<InputStream> watch =
        http.send(
            HttpRequest.newBuilder(URI.create(server.url() + CM + "?watch=1")).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(watch.statusCode()).isEqualTo(200);
    var gate = store.hold("/registry/core/configmaps/default/held");
    CompletableFuture<HttpResponse<String>> held =
        http.sendAsync(
            HttpRequest.newBuilder(URI.create(server.url() + CM + "/held")).build(),
            HttpResponse.BodyHandlers.ofString());
    gate.entered.await();

    List<Sample> m = scrape();
    assertThat(value(m, "apiserver_current_inflight_requests", Map.of("request_kind", "readOnly")))
        .isEqualTo(1);
    assertThat(value(m, "apiserver_current_inflight_requests", Map.of("request_kind", "mutating")))
        .isZero();
    Map<String, String> watching = request("WATCH", "configmaps", "namespace", null);
    watching.remove("dry_run");
    assertThat(value(m, "apiserver_longrunning_requests", watching)).isEqualTo(1);
    Map<String, String> cm = Map.of("group", "", "resource", "configmaps");
    assertThat(value(m, "skiff_watch_cache_watchers", cm)).isEqualTo(1);
    assertThat(value(m, "skiff_watch_cache_objects", cm)).isEqualTo(2);
    assertThat(value(m, "watch_cache_capacity", cm)).isEqualTo(100);
    assertThat(value(m, "apiserver_watch_cache_resource_version", cm))
        .isEqualTo(store.currentRevision());

    gate.release();
    assertThat(held.get().statusCode()).isEqualTo(200);
    watch.body().close();
  }
}
