package io.skiff.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skiff.api.ResourceRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpenApiTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final OpenApi OPENAPI = new OpenApi(ResourceRegistry.builtin(), MAPPER, "v1.33.0");

  private static JsonNode doc(String path) throws Exception {
    return MAPPER.readTree(OPENAPI.v3Document(path).orElseThrow());
  }

  @Test
  void theIndexListsEveryServedGroupVersionWithAHash() throws Exception {
    JsonNode index = MAPPER.readTree(OPENAPI.v3Index());
    List<String> paths = new ArrayList<>();
    index.path("paths").fieldNames().forEachRemaining(paths::add);
    assertThat(paths)
        .containsExactly(
            "api/v1",
            "apis/apps/v1",
            "apis/batch/v1",
            "apis/coordination.k8s.io/v1",
            "apis/events.k8s.io/v1",
            "apis/policy/v1");
    assertThat(index.at("/paths/apis~1apps~1v1/serverRelativeURL").asText())
        .matches("/openapi/v3/apis/apps/v1\\?hash=[0-9A-F]{128}");
    assertThat(OPENAPI.v3Document("apis/nope/v1")).isEmpty();
  }

  @Test
  void patchOperationsTellKubectlTheServerValidatesFields() throws Exception {
    JsonNode patch =
        doc("apis/apps/v1")
            .at("/paths/~1apis~1apps~1v1~1namespaces~1{namespace}~1deployments~1{name}/patch");
    assertThat(patch.at("/x-kubernetes-group-version-kind/kind").asText()).isEqualTo("Deployment");
    Set<String> params = new HashSet<>();
    patch
        .path("parameters")
        .forEach(p -> params.add(p.path("name").asText() + "@" + p.path("in").asText()));
    assertThat(params).contains("fieldValidation@query");
    assertThat(patch.at("/requestBody/content").has("application/strategic-merge-patch+json"))
        .isTrue();
  }

  @Test
  void schemasCarryDescriptionsExtensionsAndGroupVersionKinds() throws Exception {
    JsonNode schemas = doc("apis/apps/v1").at("/components/schemas");
    JsonNode deployment = schemas.path("io.k8s.api.apps.v1.Deployment");
    assertThat(deployment.at("/x-kubernetes-group-version-kind/0/group").asText())
        .isEqualTo("apps");
    JsonNode strategy = schemas.at("/io.k8s.api.apps.v1.DeploymentSpec/properties/strategy");
    assertThat(strategy.at("/allOf/0/$ref").asText())
        .isEqualTo("#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy");
    assertThat(strategy.path("x-kubernetes-patch-strategy").asText()).isEqualTo("retainKeys");
    assertThat(
            schemas
                .at("/io.k8s.api.apps.v1.DeploymentStrategy/properties/type/description")
                .asText())
        .startsWith("Type of deployment. Can be \"Recreate\" or \"RollingUpdate\".");
    JsonNode containers = schemas.at("/io.k8s.api.core.v1.PodSpec/properties/containers");
    assertThat(containers.path("x-kubernetes-patch-merge-key").asText()).isEqualTo("name");
    assertThat(schemas.has("io.k8s.api.autoscaling.v1.Scale")).isTrue();
  }

  @Test
  void everyReferenceInADocumentResolves() throws Exception {
    for (String path : List.of("api/v1", "apis/apps/v1", "apis/batch/v1", "apis/policy/v1")) {
      JsonNode d = doc(path);
      JsonNode schemas = d.at("/components/schemas");
      List<String> dangling = new ArrayList<>();
      collect(d, schemas, dangling);
      assertThat(dangling).as("dangling references in %s", path).isEmpty();
      assertThat(d.toString()).doesNotContain("x-fabric8-info").doesNotContain("#/definitions/");
    }
  }

  private static void collect(JsonNode node, JsonNode schemas, List<String> dangling) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null) {
        String name = ref.asText().substring("#/components/schemas/".length());
        if (!schemas.has(name)) {
          dangling.add(name);
        }
      }
    }
    node.forEach(child -> collect(child, schemas, dangling));
  }

  @Test
  void theV2ProtobufIsAMinimalGnosticDocument() {
    byte[] pb = OPENAPI.v2Protobuf();
    // field 1 "2.0", then field 2 Info{title, version}.
    assertThat(pb[0]).isEqualTo((byte) 0x0A);
    assertThat(pb[1]).isEqualTo((byte) 3);
    assertThat(new String(pb, 2, 3, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("2.0");
    assertThat(pb[5]).isEqualTo((byte) 0x12);
    assertThat(pb[6]).isEqualTo((byte) (pb.length - 7));
  }
}
