package io.skiff.controllers.disruption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.skiff.client.KubeObjects;
import io.skiff.client.informer.Indexer;
import io.skiff.clock.ManualClock;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.ControllerRefs;
import io.skiff.controllers.runtime.Times;
import io.skiff.controllers.testing.FakeKubeClient;
import io.skiff.controllers.testing.RecordingEventRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Upstream's disruption controller tests, on a fake API and a manual clock. */
class DisruptionControllerTest {

  private static final Map<String, String> LABELS = Map.of("app", "web");

  private final ManualClock clock = new ManualClock(Instant.parse("2024-01-01T00:00:00Z"));
  private final FakeKubeClient client = new FakeKubeClient(clock);
  private final RecordingEventRecorder events = new RecordingEventRecorder();
  private final ControllerContext ctx =
      ControllerContext.builder(client, clock).recorders(component -> events).build();
  private final DisruptionController controller = new DisruptionController(ctx);
  private final Indexer<PodDisruptionBudget> pdbCache =
      ctx.informers().informerFor(PodDisruptionBudget.class).indexer();
  private final Indexer<Pod> podCache = ctx.informers().informerFor(Pod.class).indexer();

  private PodDisruptionBudget pdb(IntOrString minAvailable, IntOrString maxUnavailable) {
    PodDisruptionBudget pdb =
        new PodDisruptionBudgetBuilder()
            .withNewMetadata()
            .withName("pdb")
            .withNamespace("default")
            .withGeneration(3L)
            .endMetadata()
            .withNewSpec()
            .withMinAvailable(minAvailable)
            .withMaxUnavailable(maxUnavailable)
            .withSelector(new LabelSelectorBuilder().withMatchLabels(LABELS).build())
            .endSpec()
            .build();
    PodDisruptionBudget stored = client.seed(pdb);
    pdbCache.put(stored);
    return stored;
  }

