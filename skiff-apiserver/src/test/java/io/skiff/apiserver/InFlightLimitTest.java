package io.skiff.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.skiff.apiserver.testing.InstrumentedStore;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Upstream's max-in-flight limits: with one read-only and one mutating slot, a request held inside
 * the handler (its store read or write waits on a gate) makes the next of its kind a 429 at once,
 * while the other kind and watches go on. No timing: the gate says when the request is inside.
 */
@Timeout(60)
class InFlightLimitTest {

  private static final String CM = "/api/v1/namespaces/default/configmaps";

  private final HttpClient http = HttpClient.newHttpClient();
  private InstrumentedStore store;
  private ApiServer server;

  @BeforeEach
  void start() throws Exception {
    store = new InstrumentedStore();
    server =
        ApiServer.builder()
            .port(0)
            .store(store)
            .maxRequestsInFlight(1)
            .maxMutatingRequestsInFlight(1)
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    server.stop();
    store.close();
    http.close();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(server.url() + path));
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest post(String name) {
    return request(CM)
        .header("Content-Type", "application/json")
        .POST(
            HttpRequest.BodyPublishers.ofString(
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
                    + name
                    + "\"}}"))
        .build();
  }

  private static void assertTooManyRequests(HttpResponse<String> r) {
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    assertThat(r.body()).isEqualTo("Too many requests, please try again later.\n");
  }

  @Test
  void aReadPastTheLimitIs429WhileWritesAndWatchesGoOn() throws Exception {
    assertThat(http.send(post("held"), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(201);
    InstrumentedStore.Gate gate = store.hold("/registry/core/configmaps/default/held");
    CompletableFuture<HttpResponse<String>> held =
        http.sendAsync(request(CM + "/held").build(), HttpResponse.BodyHandlers.ofString());
    gate.entered.await();

    assertTooManyRequests(get(CM));
    assertTooManyRequests(get(CM + "/other"));
    // Writes have their own limit; watches are long-running and take no slot.
    assertThat(http.send(post("written"), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(201);
    HttpResponse<InputStream> watch =
        http.send(request(CM + "?watch=1").build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(watch.statusCode()).isEqualTo(200);
    watch.body().close();

    gate.release();
    assertThat(held.get().statusCode()).isEqualTo(200);
    assertThat(get(CM).statusCode()).isEqualTo(200);
  }

  @Test
  void aWritePastTheLimitIs429WhileReadsGoOn() throws Exception {
    InstrumentedStore.Gate gate = store.hold("/registry/core/configmaps/default/slow");
    CompletableFuture<HttpResponse<String>> held =
        http.sendAsync(post("slow"), HttpResponse.BodyHandlers.ofString());
    gate.entered.await();

    assertTooManyRequests(http.send(post("next"), HttpResponse.BodyHandlers.ofString()));
    assertThat(get(CM).statusCode()).isEqualTo(200);

    gate.release();
    assertThat(held.get().statusCode()).isEqualTo(201);
    // The slot frees once the server's handler has returned, which may be a moment after the
    // client has the response: a refused create changes nothing, so it may simply be sent again.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> http.send(post("next"), HttpResponse.BodyHandlers.ofString()).statusCode(),
            code -> code == 201);
  }
}
