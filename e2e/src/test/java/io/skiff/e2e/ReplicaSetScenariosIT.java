package io.skiff.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario S8: a ReplicaSet scaled up and down, a template change that leaves running pods alone,
 * and {@code delete --cascade=orphan} leaving its pods running and ownerless.
 */
class ReplicaSetScenariosIT {

  @RegisterExtension
  static final SkiffExtension skiff =
      new SkiffExtension().withArgs("--image-pull-time", "200ms", "--pod-shutdown-time", "200ms");

  private static final String RS =
      """
      apiVersion: apps/v1
      kind: ReplicaSet
      metadata:
        name: pc-replicaset
      spec:
        replicas: 2
        selector:
          matchLabels:
            app: nginx-pod
        template:
          metadata:
            labels:
              app: nginx-pod
          spec:
            containers:
            - name: nginx
              image: nginx:1.17.1
      """;

  private static Set<String> podNames(Kubectl kubectl, String ns) {
    Set<String> names = new HashSet<>();
    for (JsonNode p : kubectl.json("get", "pods", "-n", ns, "-l", "app=nginx-pod").path("items")) {
      names.add(p.at("/metadata/name").asText());
    }
    return names;
  }

  private static void awaitReady(Kubectl kubectl, String ns, int n) {
    kubectl.awaitJson(
        rs -> rs.at("/status/readyReplicas").asInt() == n && rs.at("/status/replicas").asInt() == n,
        "get",
        "rs",
        "pc-replicaset",
        "-n",
        ns);
  }

  @ForEachKubectl
  void s8ScaleTemplateChangeAndOrphaning(String version) {
    Kubectl kubectl = skiff.kubectl(version);
    String ns = "s8-" + version.replace(".", "");
    kubectl.output("create", "namespace", ns);
    kubectl.withStdin(RS).output("create", "-f", "-", "-n", ns);
    awaitReady(kubectl, ns, 2);
    assertThat(kubectl.output("get", "rs", "pc-replicaset", "-n", ns, "--no-headers"))
        .containsPattern("pc-replicaset\\s+2\\s+2\\s+2\\s+");
    for (String name : podNames(kubectl, ns)) {
      assertThat(name).matches("pc-replicaset-[a-z0-9]{5}");
    }

    kubectl.output("scale", "rs", "pc-replicaset", "--replicas=5", "-n", ns);
    awaitReady(kubectl, ns, 5);
    kubectl.output("scale", "rs", "pc-replicaset", "--replicas=3", "-n", ns);
    awaitReady(kubectl, ns, 3);
    kubectl.awaitOutput(out -> out.lines().count() == 3, "get", "pods", "-n", ns, "-o", "name");

    // A ReplicaSet's template change reaches only pods made after it.
    Set<String> before = podNames(kubectl, ns);
    kubectl.output("set", "image", "rs/pc-replicaset", "nginx=nginx:1.17.2", "-n", ns);
    assertThat(podNames(kubectl, ns)).isEqualTo(before);
    for (JsonNode p : kubectl.json("get", "pods", "-n", ns).path("items")) {
      assertThat(p.at("/spec/containers/0/image").asText()).isEqualTo("nginx:1.17.1");
    }
    String replaced = before.iterator().next();
    kubectl.output("delete", "pod", replaced, "-n", ns);
    kubectl.awaitJson(
        pods -> {
          int newImage = 0;
          for (JsonNode p : pods.path("items")) {
            if (p.at("/spec/containers/0/image").asText().equals("nginx:1.17.2")) {
              newImage++;
            }
          }
          return newImage == 1 && pods.path("items").size() == 3;
        },
        "get",
        "pods",
        "-n",
        ns,
        "-l",
        "app=nginx-pod");

    Set<String> kept = podNames(kubectl, ns);
    kubectl.output("delete", "rs", "pc-replicaset", "--cascade=orphan", "-n", ns);
    kubectl.awaitOutput(String::isBlank, "get", "rs", "-n", ns, "-o", "name");
    assertThat(podNames(kubectl, ns)).isEqualTo(kept);
    for (JsonNode p : kubectl.json("get", "pods", "-n", ns).path("items")) {
      assertThat(
              p.at("/metadata/ownerReferences").isMissingNode()
                  || p.at("/metadata/ownerReferences").isEmpty())
          .as(p.at("/metadata/name").asText())
          .isTrue();
      assertThat(p.at("/status/phase").asText()).isEqualTo("Running");
    }
  }
}
