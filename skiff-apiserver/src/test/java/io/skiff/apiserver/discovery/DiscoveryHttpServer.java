package io.skiff.apiserver.discovery;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A test-only HTTP front for {@link Discovery}: serves its answers on a loopback port, a {@code
 * /version}, and a NotFound {@code Status} for anything else, so a real kubectl can run against it.
 * It records what it was asked and what it answered.
 */
final class DiscoveryHttpServer implements AutoCloseable {

  /** One request and the answer it got. */
  record Exchange(String path, String accept, int status, String contentType) {}

  private static final byte[] NOT_FOUND =
      ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
              + "\"message\":\"the server could not find the requested resource\","
              + "\"reason\":\"NotFound\",\"details\":{},\"code\":404}")
          .getBytes(StandardCharsets.UTF_8);

  /** Enough of /version for kubectl and for the gcloud kubectl dispatcher. */
  private static final byte[] VERSION =
      ("{\"major\":\"1\",\"minor\":\"33\",\"gitVersion\":\"v1.33.1\","
              + "\"gitCommit\":\"0000000000000000000000000000000000000000\","
              + "\"gitTreeState\":\"clean\",\"buildDate\":\"2025-01-01T00:00:00Z\","
              + "\"goVersion\":\"go1.24.0\",\"compiler\":\"gc\",\"platform\":\"linux/amd64\"}")
          .getBytes(StandardCharsets.UTF_8);

  private final Discovery discovery;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(8);
  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
  private volatile boolean legacyOnly;

  DiscoveryHttpServer(Discovery discovery) throws IOException {
    this.discovery = discovery;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * Makes {@code /api} and {@code /apis} ignore the Accept header, as a server without aggregated
   * discovery does, so that kubectl walks the legacy documents.
   */
  void legacyOnly(boolean value) {
    legacyOnly = value;
  }

  List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  void clearExchanges() {
    exchanges.clear();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      String accept = ex.getRequestHeaders().getFirst("Accept");
      String asked =
          legacyOnly && (path.equals("/api") || path.equals("/apis")) ? "application/json" : accept;
      Optional<Answer> answer =
          ex.getRequestMethod().equals("GET")
              ? discovery.answer(
                  path,
                  ex.getRequestURI().getRawQuery(),
                  asked,
                  ex.getRequestHeaders().getFirst("If-None-Match"))
              : Optional.empty();
      Answer a;
      if (answer.isPresent()) {
        a = answer.get();
      } else if (path.equals("/version")) {
        a = new Answer(200, "application/json", VERSION, Map.of());
      } else {
        a = new Answer(404, "application/json", NOT_FOUND, Map.of());
      }
      exchanges.add(new Exchange(path, accept, a.status(), a.contentType()));
      a.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
      if (!a.contentType().isEmpty()) {
        ex.getResponseHeaders().set("Content-Type", a.contentType());
      }
      ex.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(a.body());
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
