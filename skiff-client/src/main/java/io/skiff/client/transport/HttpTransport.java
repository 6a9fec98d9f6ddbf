package io.skiff.client.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.skiff.api.ResourceType;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.errors.StatusError;
import io.skiff.api.patch.PatchType;
import io.skiff.client.EventType;
import io.skiff.client.ListOptions;
import io.skiff.client.ListPage;
import io.skiff.client.Watch;
import io.skiff.client.Watcher;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;

/**
 * The Kubernetes REST API over HTTP(S) with the JDK's {@link HttpClient}: JSON bodies, {@code
 * Status} bodies turned into the {@link StatusError} they describe, and watches as streamed
 * responses read line by line on a virtual thread.
 *
 * <pre>{@code
 * Transport http = HttpTransport.builder(ClientConfig.fromKubeconfig(kubeconfig)).build();
 * }</pre>
 *
 * <p>It sends every request at once; client-go's QPS/Burst limit is a {@link RateLimitedTransport}
 * on top, one per client as client-go has one per clientset.
 */
public final class HttpTransport implements Transport {

  private static final System.Logger log = System.getLogger(HttpTransport.class.getName());
  private static final String JSON = "application/json";

  private final String base;
  private final String authorization;
  private final ObjectCodec codec = new ObjectCodec();
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient http;
  private final Set<HttpWatch> watches = ConcurrentHashMap.newKeySet();

  private HttpTransport(Builder b) {
    String url = b.baseUrl.toString();
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.authorization = b.bearerToken == null ? null : "Bearer " + b.bearerToken;
    HttpClient.Builder hb =
        HttpClient.newBuilder()
            // Over TLS, ALPN settles on HTTP/2 within the handshake, and every request and watch
            // then shares one connection, as client-go's do. In the clear, asking for HTTP/2
            // would cost an h2c upgrade attempt per connection, which the server declines.
            .version(
                "https".equalsIgnoreCase(b.baseUrl.getScheme())
                    ? HttpClient.Version.HTTP_2
                    : HttpClient.Version.HTTP_1_1)
            .executor(executor);
    if (b.sslContext != null) {
      hb.sslContext(b.sslContext);
    }
    this.http = hb.build();
  }

  /** A transport to the API server at {@code baseUrl}, e.g. {@code http://127.0.0.1:6443}. */
  public static Builder builder(URI baseUrl) {
    return new Builder(baseUrl);
  }

  /** A transport to the server of {@code config}, trusting its CAs and sending its token. */
  public static Builder builder(ClientConfig config) {
    Builder b = new Builder(config.server()).bearerToken(config.bearerToken());
    if ("https".equalsIgnoreCase(config.server().getScheme())) {
      b.sslContext(config.sslContext());
    }
    return b;
  }

  // ---- verbs ----

  @Override
  public HasMetadata get(ResourceType type, String namespace, String name) {
    return decode(send(request(path(type, namespace, name, null), "").GET()), type);
  }

  @Override
  public ListPage<HasMetadata> list(ResourceType type, String namespace, ListOptions options) {
    byte[] body = send(request(path(type, namespace, null, null), query(options, false, 0)).GET());
    JsonNode list = readTree(body);
    List<HasMetadata> items = new ArrayList<>();
    for (JsonNode item : list.path("items")) {
      items.add(toObject(item, type.type()));
    }
    JsonNode meta = list.path("metadata");
    String rv = meta.path("resourceVersion").asText("0");
    String token = meta.path("continue").asText("");
    return new ListPage<>(items, Long.parseLong(rv), token.isEmpty() ? null : token);
  }

