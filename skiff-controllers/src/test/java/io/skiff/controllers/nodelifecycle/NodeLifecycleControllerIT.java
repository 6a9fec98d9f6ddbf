package io.skiff.controllers.nodelifecycle;

import static io.skiff.controllers.nodelifecycle.NodeFixtures.toleration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.skiff.client.Resources;
import io.skiff.clock.ManualClock;
import io.skiff.controllers.runtime.PodUtil;
import io.skiff.controllers.runtime.Times;
import io.skiff.controllers.testcluster.RunningCluster;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Both controllers of the package in a manager over the in-process API server (real admission,
 * validation, storage and watches) on a manual clock. The test plays the kubelet: it posts the
 * node's status, renews its Lease and marks pods Running and Ready, then falls silent.
 */
class NodeLifecycleControllerIT {

  private static final Duration GRACE = Duration.ofSeconds(40);

  private final ManualClock clock = new ManualClock();

  @RegisterExtension
  final RunningCluster cluster =
      RunningCluster.inProcess()
          .clock(clock)
          .controller(NodeLifecycleController.NAME, c -> new NodeLifecycleController(c, GRACE))
          .controller(TaintEvictionController.NAME, TaintEvictionController::new);

  private Resources<Node> nodes;
  private Resources<Pod> pods;
  private Resources<Lease> leases;

  @BeforeEach
  void resources() {
    nodes = cluster.resources(Node.class);
    pods = cluster.resources(Pod.class);
    leases = cluster.resources(Lease.class);
  }

  private void kubeletPostsReadyNode(String name) {
    Node created =
        nodes.create(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build());
    Node withStatus = NodeFixtures.node(name, "True", clock.now());
    withStatus.setMetadata(created.getMetadata());
    nodes.updateStatus(withStatus);
    leases.create(NodeFixtures.lease(name, clock.now()));
  }

  private void renewLease(String name) {
    Lease lease = leases.get(NodeLifecycleController.LEASE_NAMESPACE, name).orElseThrow();
    lease.getSpec().setRenewTime(clock.now().atZone(ZoneOffset.UTC));
    leases.update(lease);
    // The clock must not move on before the controller's cache has the renewal, or the node
    // would look silent to it.
    Instant renewed = clock.now();
    await()
        .until(
            () ->
                cluster
                    .context()
                    .informers()
                    .lister(Lease.class)
                    .get(NodeLifecycleController.LEASE_NAMESPACE, name)
                    .map(l -> l.getSpec().getRenewTime().toInstant().equals(renewed))
                    .orElse(false));
  }

  private Pod runningPod(String name, String node, Toleration... tolerations) {
    Pod created = pods.create(NodeFixtures.pod(name, node, tolerations));
    return pods.updateStatus(
        new PodBuilder(created)
            .withNewStatus()
            .withPhase("Running")
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .withLastTransitionTime(Times.format(clock.now()))
            .endCondition()
            .endStatus()
            .build());
  }

  private Node node(String name) {
    return nodes.get(null, name).orElseThrow();
  }

  private String readyStatus(String name) {
    return NodeLifecycleController.conditionStatus(node(name), "Ready").orElse(null);
  }

  private boolean goneOrTerminating(String name) {
    Optional<Pod> pod = pods.get("default", name);
    return pod.isEmpty() || pod.get().getMetadata().getDeletionTimestamp() != null;
  }

  @Test
  void aNodeWhoseLeaseStopsTurnsUnknownAndItsPodsAreEvictedWhenTheirTolerationRunsOut() {
    kubeletPostsReadyNode("n1");
    runningPod("brief", "n1", toleration(Taints.UNREACHABLE, "Exists", 5L));
    runningPod("patient", "n1");

    // The kubelet renews its lease for a while: the node stays Ready although its status is old.
    for (int i = 0; i < 6; i++) {
      clock.advance(Duration.ofSeconds(10));
      renewLease("n1");
    }
    Instant lastRenew = clock.now();

    // Then it falls silent; time moves a second per poll.
    await()
        .until(
            () -> {
              clock.advance(Duration.ofSeconds(1));
              return "Unknown".equals(readyStatus("n1"));
            });
    assertThat(Duration.between(lastRenew, clock.now())).isGreaterThan(GRACE);
    await()
        .until(
            () ->
                Taints.noExecuteTaints(node("n1")).stream()
                    .anyMatch(t -> Taints.UNREACHABLE.equals(t.getKey())));
    Node lost = node("n1");
    assertThat(NodeLifecycleController.condition(lost, "Ready").orElseThrow().getReason())
        .isEqualTo("NodeStatusUnknown");
    assertThat(Taints.taintsOf(lost))
        .extracting(Taint::getKey, Taint::getEffect)
        .containsExactlyInAnyOrder(
            tuple(Taints.UNREACHABLE, "NoExecute"), tuple(Taints.UNREACHABLE, "NoSchedule"));
    await().until(() -> !PodUtil.isPodReady(pods.get("default", "patient").orElseThrow()));

    // Due 5 s after the eviction controller saw the taint, which was at once on the clock
    // unless the polls above moved it since.
    TaintEvictionController evictions =
        cluster.controller(TaintEvictionController.NAME, TaintEvictionController.class);
    await().until(() -> evictions.evictionDue("default/brief").isPresent());
    Instant tainted = Times.parse(Taints.noExecuteTaints(lost).getFirst().getTimeAdded());
    Instant due = evictions.evictionDue("default/brief").orElseThrow();
    assertThat(due).isBetween(tainted.plusSeconds(5), clock.now().plusSeconds(5));

    clock.advance(Duration.between(clock.now(), due).minusSeconds(1));
    assertThat(goneOrTerminating("brief")).isFalse();
    clock.advance(Duration.ofSeconds(1));
    await().until(() -> goneOrTerminating("brief"));

    // The API server gave the other pod upstream's 300 s toleration.
    assertThat(goneOrTerminating("patient")).isFalse();
    await().until(() -> evictions.evictionDue("default/patient").isPresent());
    assertThat(evictions.evictionDue("default/patient").orElseThrow())
        .isBetween(tainted.plusSeconds(300), clock.now().plusSeconds(300));
  }

  @Test
  void aNodeThatReportsReadyAgainLosesItsTaints() {
    kubeletPostsReadyNode("n1");
    await()
        .until(
            () -> {
              clock.advance(Duration.ofSeconds(5));
              return "Unknown".equals(readyStatus("n1"));
            });
    await().until(() -> !Taints.noExecuteTaints(node("n1")).isEmpty());

    Node back = node("n1");
    back.getStatus()
        .setConditions(NodeFixtures.node("n1", "True", clock.now()).getStatus().getConditions());
    nodes.updateStatus(back);
    renewLease("n1");

    await()
        .until(
            () -> {
              clock.advance(Duration.ofSeconds(1));
              return Taints.taintsOf(node("n1")).isEmpty();
            });
    assertThat(readyStatus("n1")).isEqualTo("True");
  }

  @Test
  void cordonTaintsTheNodeUnschedulable() {
    kubeletPostsReadyNode("n1");
    Node cordoned = node("n1");
    cordoned.setSpec(new io.fabric8.kubernetes.api.model.NodeSpec());
    cordoned.getSpec().setUnschedulable(true);
    nodes.update(cordoned);

    await()
        .until(
            () ->
                Taints.taintsOf(node("n1")).stream()
                    .anyMatch(t -> Taints.UNSCHEDULABLE.equals(t.getKey())));
  }
}
