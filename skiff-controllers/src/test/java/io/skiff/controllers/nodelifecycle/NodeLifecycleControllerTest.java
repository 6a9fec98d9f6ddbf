package io.skiff.controllers.nodelifecycle;

import static io.skiff.controllers.nodelifecycle.NodeFixtures.lease;
import static io.skiff.controllers.nodelifecycle.NodeFixtures.node;
import static io.skiff.controllers.nodelifecycle.NodeFixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.skiff.client.informer.Indexer;
import io.skiff.clock.ManualClock;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.Times;
import io.skiff.controllers.testing.FakeKubeClient;
import io.skiff.controllers.testing.RecordingEventRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The controller against a fake API on a manual clock; the caches are fed by hand from what the
 * fake API stores, so each test decides what the controller has seen.
 */
class NodeLifecycleControllerTest {

  private static final Duration GRACE = Duration.ofSeconds(40);

  private final ManualClock clock = new ManualClock(Instant.parse("2024-01-01T00:00:00Z"));
  private final FakeKubeClient client = new FakeKubeClient(clock);
  private final RecordingEventRecorder events = new RecordingEventRecorder();
  private final ControllerContext ctx =
      ControllerContext.builder(client, clock).recorders(component -> events).build();
  private final NodeLifecycleController controller = new NodeLifecycleController(ctx, GRACE);
  private final Indexer<Node> nodeCache = ctx.informers().informerFor(Node.class).indexer();
  private final Indexer<Lease> leaseCache = ctx.informers().informerFor(Lease.class).indexer();
  private final Indexer<Pod> podCache = ctx.informers().informerFor(Pod.class).indexer();

  private void given(Node node, Lease lease, Pod... pods) {
    client.seed(node);
    if (lease != null) {
      client.seed(lease);
    }
    for (Pod p : pods) {
      client.seed(p);
    }
    catchUp();
  }

  private void catchUp() {
    client.stored(Node.class).forEach(nodeCache::put);
    client.stored(Lease.class).forEach(leaseCache::put);
    client.stored(Pod.class).forEach(podCache::put);
  }

  /** A sync, then the caches catch up with what it wrote. */
  private void sync(String node) throws Exception {
    controller.sync(node);
    catchUp();
  }

  private Node stored(String name) {
    return client.stored(Node.class, null, name).orElseThrow();
  }

  private static NodeCondition condition(Node node, String type) {
    return NodeLifecycleController.condition(node, type).orElseThrow();
  }

  private static List<Taint> taints(Node node) {
    return Taints.taintsOf(node);
  }

  @Test
  void aNodeWithAFreshLeaseIsLeftAlone() throws Exception {
    Instant start = clock.now();
    given(node("n1", "True", start), lease("n1", start));
    clock.advance(Duration.ofSeconds(60));
    leaseCache.put(client.seed(lease("n1", clock.now().minusSeconds(10))));

    sync("n1");

    assertThat(client.writes()).isEmpty();
    assertThat(events.events()).isEmpty();
  }

  @Test
  void aSilentNodeTurnsUnknownIsTaintedUnreachableAndItsPodsTurnNotReady() throws Exception {
    Instant start = clock.now();
    given(node("n1", "True", start), lease("n1", start), pod("web", "n1"), pod("other", "n2"));
    sync("n1");
    assertThat(client.writes()).isEmpty();

    clock.advance(GRACE);
    sync("n1");
    assertThat(client.writes()).as("exactly the grace period is not yet too late").isEmpty();

    clock.advance(Duration.ofSeconds(1));
    sync("n1");

    Node node = stored("n1");
    for (String type : List.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")) {
      NodeCondition c = condition(node, type);
      assertThat(c.getStatus()).as(type).isEqualTo("Unknown");
      assertThat(c.getReason()).isEqualTo("NodeStatusUnknown");
      assertThat(c.getMessage()).isEqualTo("Kubelet stopped posting node status.");
      assertThat(c.getLastHeartbeatTime()).isEqualTo(Times.format(start));
      assertThat(c.getLastTransitionTime()).isEqualTo(Times.format(clock.now()));
    }
    assertThat(taints(node))
        .extracting(Taint::getKey, Taint::getEffect, Taint::getTimeAdded)
        .containsExactlyInAnyOrder(
            tuple(Taints.UNREACHABLE, "NoExecute", Times.format(clock.now())),
            tuple(Taints.UNREACHABLE, "NoSchedule", Times.format(clock.now())));

    Pod web = client.stored(Pod.class, "default", "web").orElseThrow();
    PodCondition ready =
        web.getStatus().getConditions().stream()
            .filter(c -> c.getType().equals("Ready"))
            .findFirst()
            .orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getLastTransitionTime()).isEqualTo(Times.format(clock.now()));
    Pod other = client.stored(Pod.class, "default", "other").orElseThrow();
    assertThat(other.getStatus().getConditions().getFirst().getStatus()).isEqualTo("True");
    assertThat(events.events())
        .containsExactly(
            "Node n1: Normal NodeNotReady Node n1 status is now: NodeNotReady",
            "Pod web: Warning NodeNotReady Node is not ready");

