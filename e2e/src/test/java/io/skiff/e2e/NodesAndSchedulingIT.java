package io.skiff.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 4's acceptance with the real kubectl: simulated nodes, pod lifecycles, image pulls, the
 * scheduler's filters, cordon and drain.
 */
class NodesAndSchedulingIT {

  @RegisterExtension
  static final SkiffExtension skiff =
      new SkiffExtension().withArgs("--image-pull-time", "200ms", "--pod-shutdown-time", "200ms");

  private static String ns(Kubectl kubectl, String version, String name) {
    String ns = name + "-" + version.replace(".", "");
    kubectl.output("create", "namespace", ns);
    return ns;
  }

  private static JsonNode condition(JsonNode obj, String type) {
    for (JsonNode c : obj.at("/status/conditions")) {
      if (c.path("type").asText().equals(type)) {
        return c;
      }
    }
    return null;
  }

  @ForEachKubectl
  void nodesAreReadyAndARunPodGetsRunningAndReadyWithIps(String version) {
    Kubectl kubectl = skiff.kubectl(version);
    String ns = ns(kubectl, version, "run");
    String nodes = kubectl.output("get", "nodes");
    assertThat(nodes.lines().skip(1).filter(l -> l.matches("skiff-node-\\d+\\s+Ready\\s+.*")))
        .hasSize(3);

    kubectl.output("run", "web", "--image=nginx:1.23.1", "-n", ns);

    JsonNode pod =
        kubectl.awaitJson(
            p -> {
              JsonNode ready = condition(p, "Ready");
              return ready != null && ready.path("status").asText().equals("True");
            },
            "get",
            "pod",
            "web",
            "-n",
            ns);
    assertThat(pod.at("/status/phase").asText()).isEqualTo("Running");
    assertThat(pod.at("/status/podIP").asText()).matches("10\\.24[4-7]\\.\\d+\\.\\d+");
    assertThat(pod.at("/status/hostIP").asText()).isNotEmpty();
    assertThat(pod.at("/spec/nodeName").asText()).startsWith("skiff-node-");
    assertThat(pod.at("/status/containerStatuses/0/state/running/startedAt").asText()).isNotEmpty();
    String wide = kubectl.output("get", "pod", "web", "-n", ns, "-o", "wide", "--no-headers");
    assertThat(wide).containsPattern("web\\s+1/1\\s+Running\\s+0\\s+");
    assertThat(kubectl.output("describe", "pod", "web", "-n", ns))
        .containsPattern("Scheduled\\s+.*default-scheduler\\s+Successfully assigned " + ns + "/web")
        .containsPattern("Pulling\\s+.*kubelet\\s+Pulling image \"nginx:1.23.1\"")
        .containsPattern("Started\\s+.*kubelet\\s+Started container");
  }

  @ForEachKubectl
  void aMissingTagFailsToPullAndBacksOff(String version) {
    Kubectl kubectl = skiff.kubectl(version);
    String ns = ns(kubectl, version, "pull");

    kubectl.output("run", "bad", "--image=nginx:1.231", "-n", ns);

    String row =
        kubectl.awaitOutput(
            out -> out.contains("ImagePullBackOff"), "get", "pod", "bad", "-n", ns, "--no-headers");
    assertThat(row).containsPattern("bad\\s+0/1\\s+ImagePullBackOff");
    assertThat(kubectl.output("describe", "pod", "bad", "-n", ns))
        .contains("Failed to pull image \"nginx:1.231\"")
        .contains("Error: ErrImagePull")
        .contains("Back-off pulling image \"nginx:1.231\"");
  }

