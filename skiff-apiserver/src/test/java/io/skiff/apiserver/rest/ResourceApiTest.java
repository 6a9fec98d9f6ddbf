package io.skiff.apiserver.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skiff.apiserver.ApiServer;
import io.skiff.store.memory.MemoryStore;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Kubernetes REST API over real HTTP, against the memory store. */
class ResourceApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments";

  private final HttpClient http = HttpClient.newHttpClient();
  private MemoryStore store;
  private ApiServer server;

  @BeforeEach
  void start() throws Exception {
    store = new MemoryStore();
    server = ApiServer.builder().port(0).store(store).build().start();
  }

  @AfterEach
  void stop() {
    server.stop();
    store.close();
    http.close();
  }

  static String deployment(String name, String image, String extraSpec) {
    return ("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'"
            + name
            + "','labels':{'app':'nginx'}},'spec':{'replicas':3"
            + extraSpec
            + ",'selector':{'matchLabels':{'app':'nginx'}},'template':{'metadata':{'labels':"
            + "{'app':'nginx'}},'spec':{'containers':[{'name':'nginx','image':'"
            + image
            + "'}]}}}}")
        .replace('\'', '"');
  }

  private HttpResponse<String> send(String method, String path, String contentType, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode ok(HttpResponse<String> r, int code) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(code);
    return JSON.readTree(r.body());
  }

  @Test
  void theSystemNamespacesExistFromTheStart() throws Exception {
    JsonNode list = ok(send("GET", "/api/v1/namespaces", null, null), 200);
    assertThat(list.path("kind").asText()).isEqualTo("NamespaceList");
    List<String> names = new ArrayList<>();
    list.path("items").forEach(i -> names.add(i.at("/metadata/name").asText()));
    assertThat(names).containsExactly("default", "kube-node-lease", "kube-public", "kube-system");
  }

  @Test
  void createDefaultsStampsAndStores() throws Exception {
    JsonNode created =
        ok(
            send("POST", DEPLOYMENTS, "application/json", deployment("web", "nginx:1.14.2", "")),
            201);
    assertThat(created.at("/metadata/generation").asLong()).isEqualTo(1);
    assertThat(created.at("/metadata/uid").asText()).isNotEmpty();
    assertThat(created.at("/spec/strategy/rollingUpdate/maxSurge").asText()).isEqualTo("25%");
    assertThat(created.at("/spec/revisionHistoryLimit").asInt()).isEqualTo(10);
    assertThat(created.has("status")).isFalse();
    JsonNode read = ok(send("GET", DEPLOYMENTS + "/web", null, null), 200);
    assertThat(read.at("/metadata/resourceVersion"))
        .isEqualTo(created.at("/metadata/resourceVersion"));
    assertThat(read.at("/spec/template/spec/containers/0/imagePullPolicy").asText())
        .isEqualTo("IfNotPresent");
  }

  @Test
  void errorsAreStatusesWithUpstreamTexts() throws Exception {
    send("POST", DEPLOYMENTS, "application/json", deployment("web", "nginx", ""));
    JsonNode exists =
        ok(send("POST", DEPLOYMENTS, "application/json", deployment("web", "nginx", "")), 409);
    assertThat(exists.path("reason").asText()).isEqualTo("AlreadyExists");
    assertThat(exists.path("message").asText())
        .isEqualTo("deployments.apps \"web\" already exists");

    JsonNode missing = ok(send("GET", DEPLOYMENTS + "/nope", null, null), 404);
    assertThat(missing.path("message").asText()).isEqualTo("deployments.apps \"nope\" not found");

    String mismatched =
        deployment("bad", "nginx", "")
            .replace(
                "\"template\":{\"metadata\":{\"labels\":{\"app\":\"nginx\"}",
                "\"template\":{\"metadata\":{\"labels\":{\"app\":\"other\"}");
    JsonNode invalid = ok(send("POST", DEPLOYMENTS, "application/json", mismatched), 422);
    assertThat(invalid.path("message").asText())
        .isEqualTo(
            "Deployment.apps \"bad\" is invalid: spec.template.metadata.labels: Invalid value:"
                + " map[string]string{\"app\":\"other\"}: `selector` does not match template"
                + " `labels`");
    assertThat(invalid.at("/details/causes/0/field").asText())
        .isEqualTo("spec.template.metadata.labels");

    JsonNode malformed = ok(send("POST", DEPLOYMENTS, "application/json", "{\"kind\":"), 400);
    assertThat(malformed.path("reason").asText()).isEqualTo("BadRequest");

    JsonNode noNamespace =
        ok(
            send(
                "POST",
                "/apis/apps/v1/namespaces/ghost/deployments",
                "application/json",
                deployment("web", "nginx", "")),
            404);
    assertThat(noNamespace.path("message").asText()).isEqualTo("namespaces \"ghost\" not found");
    assertThat(store.count("/registry/apps/deployments/")).isEqualTo(1);
  }

  @ParameterizedTest(name = "fieldValidation={0}")
  @CsvSource({"Strict, 400, 0", "Warn, 201, 1", "Ignore, 201, 0"})
  void unknownFieldsFollowFieldValidation(String mode, int code, int warnings) throws Exception {
    String body =
        deployment(
            "canary", "nginx", ",'strategy':{'rollingUpdate':{'partition':1}}".replace('\'', '"'));
    HttpResponse<String> r =
        send("POST", DEPLOYMENTS + "?fieldValidation=" + mode, "application/json", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(code);
    assertThat(r.headers().allValues("Warning")).hasSize(warnings);
    if (code == 400) {
      assertThat(JSON.readTree(r.body()).path("message").asText())
          .isEqualTo(
              "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding"
                  + " error: unknown field \"spec.strategy.rollingUpdate.partition\"");
    } else {
      assertThat(r.body()).doesNotContain("partition");
    }
  }

  @Test
  void aStaleUpdateConflictsAndAPatchRetries() throws Exception {
    JsonNode created =
        ok(
            send("POST", DEPLOYMENTS, "application/json", deployment("web", "nginx:1.14.2", "")),
            201);
    String stale = created.at("/metadata/resourceVersion").asText();
    ok(
        send(
            "PATCH",
            DEPLOYMENTS + "/web",
            "application/merge-patch+json",
            "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}"),
        200);
    String replace =
        deployment("web", "nginx:1.15", "")
            .replace("\"name\":\"web\"", "\"name\":\"web\",\"resourceVersion\":\"" + stale + "\"");
    JsonNode conflict = ok(send("PUT", DEPLOYMENTS + "/web", "application/json", replace), 409);
    assertThat(conflict.path("message").asText())
        .isEqualTo(
            "Operation cannot be fulfilled on deployments.apps \"web\": the object has been"
                + " modified; please apply your changes to the latest version and try again");

    JsonNode patched =
        ok(
            send(
                "PATCH",
                DEPLOYMENTS + "/web",
                "application/strategic-merge-patch+json",
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.16.1\"}]}}}}"),
            200);
    assertThat(patched.at("/spec/template/spec/containers/0/image").asText())
        .isEqualTo("nginx:1.16.1");
    assertThat(patched.at("/spec/template/spec/containers/0/terminationMessagePath").asText())
        .isEqualTo("/dev/termination-log");
    // Labels do not move a Deployment's generation (annotations and spec do).
    assertThat(patched.at("/metadata/generation").asLong()).isEqualTo(2);
  }

  @Test
  void aWriteThatChangesNothingKeepsTheResourceVersion() throws Exception {
    JsonNode created =
        ok(send("POST", DEPLOYMENTS, "application/json", deployment("web", "nginx", "")), 201);
    JsonNode same =
        ok(
            send(
                "PATCH",
                DEPLOYMENTS + "/web",
                "application/merge-patch+json",
                "{\"spec\":{\"replicas\":3}}"),
            200);
    assertThat(same.at("/metadata/resourceVersion"))
        .isEqualTo(created.at("/metadata/resourceVersion"));
    assertThat(store.currentRevision())
        .isEqualTo(Long.parseLong(created.at("/metadata/resourceVersion").asText()));
  }

  @Test
  void statusAndSpecAreWrittenThroughTheirOwnEndpoints() throws Exception {
    ok(send("POST", DEPLOYMENTS, "application/json", deployment("web", "nginx", "")), 201);
    JsonNode viaMain =
        ok(
            send(
                "PATCH",
                DEPLOYMENTS + "/web",
                "application/merge-patch+json",
                "{\"status\":{\"replicas\":3}}"),
            200);
    assertThat(viaMain.has("status")).isFalse();
    JsonNode viaStatus =
        ok(
            send(
                "PATCH",
                DEPLOYMENTS + "/web/status",
                "application/merge-patch+json",
                "{\"status\":{\"replicas\":3},\"spec\":{\"replicas\":9}}"),
            200);
    assertThat(viaStatus.at("/status/replicas").asInt()).isEqualTo(3);
    assertThat(viaStatus.at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(viaStatus.at("/metadata/generation").asLong()).isEqualTo(1);
  }

  @Test
  void scaleReadsAndWritesReplicas() throws Exception {
    ok(send("POST", DEPLOYMENTS, "application/json", deployment("web", "nginx", "")), 201);
    JsonNode scale =
        ok(
            send(
                "PATCH",
                DEPLOYMENTS + "/web/scale",
                "application/merge-patch+json",
                "{\"spec\":{\"replicas\":5}}"),
            200);
    assertThat(scale.path("kind").asText()).isEqualTo("Scale");
    assertThat(scale.at("/spec/replicas").asInt()).isEqualTo(5);
    assertThat(scale.at("/status/selector").asText()).isEqualTo("app=nginx");
    assertThat(
            ok(send("GET", DEPLOYMENTS + "/web", null, null), 200)
                .at("/metadata/generation")
                .asLong())
        .isEqualTo(2);
  }

  @Test
  void listsSelectAndPage() throws Exception {
    for (int i = 0; i < 5; i++) {
      String cm =
          "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm-"
              + i
              + "\",\"labels\":{\"tier\":\""
              + (i % 2 == 0 ? "even" : "odd")
              + "\"}}}";
      ok(send("POST", "/api/v1/namespaces/default/configmaps", "application/json", cm), 201);
    }
    JsonNode even =
        ok(
            send(
                "GET",
                "/api/v1/namespaces/default/configmaps?labelSelector=tier%3Deven",
                null,
                null),
            200);
    assertThat(even.path("items")).hasSize(3);
    JsonNode named =
        ok(send("GET", "/api/v1/configmaps?fieldSelector=metadata.name%3Dcm-4", null, null), 200);
    assertThat(named.path("items")).hasSize(1);
    JsonNode page1 =
        ok(send("GET", "/api/v1/namespaces/default/configmaps?limit=2", null, null), 200);
    assertThat(page1.path("items")).hasSize(2);
    String token = page1.at("/metadata/continue").asText();
    assertThat(token).isNotEmpty();
    ok(
        send(
            "POST",
            "/api/v1/namespaces/default/configmaps",
            "application/json",
            "{\"metadata\":{\"name\":\"cm-00\"}}"),
        201);
    JsonNode page2 =
        ok(
            send(
                "GET",
                "/api/v1/namespaces/default/configmaps?limit=10&continue=" + token,
                null,
                null),
            200);
    assertThat(page2.path("items")).hasSize(3);
    assertThat(page2.at("/metadata/resourceVersion"))
        .isEqualTo(page1.at("/metadata/resourceVersion"));
    JsonNode badField =
        ok(send("GET", "/api/v1/configmaps?fieldSelector=spec.x%3D1", null, null), 400);
    assertThat(badField.path("message").asText()).isEqualTo("field label not supported: spec.x");
  }

  @Test
  void deleteWithOrphanPropagationMarksTheObjectAndRemovingTheFinalizerDeletesIt()
      throws Exception {
    ok(send("POST", DEPLOYMENTS, "application/json", deployment("web", "nginx", "")), 201);
    JsonNode marked =
        ok(
            send(
                "DELETE",
                DEPLOYMENTS + "/web",
                "application/json",
                "{\"propagationPolicy\":\"Orphan\"}"),
            200);
    assertThat(marked.at("/metadata/deletionTimestamp").asText()).isNotEmpty();
    assertThat(marked.at("/metadata/finalizers/0").asText()).isEqualTo("orphan");
    assertThat(marked.at("/metadata/generation").asLong()).isEqualTo(2);
    ok(
        send(
            "PATCH",
            DEPLOYMENTS + "/web",
            "application/merge-patch+json",
            "{\"metadata\":{\"finalizers\":null}}"),
        200);
    ok(send("GET", DEPLOYMENTS + "/web", null, null), 404);

    ok(send("POST", DEPLOYMENTS, "application/json", deployment("web2", "nginx", "")), 201);
    JsonNode status = ok(send("DELETE", DEPLOYMENTS + "/web2", null, null), 200);
    assertThat(status.path("status").asText()).isEqualTo("Success");
    assertThat(status.at("/details/kind").asText()).isEqualTo("deployments");
  }

  @Test
  void watchStreamsInitialStateThenChanges() throws Exception {
    ok(send("POST", DEPLOYMENTS, "application/json", deployment("a", "nginx", "")), 201);
    HttpRequest watch =
        HttpRequest.newBuilder(URI.create(server.url() + DEPLOYMENTS + "?watch=true")).build();
    HttpResponse<InputStream> r = http.send(watch, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      JsonNode added = JSON.readTree(lines.readLine());
      assertThat(added.path("type").asText()).isEqualTo("ADDED");
      assertThat(added.at("/object/metadata/name").asText()).isEqualTo("a");
      ok(
          send(
              "PATCH",
              DEPLOYMENTS + "/a",
              "application/merge-patch+json",
              "{\"spec\":{\"replicas\":1}}"),
          200);
      JsonNode modified = JSON.readTree(lines.readLine());
      assertThat(modified.path("type").asText()).isEqualTo("MODIFIED");
      assertThat(modified.at("/object/spec/replicas").asInt()).isEqualTo(1);
      ok(send("DELETE", DEPLOYMENTS + "/a", null, null), 200);
      JsonNode deleted = JSON.readTree(lines.readLine());
      assertThat(deleted.path("type").asText()).isEqualTo("DELETED");
      assertThat(Long.parseLong(deleted.at("/object/metadata/resourceVersion").asText()))
          .isGreaterThan(Long.parseLong(modified.at("/object/metadata/resourceVersion").asText()));
    }
  }

  @Test
  void aWatchFromACompactedRevisionGetsExpired() throws Exception {
    for (int i = 0; i < 3; i++) {
      ok(send("POST", DEPLOYMENTS, "application/json", deployment("d" + i, "nginx", "")), 201);
    }
    store.compact(store.currentRevision());
    HttpResponse<String> r = send("GET", DEPLOYMENTS + "?watch=1&resourceVersion=2", null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode error = JSON.readTree(r.body().lines().findFirst().orElseThrow());
    assertThat(error.path("type").asText()).isEqualTo("ERROR");
    assertThat(error.at("/object/code").asInt()).isEqualTo(410);
    assertThat(error.at("/object/reason").asText()).isEqualTo("Expired");
  }

  @Test
  void tablesCarryUpstreamsColumns() throws Exception {
    ok(send("POST", DEPLOYMENTS, "application/json", deployment("web", "nginx:1.14.2", "")), 201);
    HttpRequest get =
        HttpRequest.newBuilder(URI.create(server.url() + DEPLOYMENTS))
            .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
            .build();
    JsonNode table = JSON.readTree(http.send(get, HttpResponse.BodyHandlers.ofString()).body());
    List<String> columns = new ArrayList<>();
    table.path("columnDefinitions").forEach(c -> columns.add(c.path("name").asText()));
    assertThat(columns)
        .containsExactly(
            "Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector");
    assertThat(table.at("/rows/0/cells/1").asText()).isEqualTo("0/3");
    assertThat(table.at("/rows/0/cells/6").asText()).isEqualTo("nginx:1.14.2");
    assertThat(table.at("/rows/0/object/kind").asText()).isEqualTo("PartialObjectMetadata");
  }
}