    // Nothing more to do while it stays silent.
    client.clearActions();
    clock.advance(Duration.ofSeconds(5));
    sync("n1");
    assertThat(client.writes()).isEmpty();
  }

  @Test
  void theLeaseRenewTimeCountsEvenWhenTheNodeStatusIsOld() throws Exception {
    Instant start = clock.now();
    given(node("n1", "True", start), lease("n1", start));
    clock.advance(Duration.ofSeconds(100));
    leaseCache.put(client.seed(lease("n1", clock.now().minusSeconds(39))));

    sync("n1");
    assertThat(condition(stored("n1"), "Ready").getStatus()).isEqualTo("True");

    clock.advance(Duration.ofSeconds(2));
    sync("n1");
    assertThat(condition(stored("n1"), "Ready").getStatus()).isEqualTo("Unknown");
  }

  @Test
  void aNodeThatNeverPostedStatusGetsNeverUpdatedConditionsAfterTheGracePeriod() throws Exception {
    Node bare = node("n1", "True", clock.now());
    bare.getStatus().setConditions(null);
    given(bare, null);

    clock.advance(GRACE.plusSeconds(1));
    sync("n1");

    NodeCondition ready = condition(stored("n1"), "Ready");
    assertThat(ready.getStatus()).isEqualTo("Unknown");
    assertThat(ready.getReason()).isEqualTo("NodeStatusNeverUpdated");
    assertThat(ready.getMessage()).isEqualTo("Kubelet never posted node status.");
    assertThat(taints(stored("n1")))
        .extracting(Taint::getKey, Taint::getEffect)
        .containsExactlyInAnyOrder(
            tuple(Taints.UNREACHABLE, "NoExecute"), tuple(Taints.UNREACHABLE, "NoSchedule"));
  }

  @Test
  void aNotReadyNodeIsTaintedNotReadyAndTheTaintsGoWhenItIsReadyAgain() throws Exception {
    Instant start = clock.now();
    Node n = node("n1", "False", start);
    Taint mine = new Taint("NoSchedule", "dedicated", null, "gpu");
    n.getSpec().setTaints(List.of(mine));
    given(n, lease("n1", start));

    sync("n1");
    assertThat(taints(stored("n1")))
        .extracting(Taint::getKey, Taint::getEffect)
        .containsExactlyInAnyOrder(
            tuple("dedicated", "NoSchedule"),
            tuple(Taints.NOT_READY, "NoExecute"),
            tuple(Taints.NOT_READY, "NoSchedule"));
    assertThat(condition(stored("n1"), "Ready").getStatus())
        .as("a kubelet that posts status keeps its own conditions")
        .isEqualTo("False");

    // The kubelet reports Ready again.
    clock.advance(Duration.ofSeconds(10));
    Node recovered = stored("n1");
    condition(recovered, "Ready").setStatus("True");
    nodeCache.put(client.seed(recovered));
    sync("n1");

    assertThat(taints(stored("n1"))).containsExactly(mine);
  }

  @Test
  void aSilentNotReadyNodeSwapsNotReadyForUnreachable() throws Exception {
    Instant start = clock.now();
    given(node("n1", "False", start), lease("n1", start));
    sync("n1");
    clock.advance(GRACE.plusSeconds(5));

    sync("n1");

    assertThat(taints(stored("n1")))
        .extracting(Taint::getKey, Taint::getEffect)
        .containsExactlyInAnyOrder(
            tuple(Taints.UNREACHABLE, "NoExecute"), tuple(Taints.UNREACHABLE, "NoSchedule"));
    assertThat(events.events()).as("it was not Ready before either").isEmpty();
  }

  @Test
  void cordonAddsTheUnschedulableTaintAndUncordonRemovesIt() throws Exception {
    Instant start = clock.now();
    Node n = node("n1", "True", start);
    n.getSpec().setUnschedulable(true);
    given(n, lease("n1", start));

    sync("n1");
    assertThat(taints(stored("n1")))
        .extracting(Taint::getKey, Taint::getEffect, Taint::getTimeAdded)
        .containsExactly(tuple(Taints.UNSCHEDULABLE, "NoSchedule", Times.format(start)));

    Node uncordoned = stored("n1");
    uncordoned.getSpec().setUnschedulable(null);
    nodeCache.put(client.seed(uncordoned));
    sync("n1");
    assertThat(taints(stored("n1"))).isEmpty();
  }

  @Test
  void pressureConditionsBecomeNoScheduleTaints() {
    Node n = node("n1", "True", clock.now());
    condition(n, "MemoryPressure").setStatus("True");
    condition(n, "DiskPressure").setStatus("True");
    assertThat(NodeLifecycleController.desiredTaints(n))
        .extracting(Taint::getKey, Taint::getEffect)
        .containsExactlyInAnyOrder(
            tuple(Taints.MEMORY_PRESSURE, "NoSchedule"), tuple(Taints.DISK_PRESSURE, "NoSchedule"));
  }

  @Test
  void aDeletedNodeIsForgotten() throws Exception {
    controller.sync("gone");
    assertThat(client.writes()).isEmpty();
  }
}
