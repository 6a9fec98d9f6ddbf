package io.skiff.controllers.replicaset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.skiff.api.patch.PatchType;
import io.skiff.client.KubeClient;
import io.skiff.client.ListOptions;
import io.skiff.client.Resources;
import io.skiff.clock.ManualClock;
import io.skiff.controllers.replicationcontroller.ReplicationManager;
import io.skiff.controllers.runtime.ControllerOptions;
import io.skiff.controllers.runtime.ControllerRefs;
import io.skiff.controllers.runtime.PodUtil;
import io.skiff.controllers.runtime.Times;
import io.skiff.controllers.testcluster.RunningCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ReplicaSet and ReplicationController controllers in a manager, over the in-process API server
 * (real admission, validation, storage and watches), on a manual clock. Simulated nodes are not
 * part of this module, so the test plays the kubelet: it marks pods Running and Ready.
 */
class ReplicaSetControllerIT {

  private final ManualClock clock = new ManualClock();

  @RegisterExtension
  final RunningCluster cluster =
      RunningCluster.inProcess()
          .clock(clock)
          .options(ControllerOptions.defaults().withWorkers(ReplicaSetController.NAME, 2))
          .controller(ReplicaSetController.NAME, ReplicaSetController::create)
          .controller(ReplicationManager.NAME, ReplicationManager::create);

  private KubeClient client;
  private Resources<ReplicaSet> replicaSets;
  private Resources<Pod> pods;

  @BeforeEach
  void resources() {
    client = cluster.client();
    replicaSets = client.resources(ReplicaSet.class);
    pods = client.resources(Pod.class);
  }

  private static ReplicaSet replicaSet(String name, int replicas, int minReadySeconds) {
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withMinReadySeconds(minReadySeconds)
        .withNewSelector()
        .withMatchLabels(Map.of("app", name))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("app", name))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("nginx")
        .withImage("nginx:1.25")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private List<Pod> podsOf(String app) {
    return pods.list("default", ListOptions.labelSelector("app=" + app)).items();
  }

  private List<Pod> podsControlledBy(ReplicaSet rs) {
    return pods.list("default", ListOptions.all()).items().stream()
        .filter(p -> ControllerRefs.isControlledBy(p, rs))
        .toList();
  }

  private ReplicaSet rs(String name) {
    return replicaSets.get("default", name).orElseThrow();
  }

  /** What the kubelet would do: the pod runs and its readiness probe passes, as of now. */
  private void runAndReady(Pod pod) {
    Pod running =
        new PodBuilder(pod)
            .editSpec()
            .withNodeName("node-1")
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .withLastTransitionTime(Times.format(clock.now()))
            .endCondition()
            .endStatus()
            .build();
    pods.updateStatus(running);
  }

  @Test
  void podsAreCreatedAndTheStatusFollowsThemToReadyAndAvailable() {
    ReplicaSet created = replicaSets.create(replicaSet("web", 3, 0));

    await().until(() -> podsControlledBy(created).size() == 3);
    await().until(() -> rs("web").getStatus() != null && rs("web").getStatus().getReplicas() == 3);
    assertThat(rs("web").getStatus().getObservedGeneration()).isEqualTo(1L);
    assertThat(rs("web").getStatus().getReadyReplicas()).isNull();
    assertThat(podsOf("web"))
        .allSatisfy(
            p ->
                assertThat(p.getMetadata().getName())
                    .matches("web-[bcdfghjklmnpqrstvwxz2456789]{5}"));

    podsOf("web").forEach(this::runAndReady);

    await().until(() -> Integer.valueOf(3).equals(rs("web").getStatus().getAvailableReplicas()));
    assertThat(rs("web").getStatus().getReadyReplicas()).isEqualTo(3);
    assertThat(rs("web").getStatus().getFullyLabeledReplicas()).isEqualTo(3);
    await()
        .until(
            () ->
                client.resources(Event.class).list("default", ListOptions.all()).items().stream()
                        .filter(e -> "SuccessfulCreate".equals(e.getReason()))
                        .count()
                    == 3);
    assertThat(client.resources(Event.class).list("default", ListOptions.all()).items())
        .filteredOn(e -> "SuccessfulCreate".equals(e.getReason()))
        .allSatisfy(
            e -> {
              assertThat(e.getSource().getComponent()).isEqualTo("replicaset-controller");
              assertThat(e.getInvolvedObject().getKind()).isEqualTo("ReplicaSet");
              assertThat(e.getInvolvedObject().getName()).isEqualTo("web");
              assertThat(e.getMessage()).startsWith("Created pod: web-");
            });
  }

  @Test
  void availabilityWaitsForMinReadySecondsOnTheClock() {
    replicaSets.create(replicaSet("slow", 2, 5));
    await().until(() -> podsOf("slow").size() == 2);
    podsOf("slow").forEach(this::runAndReady);
    await().until(() -> Integer.valueOf(2).equals(rs("slow").getStatus().getReadyReplicas()));
    assertThat(rs("slow").getStatus().getAvailableReplicas()).isNull();

    // Nothing but the clock wakes the controller now: it requeued itself for minReadySeconds.
    // Time moves a second per poll, as it would while the test waits.
    Instant ready = clock.now();
    await()
        .until(
            () -> {
              clock.advance(Duration.ofSeconds(1));
              return Integer.valueOf(2).equals(rs("slow").getStatus().getAvailableReplicas());
            });
    assertThat(Duration.between(ready, clock.now())).isGreaterThan(Duration.ofSeconds(5));
  }

