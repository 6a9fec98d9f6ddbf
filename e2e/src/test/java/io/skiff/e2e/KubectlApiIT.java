package io.skiff.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What kubectl does with objects against Skiff's API server (issue 3): create, get in every output
 * format, apply, replace with a stale version, edit, patch of every type, label, annotate, scale,
 * strict validation, explain and delete. Each kubectl version works in its own namespace of one
 * shared Skiff.
 */
class KubectlApiIT {

  @RegisterExtension static final SkiffExtension skiff = new SkiffExtension();

  private static String deployment(String namespace) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: nginx-deployment
          namespace: %s
          labels:
            app: nginx
        spec:
          replicas: 3
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
                image: nginx:1.14.2
                ports:
                - containerPort: 80
        """
        .formatted(namespace);
  }

  @ForEachKubectl
  void objectsThroughTheirWholeLife(String version) {
    Kubectl kubectl = skiff.kubectl(version);
    String ns = "v" + version.replace(".", "-");
    // kubectl 1.32+ sends this body as protobuf, 1.27 as JSON.
    assertThat(kubectl.run("create", "namespace", ns).assertSuccess().stdout())
        .contains("namespace/" + ns + " created");
    String manifest = deployment(ns);

    assertThat(kubectl.withStdin(manifest).run("create", "-f", "-").assertSuccess().stdout())
        .contains("deployment.apps/nginx-deployment created");

    // The seed's first look at a new Deployment (somewhere between 0/3 0 0 and 3/3 3 3, as the
    // controllers work), and with -o wide its template.
    String table = kubectl.output("get", "deployments", "-n", ns);
    assertThat(table.lines().findFirst().orElseThrow())
        .matches("NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE");
    assertThat(table).containsPattern("nginx-deployment\\s+[0-3]/3\\s+[0-3]\\s+[0-3]\\s+\\d+s");
    assertThat(kubectl.output("get", "deploy", "-n", ns, "-o", "wide"))
        .containsPattern("CONTAINERS\\s+IMAGES\\s+SELECTOR")
        .containsPattern("nginx\\s+nginx:1.14.2\\s+app=nginx");

    JsonNode json = kubectl.json("get", "deploy", "nginx-deployment", "-n", ns);
    assertThat(json.at("/spec/strategy/rollingUpdate/maxSurge").asText()).isEqualTo("25%");
    assertThat(
            kubectl
                .yaml("get", "deploy", "nginx-deployment", "-n", ns)
                .at("/metadata/generation")
                .asInt())
        .isEqualTo(1);
    assertThat(kubectl.output("get", "deploy", "-n", ns, "-o", "name").strip())
        .isEqualTo("deployment.apps/nginx-deployment");
    assertThat(
            kubectl.output(
                "get", "deploy", "nginx-deployment", "-n", ns, "-o", "jsonpath={.spec.replicas}"))
        .isEqualTo("3");
    assertThat(
            kubectl.output(
                "get",
                "deploy",
                "-n",
                ns,
                "-o",
                "custom-columns=N:.metadata.name,R:.spec.replicas"))
        .containsPattern("nginx-deployment\\s+3");
    assertThat(kubectl.output("get", "deploy", "-A", "-l", "app=nginx")).contains(ns);
    assertThat(kubectl.output("get", "namespaces", "--field-selector", "metadata.name=" + ns))
        .contains(ns);

    // set image is a strategic merge patch on the template: a new generation.
    kubectl
        .run("set", "image", "deployment/nginx-deployment", "nginx=nginx:1.16.1", "-n", ns)
        .assertSuccess();
    JsonNode updated = kubectl.json("get", "deploy", "nginx-deployment", "-n", ns);
    assertThat(updated.at("/spec/template/spec/containers/0/image").asText())
        .isEqualTo("nginx:1.16.1");
    assertThat(updated.at("/metadata/generation").asInt()).isEqualTo(2);

    kubectl
        .run("scale", "deployment", "nginx-deployment", "--replicas=5", "-n", ns)
        .assertSuccess();
    kubectl.run("label", "deploy", "nginx-deployment", "tier=web", "-n", ns).assertSuccess();
    kubectl.run("annotate", "deploy", "nginx-deployment", "note=seed", "-n", ns).assertSuccess();
    kubectl
        .run(
            "patch",
            "deploy",
            "nginx-deployment",
            "-n",
            ns,
            "--type=json",
            "-p",
            "[{\"op\":\"replace\",\"path\":\"/spec/minReadySeconds\",\"value\":2}]")
        .assertSuccess();
    kubectl
        .run(
            "patch",
            "deploy",
            "nginx-deployment",
            "-n",
            ns,
            "--type=merge",
            "-p",
            "{\"spec\":{\"revisionHistoryLimit\":4}}")
        .assertSuccess();
    JsonNode patched = kubectl.json("get", "deploy", "nginx-deployment", "-n", ns);
    assertThat(patched.at("/spec/replicas").asInt()).isEqualTo(5);
    assertThat(patched.at("/metadata/labels/tier").asText()).isEqualTo("web");
    assertThat(patched.at("/metadata/annotations/note").asText()).isEqualTo("seed");
    assertThat(patched.at("/spec/minReadySeconds").asInt()).isEqualTo(2);
    assertThat(patched.at("/spec/revisionHistoryLimit").asInt()).isEqualTo(4);

    // A replace from a stale read is refused with upstream's conflict text.
    String stale = kubectl.output("get", "deploy", "nginx-deployment", "-n", ns, "-o", "yaml");
    kubectl
        .run("scale", "deployment", "nginx-deployment", "--replicas=4", "-n", ns)
        .assertSuccess();
    assertThat(kubectl.withStdin(stale).run("replace", "-f", "-").assertFailure().stderr())
        .contains(
            "Operation cannot be fulfilled on deployments.apps \"nginx-deployment\": the object"
                + " has been modified; please apply your changes to the latest version and try"
                + " again");

    // edit, non-interactively: the editor is a sed that rewrites the replica count.
    kubectl
        .withEnv("EDITOR", "sed -i s/replicas:\\ 4/replicas:\\ 6/")
        .run("edit", "deploy", "nginx-deployment", "-n", ns)
        .assertSuccess();
    assertThat(
            kubectl.output(
                "get", "deploy", "nginx-deployment", "-n", ns, "-o", "jsonpath={.spec.replicas}"))
        .isEqualTo("6");

    // apply takes the manifest back to 3 replicas and nginx:1.14.2.
    kubectl.withStdin(manifest).run("apply", "-f", "-").assertSuccess();
    JsonNode applied = kubectl.json("get", "deploy", "nginx-deployment", "-n", ns);
    assertThat(applied.at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(applied.at("/spec/template/spec/containers/0/image").asText())
        .isEqualTo("nginx:1.14.2");

    kubectl.run("delete", "deploy", "nginx-deployment", "-n", ns).assertSuccess();
    assertThat(kubectl.run("get", "deploy", "nginx-deployment", "-n", ns).assertFailure().stderr())
        .contains("deployments.apps \"nginx-deployment\" not found");
  }

  @ForEachKubectl
  void validationErrorsReadAsUpstreamWrites(String version) {
    Kubectl kubectl = skiff.kubectl(version);
    String ns = "bad-" + version.replace(".", "-");
    // kubectl 1.32+ sends this body as protobuf, 1.27 as JSON.
    assertThat(kubectl.run("create", "namespace", ns).assertSuccess().stdout())
        .contains("namespace/" + ns + " created");

    // Seed 001: partition under a Deployment's rollingUpdate is an unknown field.
    String withPartition =
        deployment(ns)
            .replace(
                "  replicas: 3\n",
                "  replicas: 3\n  strategy:\n    rollingUpdate:\n      partition: 1\n");
    assertThat(kubectl.withStdin(withPartition).run("create", "-f", "-").assertFailure().stderr())
        .contains("unknown field \"spec.strategy.rollingUpdate.partition\"");

    // Seed 004: a selector that does not match the template's labels.
    String mismatched =
        deployment(ns)
            .replace(
                "      labels:\n        app: nginx\n    spec:",
                "      labels:\n        app: other\n    spec:");
    assertThat(kubectl.withStdin(mismatched).run("create", "-f", "-").assertFailure().stderr())
        .contains(
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`");
  }

  @ForEachKubectl
  void discoveryAndExplain(String version) {
    Kubectl kubectl = skiff.kubectl(version);
    assertThat(kubectl.output("api-resources"))
        .containsPattern("deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment")
        .containsPattern("pods\\s+po\\s+v1\\s+true\\s+Pod");
    assertThat(kubectl.output("explain", "deployment.spec.strategy"))
        .contains("Type of deployment. Can be \"Recreate\" or \"RollingUpdate\".");
  }
}
