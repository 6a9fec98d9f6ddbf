package io.skiff.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node that stops heartbeating turns NotReady (Unknown) after the monitor grace period, gets the
 * unreachable taint, and its pods are evicted once their toleration runs out and replaced
 * elsewhere. Short grace and toleration flags keep it to seconds.
 */
class NodeLifecycleIT {

  @RegisterExtension
  static final SkiffExtension skiff =
      new SkiffExtension()
          .withArgs(
              "--image-pull-time",
              "200ms",
              "--pod-shutdown-time",
              "200ms",
              "--node-monitor-grace-period",
              "6s",
              "--default-not-ready-toleration-seconds",
              "3",
              "--default-unreachable-toleration-seconds",
              "3");

  @Test
  void aSilentNodeTurnsNotReadyAndItsPodsMoveElsewhere() {
    Kubectl kubectl = skiff.kubectl().withAwaitTimeout(Duration.ofSeconds(90));
    kubectl.output("create", "deployment", "web", "--image=nginx:1.23.1", "--replicas=6");
    kubectl.output("rollout", "status", "deployment/web", "--timeout=120s");
    String node = "skiff-node-2";
    JsonNode onNode = kubectl.json("get", "pods", "--field-selector", "spec.nodeName=" + node);
    assertThat(onNode.path("items")).isNotEmpty();

    kubectl.output("annotate", "node", node, "sim.skiff.io/heartbeat=stopped");

    kubectl.awaitOutput(
        out -> out.matches("(?s)" + node + "\\s+NotReady\\s+.*"),
        "get",
        "node",
        node,
        "--no-headers");
    JsonNode taints = kubectl.json("get", "node", node).at("/spec/taints");
    assertThat(taints.toString()).contains("node.kubernetes.io/unreachable").contains("NoExecute");
    // Evicted after their 3 s toleration: marked for deletion (a silent kubelet cannot finish
    // it, so they stay Terminating, as upstream's do) and replaced on the nodes that answer.
    kubectl.awaitJson(
        pods -> {
          for (JsonNode pod : pods.path("items")) {
            if (pod.at("/metadata/deletionTimestamp").isMissingNode()) {
              return false;
            }
          }
          return true;
        },
        "get",
        "pods",
        "--field-selector",
        "spec.nodeName=" + node);
    kubectl.awaitOutput(
        out -> out.trim().split("\\s+").length > 3 && out.trim().split("\\s+")[1].equals("6/6"),
        "get",
        "deployment",
        "web",
        "--no-headers");

    kubectl.output("annotate", "node", node, "sim.skiff.io/heartbeat-");
    kubectl.awaitOutput(
        out -> out.matches("(?s)" + node + "\\s+Ready\\s+.*"), "get", "node", node, "--no-headers");
    // The kubelet is back: it finishes the deletions, and the taint is gone.
    kubectl.awaitOutput(
        String::isBlank, "get", "pods", "--field-selector", "spec.nodeName=" + node, "-o", "name");
    assertThat(kubectl.json("get", "node", node).at("/spec/taints").toString())
        .doesNotContain("unreachable");
  }
}
