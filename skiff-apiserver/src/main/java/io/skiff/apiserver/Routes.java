package io.skiff.apiserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import io.skiff.api.errors.StatusError;
import io.skiff.apiserver.discovery.Answer;
import io.skiff.apiserver.metrics.ApiMetrics;
import io.skiff.store.StoreException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Dispatches the paths that the API server knows; everything else is a {@code Status} 404. */
final class Routes extends Handler.Abstract {

  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String JSON = "application/json";

  private final ApiServer server;

  Routes(ApiServer server) {
    this.server = server;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    // Upstream answers every API response so, lest a proxy cache a readiness or an object.
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache, private");
    switch (path) {
      case "/livez", "/readyz", "/healthz", "/version", "/version/", "/metrics" -> {
        if (!isRead(request)) {
          status(
              response,
              callback,
              StatusError.methodNotAllowed(
                  "the server does not allow this method on the requested resource"));
          return true;
        }
      }
      default -> {
        if (isRead(request) && discovery(request, response, callback, path)) {
          return true;
        }
        if (path.startsWith("/api/") || path.startsWith("/apis/")) {
          server.api().handle(request, response, callback);
          return true;
        }
        status(response, callback, StatusError.notFoundPath());
        return true;
      }
    }
    switch (path) {
      case "/livez" -> health(request, response, callback, "livez", false);
      case "/readyz", "/healthz" -> health(request, response, callback, path.substring(1), true);
      case "/metrics" ->
          send(response, callback, 200, ApiMetrics.CONTENT_TYPE, server.metrics().scrape());
      default -> send(response, callback, 200, JSON, indented(server.version()));
    }
    return true;
  }

  /** Answers discovery and OpenAPI paths; false for every other path. */
  private boolean discovery(Request request, Response response, Callback callback, String path) {
    if (!path.startsWith("/api") && !path.startsWith("/openapi/")) {
      return false;
    }
    Optional<Answer> answer =
        server
            .discovery()
            .answer(
                path,
                request.getHttpURI().getQuery(),
                request.getHeaders().get(HttpHeader.ACCEPT),
                request.getHeaders().get(HttpHeader.IF_NONE_MATCH));
    if (answer.isEmpty()) {
      return false;
    }
    Answer a = answer.get();
    // Discovery and OpenAPI set their own caching headers, in place of the no-cache default.
    a.headers().forEach((name, value) -> response.getHeaders().put(name, value));
    response.setStatus(a.status());
    if (!a.contentType().isEmpty()) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, a.contentType());
    }
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, a.body().length);
    response.write(true, ByteBuffer.wrap(a.body()), callback);
    return true;
  }

  private static boolean isRead(Request request) {
    String m = request.getMethod();
    return HttpMethod.GET.is(m) || HttpMethod.HEAD.is(m);
  }

  /**
   * Upstream's health format: "ok" when every check passes (or the list with {@code ?verbose}), the
   * list of checks and "NAME check failed" otherwise.
   */
  private void health(
      Request request, Response response, Callback callback, String name, boolean readiness) {
    List<String> lines = new ArrayList<>();
    boolean ok = true;
    lines.add("[+]ping ok");
    if (readiness) {
      ok &= check(lines, "store", storeAnswers());
      ok &= check(lines, "startup", server.isReady());
    }
    String body;
    if (!ok) {
      body = String.join("\n", lines) + "\n" + name + " check failed\n";
    } else if (isVerbose(request)) {
      body = String.join("\n", lines) + "\n" + name + " check passed\n";
    } else {
      body = "ok";
    }
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    send(response, callback, ok ? 200 : 503, TEXT, body.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean check(List<String> lines, String check, boolean passed) {
    lines.add(passed ? "[+]" + check + " ok" : "[-]" + check + " failed: reason withheld");
    return passed;
  }

  /** A point read, as upstream's etcd check reads its "health" key: proves the store serves. */
  private boolean storeAnswers() {
    try {
      server.store().get("health");
      return true;
    } catch (StoreException e) {
      return false;
    }
  }

  private static boolean isVerbose(Request request) {
    String query = request.getHttpURI().getQuery();
    if (query == null) {
      return false;
    }
    for (String param : query.split("&")) {
      if (param.equals("verbose") || param.startsWith("verbose=")) {
        return true;
      }
    }
    return false;
  }

  /** Go's {@code json.MarshalIndent(v, "", " ")}, as upstream writes {@code /version}. */
  private byte[] indented(Object value) {
    try {
      return server
          .codec()
          .mapper()
          .writer(
              new DefaultPrettyPrinter(
                      Separators.createDefaultInstance()
                          .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                  .withObjectIndenter(new DefaultIndenter("  ", "\n")))
          .writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  private void status(Response response, Callback callback, StatusError error) {
    send(response, callback, error.code(), JSON, server.codec().encode(error.status()));
  }

  private static void send(
      Response response, Callback callback, int code, String contentType, byte[] body) {
    response.setStatus(code);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
