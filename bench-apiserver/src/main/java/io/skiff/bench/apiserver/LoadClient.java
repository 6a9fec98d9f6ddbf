package io.skiff.bench.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The load generator's one HTTP client, the same for every target: the JDK's {@link HttpClient} on
 * HTTP/1.1, sending the same bytes to each.
 *
 * <p>HTTP/1.1 is pinned because the JDK client would otherwise offer an h2c upgrade, which Vert.x
 * (the mock) accepts and Jetty as Skiff configures it does not: the comparison would be of
 * protocols.
 */
final class LoadClient implements AutoCloseable {

  /** Longer than any sound request takes; a server that stalls fails the request, not the run. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http;
  private final URI base;
  private final ObjectKind kind;
  private final Target.WatchProtocol watchProtocol;
  private final ObjectMapper json = new ObjectMapper();

  LoadClient(Target target, ObjectKind kind) {
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
    this.base = target.base();
    this.kind = kind;
    this.watchProtocol = target.watchProtocol();
  }

  /** Sends a create of {@code name} in {@code namespace}; completes with the HTTP status. */
  CompletableFuture<Integer> createAsync(String namespace, String name) {
    return http.sendAsync(createRequest(namespace, name), HttpResponse.BodyHandlers.discarding())
        .thenApply(HttpResponse::statusCode);
  }

  /** Creates {@code name} in {@code namespace}; returns the HTTP status. */
  int create(String namespace, String name) throws IOException, InterruptedException {
    return http.send(createRequest(namespace, name), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** Reads {@code name} in {@code namespace}; returns the HTTP status. */
  int get(String namespace, String name) throws IOException, InterruptedException {
    HttpRequest request = request(collection(namespace) + "/" + name).GET().build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /**
   * Lists {@code namespace} in one response, reading but not parsing it.
   *
   * @return the size of the body in bytes, or {@code -status} if it was not a 200
   */
  long list(String namespace) throws IOException, InterruptedException {
    HttpRequest request = request(collection(namespace)).GET().build();
    HttpResponse<InputStream> response =
        http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = response.body()) {
      long bytes = in.transferTo(OutputStream.nullOutputStream());
      return response.statusCode() == 200 ? bytes : -response.statusCode();
    }
  }

  /**
   * Lists {@code namespace} and counts the items: the check that what was acknowledged is there.
   */
  int countItems(String namespace) throws IOException, InterruptedException {
    HttpRequest request = request(collection(namespace)).GET().build();
    HttpResponse<InputStream> response =
        http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = response.body()) {
      if (response.statusCode() != 200) {
        throw new IOException("list of " + namespace + " answered " + response.statusCode());
      }
      JsonNode items = json.readTree(in).path("items");
      return items.size();
    }
  }

  /** Creates a namespace (Skiff needs it; the mock stores it like anything else). */
  void createNamespace(String namespace) throws IOException, InterruptedException {
    byte[] body =
        ("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
                + namespace
                + "\"}}")
            .getBytes(StandardCharsets.UTF_8);
    HttpRequest request =
        request("/api/v1/namespaces")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    if (status / 100 != 2) {
      throw new IOException("creating namespace " + namespace + " answered " + status);
    }
  }

  /**
   * Starts a watch of {@code namespace} in the target's protocol and returns once the server has
   * registered it, so that every later change reaches {@code onEvent} (one watch event's JSON per
   * call, from one thread per watch).
   */
  Watch watch(String namespace, Consumer<String> onEvent) throws IOException, InterruptedException {
    String path = collection(namespace) + "?watch=true";
    return switch (watchProtocol) {
      case HTTP_STREAM -> httpWatch(path, onEvent);
      case WEBSOCKET -> webSocketWatch(path, onEvent);
    };
  }

  /** An open watch. */
  interface Watch extends AutoCloseable {
    @Override
    void close();
  }

  private Watch httpWatch(String path, Consumer<String> onEvent)
      throws IOException, InterruptedException {
    // No request timeout: the stream stays open until closed. The response's headers arrive once
    // the watch is registered (both servers flush them before the first event).
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).GET().build();
    HttpResponse<InputStream> response =
        await(http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()), path);
    InputStream body = response.body();
    if (response.statusCode() != 200) {
      body.close();
      throw new IOException("watch " + path + " answered " + response.statusCode());
    }
    Thread reader =
        Thread.ofVirtual()
            .name("bench-watch")
            .start(
                () -> {
                  try (BufferedReader lines =
                      new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null; ) {
                      if (!line.isEmpty()) {
                        onEvent.accept(line);
                      }
                    }
                  } catch (IOException e) {
                    // Closed by close(), or the server ended the stream: either way, done.
                  }
                });
    return () -> {
      try {
        body.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      joinQuietly(reader);
    };
  }

  private Watch webSocketWatch(String path, Consumer<String> onEvent)
      throws IOException, InterruptedException {
    URI uri = URI.create("ws" + base.toString().substring("http".length()) + path);
    WebSocket.Listener listener =
        new WebSocket.Listener() {
          private final StringBuilder message = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
              onEvent.accept(message.toString());
              message.setLength(0);
            }
            socket.request(1);
            return null;
          }
        };
    WebSocket socket = await(http.newWebSocketBuilder().buildAsync(uri, listener), path);
    return socket::abort;
  }

  private static <T> T await(CompletableFuture<T> future, String what)
      throws IOException, InterruptedException {
    try {
      return future.get(CONNECT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IOException("cannot open " + what + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new IOException("no answer to " + what + " in " + CONNECT_TIMEOUT.toSeconds() + " s");
    }
  }

  private static void joinQuietly(Thread thread) {
    try {
      thread.join(CONNECT_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private HttpRequest createRequest(String namespace, String name) {
    return request(collection(namespace))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(kind.body(name)))
        .build();
  }

  private String collection(String namespace) {
    return "/api/v1/namespaces/" + namespace + "/" + kind.resource();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(REQUEST_TIMEOUT)
        .header("Accept", "application/json");
  }

  /** Aborts whatever is still in flight. */
  @Override
  public void close() {
    http.shutdownNow();
  }
}
