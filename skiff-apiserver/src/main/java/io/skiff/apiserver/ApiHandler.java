package io.skiff.apiserver;

import io.skiff.api.errors.StatusError;
import io.skiff.apiserver.rest.ResourceHandler;
import io.skiff.apiserver.rest.WatchStream;
import io.skiff.store.Watch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the Kubernetes API: reads the request, lets {@link ResourceHandler} answer, and
 * writes the answer, streaming watches. Runs on the request's virtual thread, so it may block.
 */
final class ApiHandler {

  private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);
  private static final int MAX_BODY = 3 * 1024 * 1024;
  private static final String JSON = "application/json";

  private final ResourceHandler resources;

  ApiHandler(ResourceHandler resources) {
    this.resources = resources;
  }

  void handle(Request request, Response response, Callback callback) {
    try {
      byte[] body = readBody(request);
      if (body == null) {
        send(
            response,
            callback,
            resources.error(StatusError.requestEntityTooLarge("the request body is too large")));
        return;
      }
      ResourceHandler.Call call =
          new ResourceHandler.Call(
              request.getMethod(),
              Request.getPathInContext(request),
              request.getHttpURI().getQuery(),
              request.getHeaders().get(HttpHeader.ACCEPT),
              request.getHeaders().get(HttpHeader.CONTENT_TYPE),
              body,
              request.getHeaders().get(HttpHeader.USER_AGENT));
      Optional<ResourceHandler.Answer> answer = resources.handle(call);
      if (answer.isEmpty()) {
        send(response, callback, resources.error(StatusError.notFoundPath()));
        return;
      }
      switch (answer.get()) {
        case ResourceHandler.Reply reply -> send(response, callback, reply);
        case ResourceHandler.Streamed streamed -> {
          if ("websocket".equalsIgnoreCase(request.getHeaders().get(HttpHeader.UPGRADE))) {
            // Watches are served as chunked HTTP streams. Clients that try a WebSocket first
            // (fabric8) fall back to HTTP on a 503, rather than waiting for a stream to end.
            send(
                response,
                callback,
                resources.error(
                    StatusError.of(
                        503,
                        "ServiceUnavailable",
                        "watches are served over HTTP streams, not WebSockets",
                        null)));
          } else {
            stream(request, response, callback, streamed.stream());
          }
        }
      }
    } catch (RuntimeException e) {
      // A bug, not bad input: still answer with a Status rather than dropping the connection.
      log.error("{} {} failed", request.getMethod(), request.getHttpURI(), e);
      send(
          response,
          callback,
          resources.error(StatusError.internal(String.valueOf(e.getMessage()))));
    } catch (IOException e) {
      callback.failed(e);
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
    Watch watch;
    StatusError expired = null;
    try {
      watch = stream.start();
    } catch (StatusError e) {
      watch = null;
      expired = e;
    }
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    request.addFailureListener(failure -> stream.cancel());
    // A watch may be quiet for minutes; Jetty's idle timeout must not end it (the watch's own
    // timeoutSeconds does, and a client that goes away fails the next write).
    request.addIdleTimeoutListener(timeout -> false);
    try (OutputStream out = Content.Sink.asOutputStream(response)) {
      if (watch == null) {
        stream.streamError(expired, out);
      } else {
        stream.stream(watch, out);
      }
      callback.succeeded();
    } catch (IOException e) {
      // The client went away; the watch is closed by stream().
      callback.failed(e);
    }
  }

  private static void send(Response response, Callback callback, ResourceHandler.Reply reply) {
    response.setStatus(reply.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    for (String warning : reply.warnings()) {
      response.getHeaders().add("Warning", "299 - \"" + warning.replace("\"", "\\\"") + "\"");
    }
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, reply.body().length);
    response.write(true, ByteBuffer.wrap(reply.body()), callback);
  }
}