  private Pod pod(String name, boolean ready, io.fabric8.kubernetes.api.model.HasMetadata owner) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("default")
            .withLabels(LABELS)
            .endMetadata()
            .withNewStatus()
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .endCondition()
            .endStatus();
    Pod pod = b.build();
    if (owner != null) {
      pod.getMetadata()
          .setOwnerReferences(
              java.util.List.of(
                  ControllerRefs.newControllerRef(owner, "apps/v1", owner.getKind())));
    }
    Pod stored = client.seed(pod);
    podCache.put(stored);
    return stored;
  }

  private ReplicaSet replicaSet(int replicas, Deployment owner) {
    ReplicaSet rs =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withName("rs")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withReplicas(replicas)
            .endSpec()
            .build();
    if (owner != null) {
      rs.getMetadata()
          .setOwnerReferences(
              java.util.List.of(ControllerRefs.newControllerRef(owner, "apps/v1", "Deployment")));
    }
    ReplicaSet stored = client.seed(rs);
    ctx.informers().informerFor(ReplicaSet.class).indexer().put(stored);
    return stored;
  }

  private void sync() throws Exception {
    controller.sync("default/pdb");
    client.stored(PodDisruptionBudget.class).forEach(pdbCache::put);
  }

  private PodDisruptionBudgetStatus status() {
    return client.stored(PodDisruptionBudget.class, "default", "pdb").orElseThrow().getStatus();
  }

  /** Upstream's {@code ps.VerifyPdbStatus}: allowed, current, desired, expected. */
  private void verify(int allowed, int current, int desired, int expected) {
    PodDisruptionBudgetStatus s = status();
    assertThat(
            new int[] {
              s.getDisruptionsAllowed(),
              s.getCurrentHealthy(),
              s.getDesiredHealthy(),
              s.getExpectedPods()
            })
        .as("allowed, current, desired, expected")
        .containsExactly(allowed, current, desired, expected);
    assertThat(s.getObservedGeneration()).isEqualTo(3L);
  }

  private Condition condition() {
    return status().getConditions().stream()
        .filter(c -> c.getType().equals("DisruptionAllowed"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void integerMinAvailableCountsPods() throws Exception {
    pdb(new IntOrString(3), null);
    sync();
    verify(0, 0, 3, 0);
    assertThat(condition().getReason()).isEqualTo("InsufficientPods");
    assertThat(events.events())
        .contains("PodDisruptionBudget pdb: Normal NoPods No matching pods found");

    for (int i = 0; i < 4; i++) {
      pod("pod-" + i, true, null);
    }
    sync();
    verify(1, 4, 3, 4);
    Condition c = condition();
    assertThat(c.getStatus()).isEqualTo("True");
    assertThat(c.getReason()).isEqualTo("SufficientPods");
    assertThat(c.getMessage()).isEmpty();
    assertThat(c.getObservedGeneration()).isEqualTo(3L);

    Pod unready = client.stored(Pod.class, "default", "pod-0").orElseThrow();
    unready.getStatus().getConditions().getFirst().setStatus("False");
    podCache.put(client.seed(unready));
    sync();
    verify(0, 3, 3, 4);
  }

  @Test
  void aNilSelectorSelectsNothing() throws Exception {
    PodDisruptionBudget p = pdb(new IntOrString(1), null);
    p.getSpec().setSelector(null);
    pdbCache.put(client.seed(p));
    pod("anything", true, null);
    sync();
    verify(0, 0, 1, 0);
  }

  @Test
  void percentageMaxUnavailableFollowsTheScaleOfTheReplicaSet() throws Exception {
    pdb(null, new IntOrString("30%"));
    ReplicaSet rs = replicaSet(7, null);
    pod("pod", true, rs);
    sync();
    verify(0, 1, 4, 7);

    rs.getSpec().setReplicas(3);
    ctx.informers().informerFor(ReplicaSet.class).indexer().put(client.seed(rs));
    sync();
    verify(0, 1, 2, 3);
  }

  @Test
  void podsOfADeploymentCountTheDeploymentsReplicas() throws Exception {
    pdb(new IntOrString("50%"), null);
    Deployment d =
        client.seed(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("d")
                .withNamespace("default")
                .endMetadata()
                .withNewSpec()
                .withReplicas(4)
                .endSpec()
                .build());
    ctx.informers().informerFor(Deployment.class).indexer().put(d);
    ReplicaSet rs = replicaSet(2, d);
    pod("a", true, rs);
    pod("b", true, rs);
    pod("c", true, rs);
    sync();
    verify(1, 3, 2, 4);
  }

  @Test
  void aNakedPodWithAPercentageIsUnmanaged() throws Exception {
    pdb(new IntOrString("28%"), null);
    pod("naked", true, null);
    sync();
    assertThat(status().getDisruptionsAllowed()).isZero();
    assertThat(events.events())
        .contains(
            "PodDisruptionBudget pdb: Warning UnmanagedPods Pods selected by this"
                + " PodDisruptionBudget (selector: &LabelSelector{MatchLabels:map[string]string{app:"
                + " web,},MatchExpressions:[]LabelSelectorRequirement{},}) were found to be"
                + " unmanaged. As a result, the status of the PDB cannot be calculated correctly,"
                + " which may result in undefined behavior. To account for these pods please set"
                + " \".spec.minAvailable\" field of the PDB to an integer value.");
  }

  @Test
  void aMissingControllerFailsSafe() throws Exception {
    pdb(null, new IntOrString(1));
    ReplicaSet gone =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withName("gone")
            .withNamespace("default")
            .withUid("u-gone")
            .endMetadata()
            .build();
    pod("orphaned", true, gone);

    assertThatThrownBy(this::sync).isInstanceOf(DisruptionController.CountException.class);

    assertThat(status().getDisruptionsAllowed()).isZero();
    assertThat(condition().getReason()).isEqualTo("SyncFailed");
    assertThat(condition().getMessage()).isEqualTo("found no controllers for pod \"orphaned\"");
  }

  @Test
  void disruptedPodsCountAsUnhealthyUntilTheyExpire() throws Exception {
    PodDisruptionBudget p = pdb(new IntOrString(1), null);
    pod("a", true, null);
    pod("b", true, null);
    PodDisruptionBudgetStatus st = new PodDisruptionBudgetStatus();
    st.setDisruptedPods(
        Map.of("a", Times.format(clock.now()), "vanished", Times.format(clock.now())));
    p.setStatus(st);
    pdbCache.put(client.seed(p));

    sync();
    verify(0, 1, 1, 2);
    assertThat(status().getDisruptedPods()).containsOnlyKeys("a");

    clock.advance(Duration.ofMinutes(2).plusSeconds(1));
    sync();
    verify(1, 2, 1, 2);
    assertThat(status().getDisruptedPods()).isNullOrEmpty();
    assertThat(events.events())
        .contains(
            "Pod a: Warning NotDeleted Pod was expected by PDB default/default to be deleted but"
                + " it wasn't");
  }

  @Test
  void aTerminatingPodIsNotHealthy() throws Exception {
    pdb(new IntOrString(1), null);
    pod("a", true, null);
    Pod b = pod("b", true, null);
    b.getMetadata().setDeletionTimestamp(Times.format(clock.now()));
    podCache.put(client.seed(b));
    sync();
    verify(0, 1, 1, 2);
  }

  @Test
  void anUnchangedStatusIsNotWritten() throws Exception {
    pdb(new IntOrString(1), null);
    pod("a", true, null);
    sync();
    client.clearActions();
    sync();
    assertThat(client.writes()).isEmpty();
  }

  @Test
  void podEventsQueueTheBudgetsSelectingThem() {
    pdb(new IntOrString(1), null);
    Pod other =
        new PodBuilder()
            .withNewMetadata()
            .withName("x")
            .withNamespace("default")
            .withLabels(Map.of("app", "other"))
            .endMetadata()
            .build();
    controller.podChanged(other);
    assertThat(controller.queue().length()).isZero();
    controller.podChanged(pod("a", true, null));
    assertThat(controller.queue().length()).isEqualTo(1);
    assertThat(KubeObjects.key(pdbCache.list().getFirst())).isEqualTo("default/pdb");
  }
}
