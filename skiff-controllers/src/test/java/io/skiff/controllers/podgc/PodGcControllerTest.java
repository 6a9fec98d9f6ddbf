package io.skiff.controllers.podgc;

import static io.skiff.controllers.testcluster.Fixtures.pod;
import static io.skiff.controllers.testcluster.Fixtures.podOn;
import static io.skiff.controllers.testcluster.Fixtures.withFinalizer;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.skiff.api.patch.PatchType;
import io.skiff.controllers.testcluster.Action;
import io.skiff.controllers.testcluster.TestCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Pod garbage collection passes against the in-process registry on a manual clock. */
class PodGcControllerTest {

  private static final String NS = "default";

  private final TestCluster c = new TestCluster();

  @AfterEach
  void close() {
    c.close();
  }

  private PodGcController podGc(int threshold) {
    return new PodGcController(
        c.client,
        c.clock,
        () -> c.list(Pod.class, null),
        () -> c.list(Node.class, null),
        threshold);
  }

  private Node node(String name, boolean ready, String taint) {
    NodeBuilder b =
        new NodeBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withNewStatus()
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .endCondition()
            .endStatus();
    if (taint != null) {
      b.withNewSpec().addNewTaint().withKey(taint).withEffect("NoExecute").endTaint().endSpec();
    }
    return c.create(b.build());
  }

  private void setPhase(String name, String phase, String reason) {
    Pod p = c.get(Pod.class, NS, name).orElseThrow();
    PodStatus s = p.getStatus();
    s.setPhase(phase);
    s.setReason(reason);
    c.client.resources(Pod.class).updateStatus(p);
  }

  private List<String> forceDeleted() {
    return c.actions().stream()
        .filter(a -> a.verb().equals("delete"))
        .peek(a -> assertThat(a.deleteOptions().getGracePeriodSeconds()).isZero())
        .map(Action::name)
        .toList();
  }

  @Test
  void podsOfANodeThatIsGoneAreDeletedAfterTheQuarantine() {
    node("here", true, null);
    Pod orphan = c.create(podOn(NS, "orphan", "gone"));
    c.create(podOn(NS, "fine", "here"));
    c.clearActions();
    PodGcController gc = podGc(0);

    gc.gc();
    c.clock.advance(Duration.ofSeconds(39));
    gc.gc();
    assertThat(c.actions()).isEmpty();

    c.clock.advance(Duration.ofSeconds(1));
    gc.gc();

    assertThat(c.get(Pod.class, NS, "orphan")).isEmpty();
    assertThat(c.get(Pod.class, NS, "fine")).isPresent();
    assertThat(forceDeleted()).containsExactly("orphan");
    Action failed = c.actions().getFirst();
    assertThat(failed.is("patch", "pods", "orphan")).isTrue();
    assertThat(failed.subresource()).isEqualTo("status");
    assertThat(failed.patch())
        .isEqualTo(
            PatchType.STRATEGIC_MERGE_PATCH.mediaType()
                + " {\"metadata\":{\"uid\":\""
                + orphan.getMetadata().getUid()
                + "\"},\"status\":{\"phase\":\"Failed\",\"conditions\":[{\"type\":"
                + "\"DisruptionTarget\",\"status\":\"True\",\"lastTransitionTime\":"
                + "\"2024-01-01T00:00:40Z\",\"reason\":\"DeletionByPodGC\",\"message\":"
                + "\"PodGC: node no longer exists\"}]}}");
  }

  @Test
  void aNodeThatAppearsDuringTheQuarantineKeepsItsPods() {
    c.create(podOn(NS, "early", "late-node"));
    PodGcController gc = podGc(0);
    gc.gc();
    node("late-node", true, null);
    c.clock.advance(Duration.ofSeconds(40));
    c.clearActions();

    gc.gc();

    assertThat(c.actions()).isEmpty();
    assertThat(c.get(Pod.class, NS, "early")).isPresent();
  }