  @ForEachKubectl
  void readinessWaitsForTheProbesInitialDelay(String version) {
    Kubectl kubectl = skiff.kubectl(version);
    String ns = ns(kubectl, version, "probe");
    String pod =
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: slow
        spec:
          containers:
          - name: c
            image: nginx:1.23.1
            readinessProbe:
              httpGet:
                path: /
                port: 80
              initialDelaySeconds: 4
        """;
    kubectl.withStdin(pod).output("create", "-f", "-", "-n", ns);

    JsonNode ready =
        kubectl.awaitJson(
            p -> {
              JsonNode c = condition(p, "Ready");
              return c != null && c.path("status").asText().equals("True");
            },
            "get",
            "pod",
            "slow",
            "-n",
            ns);
    Instant started =
        Instant.parse(ready.at("/status/containerStatuses/0/state/running/startedAt").asText());
    Instant readyAt = Instant.parse(condition(ready, "Ready").path("lastTransitionTime").asText());
    // Timestamps have second precision; four seconds of delay cannot show as less than three.
    assertThat(Duration.between(started, readyAt)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
  }

  @ForEachKubectl
  void aCordonedNodeGetsNoNewPodsAndAnUnmatchedSelectorWaitsForALabel(String version) {
    Kubectl kubectl = skiff.kubectl(version);
    String ns = ns(kubectl, version, "sched");
    String node = "skiff-node-1";
    kubectl.output("cordon", node);
    try {
      assertThat(kubectl.output("get", "node", node, "--no-headers"))
          .containsPattern(node + "\\s+Ready,SchedulingDisabled");
      kubectl.output(
          "create", "deployment", "spread", "--image=nginx:1.23.1", "--replicas=4", "-n", ns);
      kubectl.output("rollout", "status", "deployment/spread", "-n", ns, "--timeout=120s");
      JsonNode pods = kubectl.json("get", "pods", "-n", ns);
      for (JsonNode p : pods.path("items")) {
        assertThat(p.at("/spec/nodeName").asText()).isNotEqualTo(node);
      }
    } finally {
      kubectl.output("uncordon", node);
    }

    String label = "disk-" + version.replace(".", "");
    kubectl.output(
        "run",
        "picky",
        "--image=nginx:1.23.1",
        "-n",
        ns,
        "--overrides={\"spec\":{\"nodeSelector\":{\"" + label + "\":\"ssd\"}}}");
    String events =
        kubectl.awaitOutput(
            out -> out.contains("FailedScheduling"),
            "get",
            "events",
            "-n",
            ns,
            "--field-selector",
            "involvedObject.name=picky");
    assertThat(events)
        .contains("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.");
    assertThat(kubectl.output("get", "pod", "picky", "-n", ns, "--no-headers"))
        .containsPattern("picky\\s+0/1\\s+Pending");

    kubectl.output("label", "node", "skiff-node-2", label + "=ssd");
    try {
      JsonNode pod =
          kubectl.awaitJson(
              p -> p.at("/spec/nodeName").asText().equals("skiff-node-2"),
              "get",
              "pod",
              "picky",
              "-n",
              ns);
      assertThat(pod.at("/spec/nodeName").asText()).isEqualTo("skiff-node-2");
    } finally {
      kubectl.output("label", "node", "skiff-node-2", label + "-");
    }
  }

  @ForEachKubectl
  void aNodeCreatedWithKubectlBecomesReady(String version) {
    Kubectl kubectl = skiff.kubectl(version);
    String name = "extra-" + version.replace(".", "");
    kubectl
        .withStdin(
            """
            apiVersion: v1
            kind: Node
            metadata:
              name: %s
            """
                .formatted(name))
        .output("create", "-f", "-");
    try {
      kubectl.awaitOutput(
          out -> out.matches("(?s)" + name + "\\s+Ready\\s+.*"),
          "get",
          "node",
          name,
          "--no-headers");
      JsonNode node = kubectl.json("get", "node", name);
      assertThat(node.at("/status/allocatable/pods").asText()).isEqualTo("110");
      assertThat(node.at("/metadata/labels/kubernetes.io~1hostname").asText()).isEqualTo(name);
    } finally {
      kubectl.output("delete", "node", name);
    }
  }

  @ForEachKubectl
  void drainEvictsEveryPodFromANode(String version) {
    Kubectl kubectl = skiff.kubectl(version);
    String ns = ns(kubectl, version, "drain");
    kubectl.output(
        "create", "deployment", "work", "--image=nginx:1.23.1", "--replicas=6", "-n", ns);
    kubectl.output("rollout", "status", "deployment/work", "-n", ns, "--timeout=120s");
    String node = "skiff-node-3";

    try {
      kubectl
          .withTimeout(Duration.ofSeconds(120))
          .output(
              "drain",
              node,
              "--ignore-daemonsets",
              "--delete-emptydir-data",
              "--force",
              "--timeout=100s");

      kubectl.awaitOutput(
          out -> out.isBlank(),
          "get",
          "pods",
          "-n",
          ns,
          "--field-selector",
          "spec.nodeName=" + node,
          "-o",
          "name");
      kubectl.output("rollout", "status", "deployment/work", "-n", ns, "--timeout=120s");
      assertThat(kubectl.output("get", "node", node, "--no-headers"))
          .containsPattern(node + "\\s+Ready,SchedulingDisabled");
    } finally {
      kubectl.output("uncordon", node);
    }
  }
}
