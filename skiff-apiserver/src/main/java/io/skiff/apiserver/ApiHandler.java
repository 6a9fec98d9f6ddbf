package io.skiff.apiserver;

import io.skiff.api.errors.StatusError;
import io.skiff.apiserver.cache.WatchFeed;
import io.skiff.apiserver.metrics.ApiMetrics;
import io.skiff.apiserver.metrics.RequestLabels;
import io.skiff.apiserver.rest.RequestInfo;
import io.skiff.apiserver.rest.ResourceHandler;
import io.skiff.apiserver.rest.WatchStream;
import io.skiff.clock.Clock;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the Kubernetes API: limits the requests in flight, reads the request, lets
 * {@link ResourceHandler} answer, writes the answer (streaming watches) and counts it for {@code
 * /metrics}. Runs on the request's virtual thread, so it may block.
 */
final class ApiHandler {

  private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);
  private static final int MAX_BODY = 3 * 1024 * 1024;
  private static final String JSON = "application/json";
  private static final int STREAM_BUFFER = 16 * 1024;

  /** Upstream's answer past the in-flight limit: Go's http.Error, plain text. */
  private static final byte[] TOO_MANY_REQUESTS =
      "Too many requests, please try again later.\n".getBytes(StandardCharsets.UTF_8);

  private final ResourceHandler resources;
  private final InFlightLimiter limiter;
  private final ApiMetrics metrics;
  private final Clock clock;

  ApiHandler(ResourceHandler resources, InFlightLimiter limiter, ApiMetrics metrics, Clock clock) {
    this.resources = resources;
    this.limiter = limiter;
    this.metrics = metrics;
    this.clock = clock;
  }

  void handle(Request request, Response response, Callback callback) {
    long started = clock.nanoTime();
    String method = request.getMethod();
    String path = Request.getPathInContext(request);
    String query = request.getHttpURI().getQuery();
    Optional<RequestInfo> info = resources.requestInfo(method, path, query);
    RequestLabels labels =
        info.map(
                i -> RequestLabels.of(i, method, request.getHeaders().get(HttpHeader.CONTENT_TYPE)))
            .orElseGet(() -> RequestLabels.unmatched(method));
    boolean longRunning = info.map(RequestInfo::longRunning).orElse(false);
    boolean readOnly = info.map(RequestInfo::readOnly).orElse(isRead(method));
    if (!longRunning && !limiter.tryAcquire(readOnly)) {
      tooManyRequests(response, callback);
      metrics.requestDone(labels, 429, since(started));
      return;
    }
    int code = 500;
    try {
      code = serve(request, response, callback, path, query, labels, longRunning);
    } finally {
      if (!longRunning) {
        limiter.release(readOnly);
      }
      metrics.requestDone(labels, code, since(started));
    }
  }

  /** Answers the request; returns the status sent. */
  private int serve(
      Request request,
      Response response,
      Callback callback,
      String path,
      String query,
      RequestLabels labels,
      boolean longRunning) {
    try {
      byte[] body = readBody(request);
      if (body == null) {
        return send(
            response,
            callback,
            resources.error(StatusError.requestEntityTooLarge("the request body is too large")));
      }
      ResourceHandler.Call call =
          new ResourceHandler.Call(
              request.getMethod(),
              path,
              query,
              request.getHeaders().get(HttpHeader.ACCEPT),
              request.getHeaders().get(HttpHeader.CONTENT_TYPE),
              body,
              request.getHeaders().get(HttpHeader.USER_AGENT));
      Optional<ResourceHandler.Answer> answer = resources.handle(call);
      if (answer.isEmpty()) {
        return send(response, callback, resources.error(StatusError.notFoundPath()));
      }
      switch (answer.get()) {
        case ResourceHandler.Reply reply -> {
          return send(response, callback, reply);
        }
        case ResourceHandler.Streamed streamed -> {
          if ("websocket".equalsIgnoreCase(request.getHeaders().get(HttpHeader.UPGRADE))) {
            // Watches are served as chunked HTTP streams. Clients that try a WebSocket first
            // (fabric8) fall back to HTTP on a 503, rather than waiting for a stream to end.
            return send(
                response,
                callback,
                resources.error(
                    StatusError.of(
                        503,
                        "ServiceUnavailable",
                        "watches are served over HTTP streams, not WebSockets",
                        null)));
          }
          Runnable done = longRunning ? metrics.longRunning(labels) : () -> {};
          try {
            stream(request, response, callback, streamed.stream());
          } finally {
            done.run();
          }
          return 200;
        }
      }
    } catch (RuntimeException e) {
      // A bug, not bad input: still answer with a Status rather than dropping the connection.
      log.error("{} {} failed", request.getMethod(), request.getHttpURI(), e);
      return send(
          response,
          callback,
          resources.error(StatusError.internal(String.valueOf(e.getMessage()))));
    } catch (IOException e) {
      callback.failed(e);
      return 500;
    }
  }

  /** The body, or null when it is larger than the API server accepts. */
  private static byte[] readBody(Request request) throws IOException {
    try (InputStream in = Content.Source.asInputStream(request)) {
      byte[] data = in.readNBytes(MAX_BODY + 1);
      return data.length > MAX_BODY ? null : data;
    }
  }

  private static void stream(
      Request request, Response response, Callback callback, WatchStream stream)
      throws IOException {
    WatchFeed feed;
    StatusError failed = null;
    try {
      feed = stream.start();
    } catch (StatusError e) {
      feed = null;
      failed = e;
    }
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    request.addFailureListener(failure -> stream.cancel());
    // A watch may be quiet for minutes; Jetty's idle timeout must not end it (the watch's own
    // timeout does, and a client that goes away fails the next write).
    request.addIdleTimeoutListener(timeout -> false);
    // Events are written in pieces and flushed when no more are waiting: buffered, they go out
    // as a few large chunks rather than one per piece.
    try (OutputStream out =
        new BufferedOutputStream(Content.Sink.asOutputStream(response), STREAM_BUFFER)) {
      if (feed == null) {
        stream.streamError(failed, out);
      } else {
        stream.stream(feed, out);
      }
      callback.succeeded();
    } catch (IOException e) {
      // The client went away; the feed is closed by stream().
      callback.failed(e);
    }
  }

  private static void tooManyRequests(Response response, Callback callback) {
    response.setStatus(429);
    response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, TOO_MANY_REQUESTS.length);
    response.write(true, ByteBuffer.wrap(TOO_MANY_REQUESTS), callback);
  }

  private static int send(Response response, Callback callback, ResourceHandler.Reply reply) {
    response.setStatus(reply.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    for (String warning : reply.warnings()) {
      response.getHeaders().add("Warning", "299 - \"" + warning.replace("\"", "\\\"") + "\"");
    }
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, reply.body().length);
    response.write(true, ByteBuffer.wrap(reply.body()), callback);
    return reply.status();
  }

  private static boolean isRead(String method) {
    return method.equals("GET") || method.equals("HEAD");
  }

  private Duration since(long startedNanos) {
    return Duration.ofNanos(clock.nanoTime() - startedNanos);
  }
}
