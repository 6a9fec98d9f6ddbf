package io.skiff.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.skiff.store.memory.MemoryStore;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A watch outlives the connection idle timeout however quiet it is, over HTTP/2 (a stream within a
 * connection, as kubectl's and client-go's watches are) as over HTTP/1.1. Waits in real time: the
 * idle timeout is Jetty's, which reads no injectable clock.
 */
class QuietWatchIT {

  /** Long enough for a cold JVM on a busy machine to set the connection up within it. */
  private static final Duration IDLE = Duration.ofSeconds(2);

  @ParameterizedTest
  @EnumSource(
      value = HttpClient.Version.class,
      names = {"HTTP_2", "HTTP_1_1"})
  void aQuietWatchOutlivesTheIdleTimeout(HttpClient.Version version) throws Exception {
    TestCredentials credentials = TestCredentials.get();
    try (MemoryStore store = new MemoryStore();
        ApiServer server =
            credentials
                .secure(ApiServer.builder().port(0).store(store).idleTimeout(IDLE))
                .build()
                .start();
        HttpClient http =
            HttpClient.newBuilder().version(version).sslContext(credentials.sslContext()).build()) {
      String auth = "Bearer " + credentials.token();
      // The watch then shares a connection that is up already, as it does in a client that lists
      // before it watches.
      assertThat(
              http.send(
                      HttpRequest.newBuilder(server.url().resolve("/version")).build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode())
          .isEqualTo(200);
      HttpResponse<InputStream> watch =
          http.send(
              HttpRequest.newBuilder(
                      server.url().resolve("/api/v1/namespaces/default/configmaps?watch=true"))
                  .header("Authorization", auth)
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(watch.statusCode()).isEqualTo(200);
      assertThat(watch.version()).isEqualTo(version);
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Thread reader =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (BufferedReader in =
                        new BufferedReader(
                            new InputStreamReader(watch.body(), StandardCharsets.UTF_8))) {
                      in.lines().forEach(lines::add);
                      lines.add("<end of stream>");
                    } catch (Exception e) {
                      lines.add("<failed: " + e + ">");
                    }
                  });

      // Nothing happens, and for three idle timeouts the stream must not end.
      await().during(IDLE.multipliedBy(3)).atMost(IDLE.multipliedBy(4)).until(lines::isEmpty);

      HttpResponse<String> created =
          http.send(
              HttpRequest.newBuilder(server.url().resolve("/api/v1/namespaces/default/configmaps"))
                  .header("Authorization", auth)
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                              + "\"metadata\":{\"name\":\"after-a-pause\"}}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

      String event = lines.poll(30, TimeUnit.SECONDS);
      assertThat(event).startsWith("{\"type\":\"ADDED\"").contains("\"name\":\"after-a-pause\"");
      reader.interrupt();
    }
  }
}