  /** As {@code kubectl scale} does: no resourceVersion, so status writes do not conflict. */
  private void scaleTo(String name, int replicas) {
    Scale scale = replicaSets.scale("default", name);
    scale.getMetadata().setResourceVersion(null);
    scale.getSpec().setReplicas(replicas);
    replicaSets.updateScale("default", name, scale);
  }

  @Test
  void scalingThroughTheScaleSubresourceCreatesAndDeletesPods() {
    replicaSets.create(replicaSet("scaled", 1, 0));
    await().until(() -> podsOf("scaled").size() == 1);

    scaleTo("scaled", 4);
    await().until(() -> podsOf("scaled").size() == 4);

    // Make one pod ready: the three pending ones go first on scale-down.
    Pod keeper = podsOf("scaled").getFirst();
    runAndReady(keeper);
    // The controller ranks pods from its cache: scale down only once it has seen the ready pod.
    await().until(() -> Integer.valueOf(1).equals(rs("scaled").getStatus().getReadyReplicas()));
    scaleTo("scaled", 1);
    await().until(() -> podsOf("scaled").size() == 1);
    assertThat(podsOf("scaled").getFirst().getMetadata().getName())
        .isEqualTo(keeper.getMetadata().getName());
    await().until(() -> rs("scaled").getStatus().getReplicas() == 1);
    assertThat(rs("scaled").getStatus().getObservedGeneration()).isEqualTo(3L);
  }

  private static Pod orphan(String namespace) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("orphan")
        .withNamespace(namespace)
        .withLabels(Map.of("app", "adopt"))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withImage("busybox")
        .endContainer()
        .endSpec()
        .build();
  }

  @Test
  void aMatchingOrphanIsAdoptedAndAPodThatStopsMatchingIsReleased() {
    ReplicaSet owner = replicaSets.create(replicaSet("adopt", 1, 0));
    await().until(() -> podsControlledBy(owner).size() == 1);
    Pod mine = podsControlledBy(owner).getFirst();
    runAndReady(mine);

    // The same orphan in another namespace: out of reach, whatever its labels.
    client
        .resources(Namespace.class)
        .create(new NamespaceBuilder().withNewMetadata().withName("other").endMetadata().build());
    pods.create(orphan("other"));
    // An orphan with the selected labels: adopted, then the surplus (the pending orphan) deleted.
    pods.create(orphan("default"));
    await().until(() -> pods.get("default", "orphan").isEmpty());
    assertThat(podsControlledBy(owner))
        .extracting(p -> p.getMetadata().getName())
        .containsExactly(mine.getMetadata().getName());
    assertThat(ControllerRefs.controllerOf(pods.get("other", "orphan").orElseThrow())).isEmpty();

    // A pod relabelled out of the selector is released and replaced.
    pods.patch(
        "default",
        mine.getMetadata().getName(),
        PatchType.MERGE_PATCH,
        "{\"metadata\":{\"labels\":{\"app\":\"elsewhere\"}}}");
    await()
        .until(
            () ->
                ControllerRefs.controllerOf(
                        pods.get("default", mine.getMetadata().getName()).orElseThrow())
                    .isEmpty());
    await().until(() -> podsControlledBy(owner).size() == 1);
    assertThat(podsControlledBy(owner).getFirst().getMetadata().getName())
        .isNotEqualTo(mine.getMetadata().getName());
  }

  @Test
  void aReplicaSetBeingDeletedWithOrphanPolicyNoLongerManagesItsPods() {
    ReplicaSet owner = replicaSets.create(replicaSet("orphaned", 2, 0));
    await().until(() -> podsControlledBy(owner).size() == 2);
    await().until(() -> rs("orphaned").getStatus().getReplicas() == 2);

    // No garbage collector runs here, so the orphan finalizer keeps the ReplicaSet, being deleted.
    replicaSets.delete(
        "default", "orphaned", new DeleteOptionsBuilder().withPropagationPolicy("Orphan").build());
    assertThat(rs("orphaned").getMetadata().getDeletionTimestamp()).isNotNull();

    Pod victim = podsControlledBy(owner).getFirst();
    pods.delete("default", victim.getMetadata().getName(), null);
    // The sync that sees the pod gone writes replicas=1; had it managed replicas it would have
    // created the replacement first.
    await().until(() -> rs("orphaned").getStatus().getReplicas() == 1);
    assertThat(podsOf("orphaned")).hasSize(1);
  }

  @Test
  void aReplicationControllerGetsItsPodsAndStatus() {
    Resources<ReplicationController> rcs = client.resources(ReplicationController.class);
    rcs.create(
        new ReplicationControllerBuilder()
            .withNewMetadata()
            .withName("legacy")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withReplicas(2)
            .withSelector(Map.of("app", "legacy"))
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(Map.of("app", "legacy"))
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("nginx")
            .withImage("nginx")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build());
    await().until(() -> podsOf("legacy").size() == 2);
    assertThat(podsOf("legacy"))
        .allSatisfy(
            p ->
                assertThat(ControllerRefs.controllerOf(p).orElseThrow().getKind())
                    .isEqualTo("ReplicationController"));
    podsOf("legacy").forEach(this::runAndReady);
    await()
        .until(
            () ->
                Integer.valueOf(2)
                    .equals(
                        rcs.get("default", "legacy")
                            .orElseThrow()
                            .getStatus()
                            .getAvailableReplicas()));
    assertThat(podsOf("legacy")).allMatch(PodUtil::isPodReady);
  }
}
