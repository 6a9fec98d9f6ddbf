package io.skiff.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kubectl apply --server-side} against Skiff (issue: server-side apply): applies that create
 * and change a Deployment, a scale that takes the replicas, the conflict a later apply meets and
 * {@code --force-conflicts}, managedFields as {@code --show-managed-fields} prints them, and
 * client-side {@code kubectl apply} before and after, including kubectl's own move of an object
 * from client-side to server-side apply. Each kubectl version works in its own namespace.
 */
class ServerSideApplyIT {

  @RegisterExtension static final SkiffExtension skiff = new SkiffExtension();

  private static String deployment(String name, String namespace, int replicas, String image) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: %s
          namespace: %s
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
                ports:
                - containerPort: 80
        """
        .formatted(name, namespace, replicas, image);
  }

  private static JsonNode entry(JsonNode obj, String manager, String operation) {
    for (JsonNode e : obj.at("/metadata/managedFields")) {
      if (e.path("manager").asText().equals(manager)
          && e.path("operation").asText().equals(operation)) {
        return e;
      }
    }
    return null;
  }

  @ForEachKubectl
  void applyScaleConflictAndForce(String version) {
    Kubectl kubectl = skiff.kubectl(version);
    String ns = "ssa-" + version.replace(".", "-");
    kubectl.run("create", "namespace", ns).assertSuccess();

    assertThat(
            kubectl
                .withStdin(deployment("nginx", ns, 3, "nginx:1.14.2"))
                .output("apply", "--server-side", "-f", "-"))
        .contains("deployment.apps/nginx serverside-applied");
    JsonNode created = kubectl.yaml("get", "deploy", "nginx", "-n", ns, "--show-managed-fields");
    JsonNode applied = entry(created, "kubectl", "Apply");
    assertThat(applied).as("managedFields: %s", created.at("/metadata/managedFields")).isNotNull();
    assertThat(applied.path("apiVersion").asText()).isEqualTo("apps/v1");
    assertThat(applied.path("fieldsType").asText()).isEqualTo("FieldsV1");
    assertThat(applied.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    JsonNode fields = applied.path("fieldsV1");
    assertThat(fields.at("/f:spec/f:replicas").isObject()).isTrue();
    assertThat(fields.at("/f:spec/f:selector").isObject()).isTrue();
    JsonNode container =
        fields.at("/f:spec/f:template/f:spec/f:containers").path("k:{\"name\":\"nginx\"}");
    assertThat(container.has(".")).isTrue();
    assertThat(container.path("f:ports").has("k:{\"containerPort\":80,\"protocol\":\"TCP\"}"))
        .isTrue();
    // Applied fields only: defaults the server filled in belong to nobody.
    assertThat(fields.at("/f:spec/f:revisionHistoryLimit").isMissingNode()).isTrue();
    // kubectl hides managedFields unless asked.
    assertThat(
            kubectl
                .yaml("get", "deploy", "nginx", "-n", ns)
                .at("/metadata/managedFields")
                .isMissingNode())
        .isTrue();

    // A changed manifest applies as a new generation.
    kubectl
        .withStdin(deployment("nginx", ns, 3, "nginx:1.16.1"))
        .output("apply", "--server-side", "-f", "-");
    JsonNode changed = kubectl.json("get", "deploy", "nginx", "-n", ns);
    assertThat(changed.at("/spec/template/spec/containers/0/image").asText())
        .isEqualTo("nginx:1.16.1");
    assertThat(changed.at("/metadata/generation").asInt()).isEqualTo(2);

    // An unchanged one changes nothing (controllers may still write status meanwhile).
    JsonNode before = kubectl.json("get", "deploy", "nginx", "-n", ns, "--show-managed-fields");
    kubectl
        .withStdin(deployment("nginx", ns, 3, "nginx:1.16.1"))
        .output("apply", "--server-side", "-f", "-");
    JsonNode after = kubectl.json("get", "deploy", "nginx", "-n", ns, "--show-managed-fields");
    assertThat(after.at("/metadata/generation")).isEqualTo(before.at("/metadata/generation"));
    assertThat(entry(after, "kubectl", "Apply")).isEqualTo(entry(before, "kubectl", "Apply"));

    // kubectl scale sends no fieldManager: the manager is its User-Agent's product, the binary's
    // file name, and the entry names the scale subresource.
    kubectl.output("scale", "deployment", "nginx", "--replicas=5", "-n", ns);
    String scaler = kubectl.binary().getFileName().toString();
    JsonNode scaled = kubectl.json("get", "deploy", "nginx", "-n", ns, "--show-managed-fields");
    JsonNode scaleEntry = entry(scaled, scaler, "Update");
    assertThat(scaleEntry)
        .as("managedFields: %s", scaled.at("/metadata/managedFields"))
        .isNotNull();
    assertThat(scaleEntry.path("subresource").asText()).isEqualTo("scale");
    assertThat(scaleEntry.path("fieldsV1").toString())
        .isEqualTo("{\"f:spec\":{\"f:replicas\":{}}}");
    assertThat(entry(scaled, "kubectl", "Apply").at("/fieldsV1/f:spec/f:replicas").isMissingNode())
        .isTrue();

    // Applying other replicas now conflicts with the scale.
    String stderr =
        kubectl
            .withStdin(deployment("nginx", ns, 4, "nginx:1.16.1"))
            .run("apply", "--server-side", "-f", "-")
            .assertFailure()
            .stderr();
    assertThat(stderr)
        .contains(
            "Apply failed with 1 conflict: conflict with \""
                + scaler
                + "\" with subresource \"scale\" using apps/v1: .spec.replicas")
        .contains("--force-conflicts");
    assertThat(kubectl.json("get", "deploy", "nginx", "-n", ns).at("/spec/replicas").asInt())
        .isEqualTo(5);

    // Forced, the apply takes them back.
    assertThat(
            kubectl
                .withStdin(deployment("nginx", ns, 4, "nginx:1.16.1"))
                .output("apply", "--server-side", "--force-conflicts", "-f", "-"))
        .contains("serverside-applied");
    JsonNode forced = kubectl.json("get", "deploy", "nginx", "-n", ns, "--show-managed-fields");
    assertThat(forced.at("/spec/replicas").asInt()).isEqualTo(4);
    assertThat(entry(forced, scaler, "Update")).isNull();
    assertThat(entry(forced, "kubectl", "Apply").at("/fieldsV1/f:spec/f:replicas").isObject())
        .isTrue();

    // A field the schema does not have is refused, naming it.
    String unknown =
        deployment("nginx", ns, 4, "nginx:1.16.1")
            .replace("  replicas: 4\n", "  replicas: 4\n  foo: 1\n");
    assertThat(
            kubectl
                .withStdin(unknown)
                .run("apply", "--server-side", "-f", "-")
                .assertFailure()
                .stderr())
        .contains(".spec.foo: field not declared in schema");
  }

  @ForEachKubectl
  void clientSideApplyKeepsWorkingAroundServerSideApply(String version) {
    Kubectl kubectl = skiff.kubectl(version);
    String ns = "csa-" + version.replace(".", "-");
    kubectl.run("create", "namespace", ns).assertSuccess();

    assertThat(kubectl.withStdin(deployment("web", ns, 3, "nginx")).output("apply", "-f", "-"))
        .contains("deployment.apps/web created");
    JsonNode csa = kubectl.json("get", "deploy", "web", "-n", ns, "--show-managed-fields");
    JsonNode csaEntry = entry(csa, "kubectl-client-side-apply", "Update");
    assertThat(csaEntry).as("managedFields: %s", csa.at("/metadata/managedFields")).isNotNull();
    assertThat(
            csaEntry
                .at("/fieldsV1/f:metadata/f:annotations")
                .has("f:kubectl.kubernetes.io/last-applied-configuration"))
        .isTrue();

    // Server-side apply over client-side apply: kubectl moves the ownership to its apply entry,
    // and values it last applied client-side do not conflict.
    assertThat(
            kubectl
                .withStdin(deployment("web", ns, 2, "nginx"))
                .run("apply", "--server-side", "-f", "-")
                .assertSuccess()
                .stdout())
        .contains("deployment.apps/web serverside-applied");
    JsonNode ssa = kubectl.json("get", "deploy", "web", "-n", ns, "--show-managed-fields");
    assertThat(ssa.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(entry(ssa, "kubectl", "Apply").at("/fieldsV1/f:spec/f:replicas").isObject())
        .isTrue();
    assertThat(
            ssa.at("/metadata/annotations")
                .path("kubectl.kubernetes.io/last-applied-configuration")
                .asText())
        .contains("\"replicas\":2");

    // And client-side apply still applies.
    assertThat(kubectl.withStdin(deployment("web", ns, 1, "nginx:2")).output("apply", "-f", "-"))
        .contains("deployment.apps/web configured");
    JsonNode again = kubectl.json("get", "deploy", "web", "-n", ns, "--show-managed-fields");
    assertThat(again.at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(again.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("nginx:2");
    assertThat(entry(again, "kubectl-client-side-apply", "Update")).isNotNull();
  }
}
