package io.skiff.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario S10 of SCENARIOS.md (seeds 003, 004): DaemonSets driven with the real kubectl. One pod
 * per node, a cordoned node keeps its pod and gets the update, {@code nodeSelector} narrows, a node
 * created with kubectl gets a pod, rolling update and undo, OnDelete, {@code describe}.
 */
class DaemonSetScenariosIT {

  @RegisterExtension static final SkiffExtension skiff = new SkiffExtension();

  static String daemonSet(String name, String image, String extraSpec, String extraPodSpec) {
    return """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: %s
        spec:
          selector:
            matchLabels:
              app: %s
        %s
          template:
            metadata:
              labels:
                app: %s
            spec:
        %s
              containers:
              - name: agent
                image: %s
        """
        .formatted(
            name,
            name,
            extraSpec.indent(2).stripTrailing(),
            name,
            extraPodSpec.indent(6).stripTrailing(),
            image);
  }

  private static List<String> nodeNames(Kubectl kubectl) {
    List<String> names = new ArrayList<>();
    for (JsonNode n : kubectl.json("get", "nodes").path("items")) {
      names.add(n.at("/metadata/name").asText());
    }
    return names;
  }

  /** The node each live pod of {@code app} belongs to → its image. */
  private static Map<String, String> imagesByNode(Kubectl kubectl, String ns, String app) {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode p : kubectl.json("get", "pods", "-n", ns, "-l", "app=" + app).path("items")) {
      if (!p.at("/metadata/deletionTimestamp").isMissingNode()) {
        continue;
      }
      String node = p.at("/spec/nodeName").asText("");
      if (node.isEmpty()) {
        node =
            p.at(
                    "/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution"
                        + "/nodeSelectorTerms/0/matchFields/0/values/0")
                .asText();
      }
      out.put(node, p.at("/spec/containers/0/image").asText());
    }
    return out;
  }

  private static Map<String, String> all(List<String> nodes, String image) {
    Map<String, String> m = new TreeMap<>();
    nodes.forEach(n -> m.put(n, image));
    return m;
  }

  private static void awaitImages(
      Kubectl kubectl, String ns, String app, Map<String, String> expected) {
    kubectl.await(
        r -> r.succeeded() && imagesByNode(kubectl, ns, app).equals(expected),
        "get",
        "pods",
        "-n",
        ns);
  }

  private static String rolloutStatus(Kubectl kubectl, String ns, String name) {
    return kubectl.output("rollout", "status", "daemonset/" + name, "-n", ns, "--timeout=120s");
  }

  @ForEachKubectl
  void s10OnePodPerNodeCordonRollingUpdateAndUndo(String version) {
    Kubectl kubectl = skiff.kubectl(version);
    String ns = "s10-" + version.replace(".", "");
    kubectl.output("create", "namespace", ns);
    List<String> nodes = nodeNames(kubectl);
    assertThat(nodes).hasSizeGreaterThanOrEqualTo(2);

    kubectl
        .withStdin(daemonSet("agent", "busybox:1.36", "", ""))
        .output("apply", "-f", "-", "-n", ns);
    assertThat(rolloutStatus(kubectl, ns, "agent"))
        .contains("daemon set \"agent\" successfully rolled out");
    assertThat(imagesByNode(kubectl, ns, "agent")).isEqualTo(all(nodes, "busybox:1.36"));
    String row = kubectl.output("get", "daemonset", "agent", "-n", ns, "--no-headers");
    String n = Integer.toString(nodes.size());
    assertThat(row.trim().split("\\s+")).startsWith("agent", n, n, n, n, n);

    // A cordoned node keeps its pod, and the pod is updated there too.
    String cordoned = nodes.getFirst();
    assertThat(kubectl.output("cordon", cordoned)).contains("node/" + cordoned + " cordoned");
    kubectl.output("set", "image", "daemonset/agent", "agent=busybox:1.37", "-n", ns);
    assertThat(rolloutStatus(kubectl, ns, "agent"))
        .contains("daemon set \"agent\" successfully rolled out");
    assertThat(imagesByNode(kubectl, ns, "agent")).isEqualTo(all(nodes, "busybox:1.37"));
    kubectl.output("uncordon", cordoned);

    String history = kubectl.output("rollout", "history", "daemonset/agent", "-n", ns);
    assertThat(history).containsPattern("(?m)^1\\s").containsPattern("(?m)^2\\s");
    assertThat(kubectl.output("rollout", "undo", "daemonset/agent", "-n", ns))
        .contains("daemonset.apps/agent rolled back");
    awaitImages(kubectl, ns, "agent", all(nodes, "busybox:1.36"));
    rolloutStatus(kubectl, ns, "agent");

    String describe = kubectl.output("describe", "daemonset", "agent", "-n", ns);
    assertThat(describe)
        .containsPattern("Desired Number of Nodes Scheduled:\\s+" + n)
        .containsPattern("Current Number of Nodes Scheduled:\\s+" + n)
        .containsPattern("Number of Nodes Scheduled with Up-to-date Pods:\\s+" + n)
        .contains("SuccessfulCreate")
        .contains("SuccessfulDelete");
  }

  @ForEachKubectl
  void s10NodeSelectorNarrowsAndANewNodeGetsAPod(String version) {
    Kubectl kubectl = skiff.kubectl(version);
    String ns = "s10sel-" + version.replace(".", "");
    kubectl.output("create", "namespace", ns);
    List<String> nodes = nodeNames(kubectl);
    String labelled = nodes.getLast();
    String label = "disk-" + version.replace(".", "");
    kubectl.output("label", "node", labelled, label + "=ssd");

    kubectl
        .withStdin(daemonSet("ssd", "busybox:1.36", "", "nodeSelector:\n  " + label + ": ssd"))
        .output("apply", "-f", "-", "-n", ns);
    rolloutStatus(kubectl, ns, "ssd");
    assertThat(imagesByNode(kubectl, ns, "ssd")).isEqualTo(Map.of(labelled, "busybox:1.36"));

    // A node created with kubectl that matches gets a pod (pinned to it, whether or not it runs).
    String extra = "extra-" + version.replace(".", "");
    kubectl
        .withStdin(
            """
            apiVersion: v1
            kind: Node
            metadata:
              name: %s
              labels:
                %s: ssd
            """
                .formatted(extra, label))
        .output("create", "-f", "-");
    try {
      kubectl.await(
          r -> r.succeeded() && imagesByNode(kubectl, ns, "ssd").containsKey(extra),
          "get",
          "pods",
          "-n",
          ns);
      // A node that stops matching loses its pod.
      kubectl.output("label", "node", labelled, label + "-");
      kubectl.await(
          r -> r.succeeded() && !imagesByNode(kubectl, ns, "ssd").containsKey(labelled),
          "get",
          "pods",
          "-n",
          ns);
    } finally {
      kubectl.output("delete", "node", extra);
    }
  }

  @ForEachKubectl
  void s10OnDeleteWaitsForDeletes(String version) {
    Kubectl kubectl = skiff.kubectl(version);
    String ns = "s10od-" + version.replace(".", "");
    kubectl.output("create", "namespace", ns);
    List<String> nodes = nodeNames(kubectl);

    kubectl
        .withStdin(daemonSet("od", "busybox:1.36", "updateStrategy:\n  type: OnDelete", ""))
        .output("apply", "-f", "-", "-n", ns);
    awaitImages(kubectl, ns, "od", all(nodes, "busybox:1.36"));
    Kubectl.Result status =
        kubectl.run("rollout", "status", "daemonset/od", "-n", ns, "--timeout=10s");
    assertThat(status.stderr())
        .contains("rollout status is only available for RollingUpdate strategy type");

    kubectl.output("set", "image", "daemonset/od", "agent=busybox:1.37", "-n", ns);
    kubectl.awaitJson(
        d ->
            d.at("/status/observedGeneration").asInt() == 2
                && d.at("/status/updatedNumberScheduled").asInt() == 0,
        "get",
        "daemonset",
        "od",
        "-n",
        ns);
    assertThat(imagesByNode(kubectl, ns, "od")).isEqualTo(all(nodes, "busybox:1.36"));

    String victim = null;
    for (JsonNode p : kubectl.json("get", "pods", "-n", ns, "-l", "app=od").path("items")) {
      victim = p.at("/metadata/name").asText();
    }
    kubectl.output("delete", "pod", victim, "-n", ns);
    kubectl.await(
        r ->
            r.succeeded()
                && imagesByNode(kubectl, ns, "od").size() == nodes.size()
                && imagesByNode(kubectl, ns, "od").values().stream()
                        .filter("busybox:1.37"::equals)
                        .count()
                    == 1,
        "get",
        "pods",
        "-n",
        ns);
  }
}