  @Override
  public HasMetadata create(ResourceType type, String namespace, HasMetadata object) {
    return decode(
        send(
            request(path(type, namespace, null, null), "")
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofByteArray(codec.encode(object)))),
        type);
  }

  @Override
  public HasMetadata update(
      ResourceType type, String namespace, String name, HasMetadata object, boolean status) {
    return decode(
        send(
            request(path(type, namespace, name, status ? "status" : null), "")
                .header("Content-Type", JSON)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(codec.encode(object)))),
        type);
  }

  @Override
  public HasMetadata updateSubresource(
      ResourceType type, String namespace, String name, HasMetadata object, String subresource) {
    return decode(
        send(
            request(path(type, namespace, name, subresource), "")
                .header("Content-Type", JSON)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(codec.encode(object)))),
        type);
  }

  @Override
  public HasMetadata patch(
      ResourceType type,
      String namespace,
      String name,
      PatchType patchType,
      String body,
      boolean status) {
    return decode(
        send(
            request(path(type, namespace, name, status ? "status" : null), "")
                .header("Content-Type", patchType.mediaType())
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body))),
        type);
  }

  @Override
  public void delete(ResourceType type, String namespace, String name, DeleteOptions options) {
    HttpRequest.Builder b = request(path(type, namespace, name, null), "");
    if (options == null) {
      b.DELETE();
    } else {
      b.header("Content-Type", JSON)
          .method("DELETE", HttpRequest.BodyPublishers.ofByteArray(codec.encode(options)));
    }
    send(b);
  }

  @Override
  public Scale getScale(ResourceType type, String namespace, String name) {
    byte[] body = send(request(path(type, namespace, name, "scale"), "").GET());
    return toObject(readTree(body), Scale.class);
  }

  @Override
  public Scale updateScale(ResourceType type, String namespace, String name, Scale scale) {
    byte[] body =
        send(
            request(path(type, namespace, name, "scale"), "")
                .header("Content-Type", JSON)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(codec.encode(scale))));
    return toObject(readTree(body), Scale.class);
  }

  @Override
  public void createSubresource(
      ResourceType type, String namespace, String name, String subresource, HasMetadata body) {
    send(
        request(path(type, namespace, name, subresource), "")
            .header("Content-Type", JSON)
            .POST(HttpRequest.BodyPublishers.ofByteArray(codec.encode(body))));
  }

  @Override
  public Watch watch(
      ResourceType type,
      String namespace,
      ListOptions options,
      long fromResourceVersion,
      Watcher<HasMetadata> watcher) {
    HttpRequest.Builder b =
        request(path(type, namespace, null, null), query(options, true, fromResourceVersion)).GET();
    HttpResponse<InputStream> response;
    try {
      response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      throw interrupted();
    }
    if (response.statusCode() != 200) {
      byte[] body;
      try (InputStream in = response.body()) {
        body = in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      throw statusError(response.statusCode(), body);
    }
    HttpWatch w = new HttpWatch(response.body(), type, watcher);
    watches.add(w);
    w.start();
    return w;
  }

  /** Ends every open watch and the client's connections. */
  @Override
  public void close() {
    for (HttpWatch w : List.copyOf(watches)) {
      w.close();
    }
    http.shutdownNow();
    executor.shutdownNow();
  }

  // ---- requests ----

  private HttpRequest.Builder request(String path, String query) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path + query)).header("Accept", JSON);
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return b;
  }

  /** Sends a request and returns its body; a non-2xx answer becomes its StatusError. */
  private byte[] send(HttpRequest.Builder b) {
    HttpResponse<byte[]> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      throw interrupted();
    }
    if (r.statusCode() / 100 != 2) {
      throw statusError(r.statusCode(), r.body());
    }
    return r.body();
  }

  private static UncheckedIOException interrupted() {
    Thread.currentThread().interrupt();
    return new UncheckedIOException(new InterruptedIOException("interrupted"));
  }

  /** {@code /apis/apps/v1/namespaces/ns/deployments/name/scale} and the like. */
  private static String path(ResourceType type, String namespace, String name, String sub) {
    StringBuilder p = new StringBuilder();
    if (type.group().isEmpty()) {
      p.append("/api/").append(type.version());
    } else {
      p.append("/apis/").append(type.group()).append('/').append(type.version());
    }
    if (type.namespaced() && namespace != null) {
      p.append("/namespaces/").append(segment(namespace));
    }
    p.append('/').append(type.plural());
    if (name != null) {
      p.append('/').append(segment(name));
    }
    if (sub != null) {
      p.append('/').append(sub);
    }
    return p.toString();
  }

  private static String query(ListOptions o, boolean watch, long fromResourceVersion) {
    List<String> q = new ArrayList<>();
    if (watch) {
      q.add("watch=true");
      q.add("resourceVersion=" + fromResourceVersion);
    }
    param(q, "labelSelector", o.labelSelector());
    param(q, "fieldSelector", o.fieldSelector());
    if (!watch) {
      if (o.limit() != 0) {
        q.add("limit=" + o.limit());
      }
      param(q, "continue", o.continueToken());
      param(q, "resourceVersion", o.resourceVersion());
      param(q, "resourceVersionMatch", o.resourceVersionMatch());
    }
    return q.isEmpty() ? "" : "?" + String.join("&", q);
  }

  private static void param(List<String> q, String name, String value) {
    if (value != null && !value.isEmpty()) {
      q.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }

  /** Percent-encodes a path segment (names are DNS names, but a URL must not be injectable). */
  private static String segment(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)));
        out.append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return out.toString();
  }

  // ---- bodies ----

  private HasMetadata decode(byte[] body, ResourceType type) {
    return toObject(readTree(body), type.type());
  }

  private JsonNode readTree(byte[] body) {
    try {
      return codec.mapper().readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("the server's answer is not JSON", e);
    }
  }

  private <T> T toObject(JsonNode tree, Class<T> type) {
    try {
      return codec.mapper().treeToValue(tree, type);
    } catch (IOException e) {
      throw new UncheckedIOException("the server's answer is not a " + type.getSimpleName(), e);
    }
  }

  /** The error a non-2xx answer reports: its Status body, or one made from the code. */
  private StatusError statusError(int code, byte[] body) {
    try {
      JsonNode tree = codec.mapper().readTree(body);
      if (tree != null && "Status".equals(tree.path("kind").asText())) {
        Status status = codec.mapper().treeToValue(tree, Status.class);
        if (status.getCode() == null) {
          status.setCode(code);
        }
        return new StatusError(status);
      }
    } catch (IOException e) {
      // Not JSON (a proxy's page): described by its code below.
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    return StatusError.of(code, reason(code), text.isEmpty() ? "HTTP " + code : text, null);
  }

  /** Upstream's reason for a bare HTTP code (apimachinery's NewGenericServerResponse). */
  private static String reason(int code) {
    return switch (code) {
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 405 -> "MethodNotAllowed";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 413 -> "RequestEntityTooLarge";
      case 415 -> "UnsupportedMediaType";
      case 422 -> "Invalid";
      case 429 -> "TooManyRequests";
      case 504 -> "Timeout";
      default -> code >= 500 ? "InternalError" : "Unknown";
    };
  }

  /** One watch stream: a virtual thread reads its lines and calls the watcher. */
  private final class HttpWatch implements Watch {
    private final InputStream in;
    private final ResourceType type;
    private final Watcher<HasMetadata> watcher;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private Thread reader;

    HttpWatch(InputStream in, ResourceType type, Watcher<HasMetadata> watcher) {
      this.in = in;
      this.type = type;
      this.watcher = watcher;
    }

    synchronized void start() {
      reader = Thread.ofVirtual().name("skiff-http-watch-" + type.plural()).start(this::read);
    }

    private void read() {
      StatusError error = null;
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while (!closed.get() && (line = lines.readLine()) != null) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode event = codec.mapper().readTree(line);
          String eventType = event.path("type").asText();
          JsonNode object = event.path("object");
          if (eventType.equals("ERROR")) {
            Status status = codec.mapper().treeToValue(object, Status.class);
            error = new StatusError(status);
            break;
          }
          EventType t = eventType(eventType);
          if (t == null) {
            // BOOKMARK (never requested) and types from a newer server: nothing to deliver.
            continue;
          }
          HasMetadata obj = codec.mapper().treeToValue(object, type.type());
          if (closed.get()) {
            break;
          }
          watcher.onEvent(t, obj);
        }
      } catch (IOException e) {
        if (!closed.get()) {
          log.log(System.Logger.Level.DEBUG, "watch of " + type.plural() + " broke", e);
        }
      } catch (RuntimeException e) {
        log.log(System.Logger.Level.WARNING, "watcher of " + type.plural() + " failed", e);
      } finally {
        watches.remove(this);
        end(error);
      }
    }

    private void end(StatusError error) {
      if (ended.compareAndSet(false, true)) {
        watcher.onClose(closed.get() ? null : error);
      }
    }

    @Override
    public void close() {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      Thread t;
      synchronized (this) {
        t = reader;
      }
      try {
        in.close();
      } catch (IOException e) {
        // Closing is all we wanted; the reader ends either way.
      }
      if (t != null) {
        t.interrupt();
      }
    }
  }

  private static EventType eventType(String wire) {
    return switch (wire) {
      case "ADDED" -> EventType.ADDED;
      case "MODIFIED" -> EventType.MODIFIED;
      case "DELETED" -> EventType.DELETED;
      default -> null;
    };
  }

  /** Options of an {@link HttpTransport}. */
  public static final class Builder {
    private final URI baseUrl;
    private String bearerToken;
    private SSLContext sslContext;

    private Builder(URI baseUrl) {
      this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
    }

    /** Sends {@code Authorization: Bearer <token>} with every request. */
    public Builder bearerToken(String token) {
      this.bearerToken = token;
      return this;
    }

    /** TLS settings for an {@code https} URL (trusted CAs, client certificate). */
    public Builder sslContext(SSLContext context) {
      this.sslContext = context;
      return this;
    }

    public HttpTransport build() {
      return new HttpTransport(this);
    }
  }
}
