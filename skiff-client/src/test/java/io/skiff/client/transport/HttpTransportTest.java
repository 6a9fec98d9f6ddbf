package io.skiff.client.transport;

import static io.skiff.client.Fixtures.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.ResourceType;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.errors.StatusError;
import io.skiff.client.Fixtures;
import io.skiff.client.Fixtures.RecordingWatcher;
import io.skiff.client.KubeClient;
import io.skiff.client.ListOptions;
import io.skiff.client.Resources;
import io.skiff.client.Watch;
import io.skiff.clock.ManualClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What only the HTTP transport has: URLs, headers, bodies that are not Status, the rate limit and
 * the line-by-line watch stream. Against a scripted JDK HTTP server; the behaviour shared with the
 * in-process transport is {@code KubeClientContractTest}'s.
 */
class HttpTransportTest {

  private static final ObjectCodec CODEC = new ObjectCodec();

  /** Answers one request. */
  @FunctionalInterface
  private interface Answer {
    void answer(HttpExchange exchange) throws IOException;
  }

  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private volatile Answer answer = ok(Fixtures.configMap("ns", "a"));
  private HttpServer server;
  private KubeClient client;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/",
        exchange -> {
          requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
          String auth = exchange.getRequestHeaders().getFirst("Authorization");
          authorizations.add(auth == null ? "" : auth);
          try {
            answer.answer(exchange);
          } finally {
            exchange.close();
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    server.stop(0);
  }

  private URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  private KubeClient client(HttpTransport.Builder b) {
    client = KubeClient.over(b.build());
    return client;
  }

  private KubeClient client() {
    return client(HttpTransport.builder(url()));
  }

  private static Answer ok(Object body) {
    return respond(200, CODEC.encode(body));
  }

  private static Answer respond(int code, byte[] body) {
    return exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    };
  }

  private static ResourceType type(Class<?> kind) {
    return ResourceRegistry.builtin().all().stream()
        .filter(t -> t.type() == kind)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void urlsFollowTheKubernetesPaths() {
    Resources<ConfigMap> configMaps = client().resources(ConfigMap.class);
    configMaps.get("ns", "a");
    answer = ok(Fixtures.deployment("ns", "web", 1));
    client
        .resources(Deployment.class)
        .patch("ns", "web", io.skiff.api.patch.PatchType.MERGE_PATCH, "{}");
    answer =
        ok(
            new io.fabric8.kubernetes.api.model.NodeBuilder()
                .withNewMetadata()
                .withName("n1")
                .endMetadata()
                .build());
    client.resources(Node.class).get("ignored", "n1");
    answer =
        ok(
            CODEC
                .mapper()
                .createObjectNode()
                .put("kind", "ConfigMapList")
                .set("items", CODEC.mapper().createArrayNode()));
    configMaps.list(
        null,
        ListOptions.labelSelector("env in (a,b)")
            .withFieldSelector("metadata.name=x")
            .withLimit(5)
            .withContinue("tok+en"));

    assertThat(requests)
        .containsExactly(
            "GET /api/v1/namespaces/ns/configmaps/a",
            "PATCH /apis/apps/v1/namespaces/ns/deployments/web",
            "GET /api/v1/nodes/n1",
            "GET /api/v1/configmaps?labelSelector=env+in+%28a%2Cb%29"
                + "&fieldSelector=metadata.name%3Dx&limit=5&continue=tok%2Ben");
  }

  @Test
  void theBearerTokenGoesWithEveryRequest() {
    client(HttpTransport.builder(url()).bearerToken("s3cret"))
        .resources(ConfigMap.class)
        .get("ns", "a");

    assertThat(authorizations).containsExactly("Bearer s3cret");
  }

  @Test
  void aStatusBodyBecomesItsStatusError() {
    StatusError sent = StatusError.conflict(type(ConfigMap.class), "a");
    answer = respond(409, CODEC.encode(sent.status()));

    StatusError e =
        catchThrowableOfType(
            StatusError.class,
            () -> client().resources(ConfigMap.class).update(Fixtures.configMap("ns", "a")));

    assertThat(e.status()).isEqualTo(sent.status());
  }

  @Test
  void aBodyThatIsNoStatusIsDescribedByItsCode() {
    answer = respond(502, "upstream went away".getBytes(StandardCharsets.UTF_8));

    StatusError e =
        catchThrowableOfType(
            StatusError.class, () -> client().resources(ConfigMap.class).get("ns", "a"));

    assertThat(e.code()).isEqualTo(502);
    assertThat(e.reason()).isEqualTo("InternalError");
    assertThat(e.getMessage()).isEqualTo("upstream went away");
  }

  @Test
  void aMissingObjectIsEmptyNotAnError() {
    answer = respond(404, CODEC.encode(StatusError.notFound(type(ConfigMap.class), "a").status()));

    assertThat(client().resources(ConfigMap.class).get("ns", "a")).isEmpty();
  }

  @Test
  void requestsOverTheRateLimitWaitOnTheClockBeforeTheyAreSent() {
    ManualClock clock = new ManualClock();
    HttpTransport http = HttpTransport.builder(url()).build();
    client = KubeClient.over(http);
    Resources<ConfigMap> configMaps =
        KubeClient.over(new RateLimitedTransport(http, clock, 1, 2)).resources(ConfigMap.class);
    configMaps.get("ns", "a");
    configMaps.get("ns", "a");

    CompletableFuture<Object> third =
        CompletableFuture.supplyAsync(
            () -> configMaps.get("ns", "a"), Executors.newVirtualThreadPerTaskExecutor());
    eventually().until(() -> clock.pendingTimers() == 1);
    assertThat(clock.nextTimerIn()).isEqualTo(Duration.ofSeconds(1));
    assertThat(third).isNotDone();
    assertThat(requests).hasSize(2);

    clock.advance(Duration.ofSeconds(1));
    eventually().until(third::isDone);
    assertThat(requests).hasSize(3);
  }

  @Test
  void aWatchIsReadLineByLineUntilItsErrorEvent() throws Exception {
    ConfigMap a = Fixtures.configMap("ns", "a");
    a.getMetadata().setResourceVersion("5");
    ConfigMap a2 = Fixtures.configMap("ns", "a");
    a2.getMetadata().setResourceVersion("6");
    StatusError expired = StatusError.expired("too old resource version: 1 (4)");
    answer =
        exchange -> {
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(line("ADDED", a));
            out.write(line("BOOKMARK", a));
            out.write(line("MODIFIED", a2));
            out.write(line("ERROR", expired.status()));
          }
        };
    RecordingWatcher<ConfigMap> w = new RecordingWatcher<>();

    try (Watch watch =
        client().resources(ConfigMap.class).watch("ns", ListOptions.labelSelector("x=y"), 4, w)) {
      StatusError error = w.closed.get();
      assertThat(error.status()).isEqualTo(expired.status());
    }
    assertThat(w.events)
        .extracting(Fixtures.Seen::toString)
        .containsExactly("ADDED a@5", "MODIFIED a@6");
    assertThat(requests)
        .containsExactly(
            "GET /api/v1/namespaces/ns/configmaps?watch=true&resourceVersion=4&labelSelector=x%3Dy");
  }