  @Test
  void terminatedPodsBeyondTheThresholdGoEvictedFirstThenOldest() {
    for (String name : List.of("old-done", "evicted", "new-done", "newest-failed", "running")) {
      c.create(pod(NS, name));
      c.clock.advance(Duration.ofSeconds(10));
    }
    setPhase("old-done", "Succeeded", null);
    setPhase("evicted", "Failed", "Evicted");
    setPhase("new-done", "Succeeded", null);
    setPhase("newest-failed", "Failed", null);
    setPhase("running", "Running", null);
    c.clearActions();

    podGc(2).gc();

    // Four terminated, two kept: the evicted one goes first, then the oldest.
    assertThat(forceDeleted()).containsExactly("evicted", "old-done");
    assertThat(c.list(Pod.class, NS))
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder("new-done", "newest-failed", "running");
    // Finished pods are not marked Failed again.
    assertThat(c.actions()).noneMatch(a -> a.verb().equals("patch"));
  }

  @Test
  void aThresholdOfZeroKeepsEveryTerminatedPod() {
    c.create(pod(NS, "done"));
    setPhase("done", "Succeeded", null);
    c.clearActions();
    podGc(0).gc();
    assertThat(c.actions()).isEmpty();
  }

  @Test
  void terminatingPodsOnAnOutOfServiceNodeAreForceDeleted() {
    node("broken", false, PodGcController.OUT_OF_SERVICE_TAINT);
    node("slow", false, null);
    c.create(podOn(NS, "stuck", "broken"));
    c.create(podOn(NS, "waiting", "slow"));
    for (String name : List.of("stuck", "waiting")) {
      c.client.resources(Pod.class).delete(NS, name, null);
    }
    assertThat(c.get(Pod.class, NS, "stuck").orElseThrow().getMetadata().getDeletionTimestamp())
        .isNotNull();
    c.clearActions();

    podGc(0).gc();

    assertThat(forceDeleted()).containsExactly("stuck");
    assertThat(c.get(Pod.class, NS, "stuck")).isEmpty();
    // Not out of service: its kubelet may still come back and finish the pod.
    assertThat(c.get(Pod.class, NS, "waiting")).isPresent();
  }

  @Test
  void unscheduledTerminatingPodsAreMarkedFailedAndForceDeleted() {
    Pod held = c.create(withFinalizer(pod(NS, "held"), "example.com/hold"));
    c.client.resources(Pod.class).delete(NS, "held", null);
    c.clearActions();

    podGc(0).gc();

    assertThat(c.actions())
        .extracting(Action::verb, Action::name)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("patch", "held"),
            org.assertj.core.groups.Tuple.tuple("delete", "held"));
    assertThat(c.actions().getFirst().patch())
        .endsWith(
            "{\"metadata\":{\"uid\":\""
                + held.getMetadata().getUid()
                + "\"},\"status\":{\"phase\":\"Failed\"}}");
    DeleteOptions options = c.actions().getLast().deleteOptions();
    assertThat(options.getGracePeriodSeconds()).isZero();
    // Its own finalizer still holds it; it is Failed now.
    assertThat(c.get(Pod.class, NS, "held").orElseThrow().getStatus().getPhase())
        .isEqualTo("Failed");
  }

  @Test
  void runPassesEveryTwentySecondsOnTheClock() throws Exception {
    c.create(podOn(NS, "orphan", "gone"));
    PodGcController gc = podGc(0);
    gc.run(1);
    try {
      assertThat(c.clock.pendingTimers()).isEqualTo(1);
      // The first pass, at once: it quarantines the node and arms the next pass, 20 s on.
      c.clock.runDue();
      await().until(() -> c.clock.pendingTimers() == 2);
      assertThat(c.clock.pendingDelays())
          .containsExactly(Duration.ofSeconds(20), Duration.ofSeconds(40));
      c.clock.advance(Duration.ofSeconds(20));
      await().until(() -> c.clock.pendingTimers() == 2);
      assertThat(c.get(Pod.class, NS, "orphan")).isPresent();
      // At 40 s the quarantine ends, and the pass then finds the node still gone.
      c.clock.advance(Duration.ofSeconds(20));
      await().until(() -> c.get(Pod.class, NS, "orphan").isEmpty());
    } finally {
      gc.shutDown();
    }
    assertThat(c.clock.pendingTimers()).isZero();
  }

  private static org.awaitility.core.ConditionFactory await() {
    // Passes run on their own thread; this only waits for one to finish, on the manual clock.
    return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30));
  }
}
