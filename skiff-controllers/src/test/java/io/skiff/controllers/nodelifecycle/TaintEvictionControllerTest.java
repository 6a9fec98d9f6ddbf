package io.skiff.controllers.nodelifecycle;

import static io.skiff.controllers.nodelifecycle.NodeFixtures.node;
import static io.skiff.controllers.nodelifecycle.NodeFixtures.pod;
import static io.skiff.controllers.nodelifecycle.NodeFixtures.toleration;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.skiff.client.KubeObjects;
import io.skiff.client.informer.Indexer;
import io.skiff.clock.ManualClock;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.Times;
import io.skiff.controllers.testing.FakeKubeClient;
import io.skiff.controllers.testing.FakeKubeClient.Action;
import io.skiff.controllers.testing.RecordingEventRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The controller against a fake API on a manual clock, caches fed by hand. */
class TaintEvictionControllerTest {

  private final ManualClock clock = new ManualClock(Instant.parse("2024-01-01T00:00:00Z"));
  private final FakeKubeClient client = new FakeKubeClient(clock);
  private final RecordingEventRecorder events = new RecordingEventRecorder();
  private final ControllerContext ctx =
      ControllerContext.builder(client, clock).recorders(component -> events).build();
  private final TaintEvictionController controller = new TaintEvictionController(ctx);
  private final Indexer<Node> nodeCache = ctx.informers().informerFor(Node.class).indexer();
  private final Indexer<Pod> podCache = ctx.informers().informerFor(Pod.class).indexer();

  private Node taintedNode(String name, String taintKey) {
    Node n = node(name, "Unknown", clock.now());
    n.getSpec()
        .setTaints(List.of(new Taint("NoExecute", taintKey, Times.format(clock.now()), null)));
    Node stored = client.seed(n);
    nodeCache.put(stored);
    return stored;
  }

  private Pod given(Pod pod) {
    Pod stored = client.seed(pod);
    podCache.put(stored);
    return stored;
  }

  private boolean exists(String name) {
    return client.stored(Pod.class, "default", name).isPresent();
  }

  @Test
  void aPodThatDoesNotTolerateTheTaintIsDeletedAtOnceWithADisruptionTargetCondition()
      throws Exception {
    taintedNode("n1", Taints.UNREACHABLE);
    Pod web = given(pod("web", "n1"));

    controller.sync(KubeObjects.key(web));

    List<Action> writes = client.writes();
    assertThat(writes)
        .extracting(Action::toString)
        .containsExactly("update pods/status default/web", "delete pods default/web");
    Pod written = (Pod) writes.getFirst().object();
    PodCondition target =
        written.getStatus().getConditions().stream()
            .filter(c -> c.getType().equals("DisruptionTarget"))
            .findFirst()
            .orElseThrow();
    assertThat(target.getStatus()).isEqualTo("True");
    assertThat(target.getReason()).isEqualTo("DeletionByTaintManager");
    assertThat(target.getMessage()).isEqualTo("Taint manager: deleting due to NoExecute taint");
    assertThat(exists("web")).isFalse();
    assertThat(events.events())
        .containsExactly(
            "Pod web: Normal TaintManagerEviction Marking for deletion Pod default/web");
  }

  @Test
  void aPodWithTolerationSecondsIsDeletedWhenTheyRunOut() throws Exception {
    taintedNode("n1", Taints.UNREACHABLE);
    Pod web = given(pod("web", "n1", toleration(Taints.UNREACHABLE, "Exists", 5L)));

    controller.sync(KubeObjects.key(web));
    assertThat(client.writes()).isEmpty();
    assertThat(controller.queue().length()).isZero();

    clock.advance(Duration.ofSeconds(4));
    controller.sync(KubeObjects.key(web));
    assertThat(exists("web")).isTrue();

    clock.advance(Duration.ofSeconds(1));
    controller.sync(KubeObjects.key(web));
    assertThat(exists("web")).isFalse();
  }

  @Test
  void theSyncComesBackWhenTheTolerationRunsOut() throws Exception {
    taintedNode("n1", Taints.UNREACHABLE);
    Pod web = given(pod("web", "n1", toleration(Taints.UNREACHABLE, "Exists", 5L)));
    controller.enqueue(web);

    controller.processNextWorkItem();
    assertThat(controller.queue().length()).isZero();
    clock.advance(Duration.ofSeconds(5));
    assertThat(controller.queue().length()).isEqualTo(1);
    controller.processNextWorkItem();

    assertThat(exists("web")).isFalse();
  }

  @Test
  void theLeastTolerationSecondsOfTheTaintsWins() throws Exception {
    Node n = node("n1", "False", clock.now());
    n.getSpec()
        .setTaints(
            List.of(
                new Taint("NoExecute", Taints.NOT_READY, null, null),
                new Taint("NoExecute", "custom", null, null)));
    nodeCache.put(client.seed(n));
    Pod web =
        given(
            pod(
                "web",
                "n1",
                toleration(Taints.NOT_READY, "Exists", 300L),
                toleration("custom", "Exists", 2L)));

    controller.sync(KubeObjects.key(web));
    clock.advance(Duration.ofSeconds(2));
    controller.sync(KubeObjects.key(web));

    assertThat(exists("web")).isFalse();
  }

  @Test
  void aPodThatToleratesForEverStays() throws Exception {
    taintedNode("n1", Taints.UNREACHABLE);
    Pod web = given(pod("web", "n1", toleration("", "Exists", null)));

    controller.sync(KubeObjects.key(web));
    clock.advance(Duration.ofDays(1));
    controller.sync(KubeObjects.key(web));

    assertThat(client.writes()).isEmpty();
  }

  @Test
  void removingTheTaintInTimeCancelsTheEviction() throws Exception {
    Node node = taintedNode("n1", Taints.UNREACHABLE);
    Pod web = given(pod("web", "n1", toleration(Taints.UNREACHABLE, "Exists", 5L)));
    controller.sync(KubeObjects.key(web));

    clock.advance(Duration.ofSeconds(3));
    Node healed = KubeObjects.deepCopy(node);
    healed.getSpec().setTaints(null);
    nodeCache.put(client.seed(healed));
    controller.nodeChanged(node, healed);
    assertThat(controller.queue().length()).isEqualTo(1);
    controller.processNextWorkItem();

    clock.advance(Duration.ofSeconds(10));
    controller.sync(KubeObjects.key(web));
    assertThat(exists("web")).isTrue();
    assertThat(events.events())
        .containsExactly(
            "Pod web: Normal TaintManagerEviction Cancelling deletion of Pod default/web");
  }

  @Test
  void podsOnUntaintedNodesAreLeftAlone() throws Exception {
    Node n = client.seed(node("n1", "True", clock.now()));
    nodeCache.put(n);
    Pod web = given(pod("web", "n1"));

    controller.sync(KubeObjects.key(web));

    assertThat(client.writes()).isEmpty();
    assertThat(events.events()).isEmpty();
  }
}