  @Test
  void aWatchTheServerRefusesThrows() {
    StatusError refused = StatusError.badRequest("field label not supported: spec.x");
    answer = respond(400, CODEC.encode(refused.status()));

    StatusError e =
        catchThrowableOfType(
            StatusError.class,
            () ->
                client().resources(ConfigMap.class).watch("ns", null, 0, new RecordingWatcher<>()));

    assertThat(e.status()).isEqualTo(refused.status());
  }

  @Test
  void closingAWatchEndsItWithoutError() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ConfigMap a = Fixtures.configMap("ns", "a");
    a.getMetadata().setResourceVersion("5");
    answer =
        exchange -> {
          exchange.sendResponseHeaders(200, 0);
          OutputStream out = exchange.getResponseBody();
          out.write(line("ADDED", a));
          out.flush();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    RecordingWatcher<ConfigMap> w = new RecordingWatcher<>();
    Watch watch = client().resources(ConfigMap.class).watch("ns", null, 0, w);
    eventually().until(() -> w.events.size() == 1);

    watch.close();

    assertThat(w.closed.get()).isNull();
    assertThat(w.closeCalls).hasValue(1);
    release.countDown();
  }

  @Test
  void aStreamThatEndsEndsTheWatchWithoutError() throws Exception {
    answer =
        exchange -> {
          exchange.sendResponseHeaders(200, 0);
          exchange.getResponseBody().close();
        };
    RecordingWatcher<ConfigMap> w = new RecordingWatcher<>();

    client().resources(ConfigMap.class).watch("ns", null, 3, w);

    assertThat(w.closed.get()).isNull();
  }

  private static byte[] line(String type, Object object) {
    var line = CODEC.mapper().createObjectNode();
    line.put("type", type);
    line.set("object", CODEC.toTree(object));
    byte[] json = CODEC.encode(line);
    byte[] out = new byte[json.length + 1];
    System.arraycopy(json, 0, out, 0, json.length);
    out[json.length] = '\n';
    return out;
  }
}
