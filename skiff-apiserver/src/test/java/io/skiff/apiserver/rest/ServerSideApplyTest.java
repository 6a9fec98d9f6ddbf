package io.skiff.apiserver.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skiff.apiserver.ApiServer;
import io.skiff.clock.ManualClock;
import io.skiff.store.memory.MemoryStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Server-side apply and managedFields over real HTTP: apply-patch bodies, field managers from the
 * query or the User-Agent, conflicts, and the timestamps a no-op leaves alone.
 */
class ServerSideApplyTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments";
  private static final String APPLY = "application/apply-patch+yaml";
  private static final String KUBECTL_127 =
      "kubectl.1.27/v1.27.16 (linux/amd64) kubernetes/cbb86e0";

  private final HttpClient http = HttpClient.newHttpClient();
  private final ManualClock clock = new ManualClock(Instant.parse("2024-05-01T10:00:00Z"));
  private MemoryStore store;
  private ApiServer server;

  @BeforeEach
  void start() throws Exception {
    store = new MemoryStore();
    server = ApiServer.builder().port(0).store(store).clock(clock).build().start();
  }

  @AfterEach
  void stop() {
    server.stop();
    store.close();
    http.close();
  }

  private static String manifest(int replicas, String image) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: nginx
          labels:
            app: nginx
        spec:
          replicas: %d
          selector:
            matchLabels:
              app: nginx
          template:
            metadata:
              labels:
                app: nginx
            spec:
              containers:
              - name: nginx
                image: %s
        """
        .formatted(replicas, image);
  }

  private HttpResponse<String> send(
      String method, String path, String contentType, String body, String userAgent)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (userAgent != null) {
      b.header("User-Agent", userAgent);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode apply(String query, String body, int code) throws Exception {
    return expect(send("PATCH", DEPLOYMENTS + "/nginx?" + query, APPLY, body, null), code);
  }

  private static JsonNode expect(HttpResponse<String> r, int code) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(code);
    return JSON.readTree(r.body());
  }

  private static JsonNode entry(JsonNode obj, String manager, String operation) {
    for (JsonNode e : obj.at("/metadata/managedFields")) {
      if (e.path("manager").asText().equals(manager)
          && e.path("operation").asText().equals(operation)) {
        return e;
      }
    }
    throw new AssertionError("no " + operation + " entry of " + manager + " in " + obj);
  }

  @Test
  void applyCreatesThenUpdatesAndANoOpChangesNothing() throws Exception {
    JsonNode created = apply("fieldManager=kubectl", manifest(3, "nginx:1.14.2"), 201);
    assertThat(created.at("/metadata/generation").asInt()).isEqualTo(1);
    assertThat(created.at("/spec/revisionHistoryLimit").asInt()).isEqualTo(10);
    JsonNode e = entry(created, "kubectl", "Apply");
    assertThat(e.path("apiVersion").asText()).isEqualTo("apps/v1");
    assertThat(e.path("time").asText()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(e.path("fieldsType").asText()).isEqualTo("FieldsV1");
    assertThat(e.at("/fieldsV1/f:spec/f:replicas").isObject()).isTrue();
    assertThat(e.at("/fieldsV1/f:spec/f:revisionHistoryLimit").isMissingNode()).isTrue();

    clock.advance(Duration.ofMinutes(1));
    JsonNode changed = apply("fieldManager=kubectl", manifest(3, "nginx:1.16.1"), 200);
    assertThat(changed.at("/metadata/generation").asInt()).isEqualTo(2);
    assertThat(changed.at("/spec/template/spec/containers/0/image").asText())
        .isEqualTo("nginx:1.16.1");
    assertThat(entry(changed, "kubectl", "Apply").path("time").asText())
        .isEqualTo("2024-05-01T10:01:00Z");

    clock.advance(Duration.ofMinutes(1));
    JsonNode again = apply("fieldManager=kubectl", manifest(3, "nginx:1.16.1"), 200);
    assertThat(again.at("/metadata/resourceVersion"))
        .isEqualTo(changed.at("/metadata/resourceVersion"));
    assertThat(again.at("/metadata/managedFields"))
        .isEqualTo(changed.at("/metadata/managedFields"));
  }

  @Test
  void aJsonBodyIsYamlToo() throws Exception {
    JsonNode created =
        apply(
            "fieldManager=ctl",
            JSON.writeValueAsString(
                new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
                    .readTree(manifest(1, "nginx"))),
            201);

    assertThat(entry(created, "ctl", "Apply").isObject()).isTrue();
  }

  @Test
  void anApplyNeedsAFieldManager() throws Exception {
    JsonNode status = apply("", manifest(1, "nginx"), 422);

    assertThat(status.path("reason").asText()).isEqualTo("Invalid");
    assertThat(status.path("message").asText())
        .isEqualTo(
            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required"
                + " for apply patch");
    assertThat(status.at("/details/kind").asText()).isEqualTo("PatchOptions");
    assertThat(status.at("/details/group").asText()).isEqualTo("meta.k8s.io");
    assertThat(status.at("/details/causes/0/field").asText()).isEqualTo("fieldManager");
    assertThat(status.at("/details/causes/0/reason").asText()).isEqualTo("FieldValueRequired");
  }

  @Test
  void aBodyOfAnotherKindIsABadRequest() throws Exception {
    JsonNode status =
        apply("fieldManager=m", manifest(1, "nginx").replace("kind: Deployment", "kind: Pod"), 400);

    assertThat(status.path("message").asText()).isEqualTo("invalid object type: apps/v1, Kind=Pod");
    assertThat(send("GET", DEPLOYMENTS + "/nginx", null, null, null).statusCode()).isEqualTo(404);
  }

  @Test
  void aScaleThenAnApplyOfOtherReplicasConflictsUntilForced() throws Exception {
    apply("fieldManager=kubectl", manifest(3, "nginx"), 201);
    expect(
        send(
            "PATCH",
            DEPLOYMENTS + "/nginx/scale",
            "application/merge-patch+json",
            "{\"spec\":{\"replicas\":5}}",
            KUBECTL_127),
        200);

    JsonNode conflict = apply("fieldManager=kubectl", manifest(4, "nginx"), 409);
    assertThat(conflict.path("status").asText()).isEqualTo("Failure");
    assertThat(conflict.path("reason").asText()).isEqualTo("Conflict");
    assertThat(conflict.path("code").asInt()).isEqualTo(409);
    assertThat(conflict.path("message").asText())
        .isEqualTo(
            "Apply failed with 1 conflict: conflict with \"kubectl.1.27\" with subresource"
                + " \"scale\" using apps/v1: .spec.replicas");
    assertThat(conflict.at("/details/causes"))
        .isEqualTo(
            JSON.readTree(
                "[{\"reason\":\"FieldManagerConflict\",\"message\":\"conflict with"
                    + " \\\"kubectl.1.27\\\" with subresource \\\"scale\\\" using apps/v1\","
                    + "\"field\":\".spec.replicas\"}]"));

    JsonNode forced = apply("fieldManager=kubectl&force=true", manifest(4, "nginx"), 200);
    assertThat(forced.at("/spec/replicas").asInt()).isEqualTo(4);
    for (JsonNode e : forced.at("/metadata/managedFields")) {
      assertThat(e.path("subresource").asText()).isNotEqualTo("scale");
    }
  }

  @Test
  void nonApplyWritesRecordTheirManagerFromTheQueryElseTheUserAgent() throws Exception {
    String body =
        JSON.writeValueAsString(
            new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(manifest(1, "nginx")));
    expect(
        send("POST", DEPLOYMENTS + "?fieldManager=kubectl-create", "application/json", body, null),
        201);
    clock.advance(Duration.ofSeconds(30));
    expect(
        send(
            "PATCH",
            DEPLOYMENTS + "/nginx",
            "application/merge-patch+json",
            "{\"metadata\":{\"labels\":{\"tier\":\"web\"}}}",
            KUBECTL_127),
        200);
    JsonNode status =
        expect(
            send(
                "PUT",
                DEPLOYMENTS + "/nginx/status",
                "application/json",
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":"
                    + "\"nginx\"},\"status\":{\"observedGeneration\":1}}",
                "kube-controller-manager/v1.33.0 (linux/amd64) kubernetes/abc/deployment"),
            200);

    assertThat(entry(status, "kubectl-create", "Update").path("time").asText())
        .isEqualTo("2024-05-01T10:00:00Z");
    JsonNode label = entry(status, "kubectl.1.27", "Update");
    assertThat(label.path("fieldsV1").toString())
        .isEqualTo("{\"f:metadata\":{\"f:labels\":{\"f:tier\":{}}}}");
    assertThat(label.path("time").asText()).isEqualTo("2024-05-01T10:00:30Z");
    JsonNode controller = entry(status, "kube-controller-manager", "Update");
    assertThat(controller.path("subresource").asText()).isEqualTo("status");
    assertThat(controller.path("fieldsV1").toString())
        .isEqualTo("{\"f:status\":{\"f:observedGeneration\":{}}}");
  }

  @Test
  void invalidManagedFieldsInARequestCannotCorruptTheRecordedOnes() throws Exception {
    JsonNode created = apply("fieldManager=kubectl", manifest(1, "nginx"), 201);

    JsonNode patched =
        expect(
            send(
                "PATCH",
                DEPLOYMENTS + "/nginx",
                "application/merge-patch+json",
                "{\"metadata\":{\"managedFields\":[{\"manager\":\"x\",\"operation\":\"Bogus\"}]}}",
                "curl/8"),
            200);

    assertThat(patched.at("/metadata/managedFields"))
        .isEqualTo(created.at("/metadata/managedFields"));
    assertThat(patched.at("/metadata/resourceVersion"))
        .isEqualTo(created.at("/metadata/resourceVersion"));
  }

  @Test
  void forceIsOnlyForApply() throws Exception {
    apply("fieldManager=kubectl", manifest(1, "nginx"), 201);

    JsonNode status =
        expect(
            send(
                "PATCH",
                DEPLOYMENTS + "/nginx?force=true",
                "application/merge-patch+json",
                "{}",
                null),
            422);

    assertThat(status.path("message").asText())
        .isEqualTo(
            "PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: may not be specified for"
                + " non-apply patch");
  }

  @Test
  void anApplyToTheStatusOfNothingIs404AndADryRunWritesNothing() throws Exception {
    expect(
        send("PATCH", DEPLOYMENTS + "/nginx/status?fieldManager=m", APPLY, manifest(1, "n"), null),
        404);

    JsonNode dry = apply("fieldManager=m&dryRun=All", manifest(1, "nginx"), 201);
    assertThat(entry(dry, "m", "Apply").isObject()).isTrue();
    assertThat(send("GET", DEPLOYMENTS + "/nginx", null, null, null).statusCode()).isEqualTo(404);
  }
}
