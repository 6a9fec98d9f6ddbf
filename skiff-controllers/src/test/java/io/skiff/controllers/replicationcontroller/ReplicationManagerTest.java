package io.skiff.controllers.replicationcontroller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.ReplicationControllerStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.skiff.client.informer.Indexer;
import io.skiff.clock.ManualClock;
import io.skiff.controllers.replicaset.ReplicaSetController;
import io.skiff.controllers.replicaset.ReplicaSetUtil;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.Times;
import io.skiff.controllers.testing.FakeKubeClient;
import io.skiff.controllers.testing.FakeKubeClient.Action;
import io.skiff.controllers.testing.RecordingEventRecorder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ReplicationController controller is the ReplicaSet controller seen through a conversion. */
class ReplicationManagerTest {

  private final ManualClock clock = new ManualClock();
  private final FakeKubeClient client = new FakeKubeClient(clock);
  private final RecordingEventRecorder events = new RecordingEventRecorder();
  private final ControllerContext ctx =
      ControllerContext.builder(client, clock).recorders(component -> events).build();
  private final ReplicaSetController<ReplicationController> controller =
      ReplicationManager.create(ctx);
  private final Indexer<ReplicationController> rcCache =
      ctx.informers().informerFor(ReplicationController.class).indexer();
  private final Indexer<Pod> podCache = ctx.informers().informerFor(Pod.class).indexer();

  private static ReplicationController rc(int replicas) {
    return new ReplicationControllerBuilder()
        .withNewMetadata()
        .withName("web")
        .withNamespace("default")
        .withGeneration(1L)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withSelector(Map.of("app", "web"))
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("app", "web"))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("nginx")
        .withImage("nginx")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private ReplicationController stored() {
    return client.stored(ReplicationController.class, "default", "web").orElseThrow();
  }

  @Test
  void createsPodsOwnedByTheReplicationControllerAndWritesItsStatus() throws Exception {
    ReplicationController rc = client.seed(rc(2));
    rcCache.put(rc);

    controller.enqueue(rc);
    controller.processNextWorkItem();

    List<Action> creates = client.actions("create", "pods");
    assertThat(creates).hasSize(2);
    assertThat(((Pod) creates.getFirst().object()).getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            ref -> {
              assertThat(ref.getApiVersion()).isEqualTo("v1");
              assertThat(ref.getKind()).isEqualTo("ReplicationController");
              assertThat(ref.getName()).isEqualTo("web");
              assertThat(ref.getUid()).isEqualTo(rc.getMetadata().getUid());
            });
    assertThat(((Pod) creates.getFirst().object()).getMetadata().getGenerateName())
        .isEqualTo("web-");
    assertThat(events.events())
        .allMatch(
            e ->
                e.startsWith(
                    "ReplicationController web: Normal SuccessfulCreate Created pod: web-"));
    assertThat(client.actions("update", "replicationcontrollers"))
        .extracting(Action::subresource)
        .containsExactly("status");
    assertThat(stored().getStatus().getReplicas()).isZero();
    assertThat(stored().getStatus().getObservedGeneration()).isEqualTo(1L);

    // The pods appear, run and turn ready.
    for (Pod p : client.stored(Pod.class)) {
      Pod running =
          new PodBuilder(p)
              .withNewStatus()
              .withPhase("Running")
              .addNewCondition()
              .withType("Ready")
              .withStatus("True")
              .withLastTransitionTime(Times.format(clock.now()))
              .endCondition()
              .endStatus()
              .build();
      podCache.put(running);
    }
    rcCache.put(stored());
    client.clearActions();
    controller.enqueue(rc);
    controller.processNextWorkItem();
    assertThat(client.actions("create", "pods")).isEmpty();
    ReplicationControllerStatus status = stored().getStatus();
    assertThat(status.getReplicas()).isEqualTo(2);
    assertThat(status.getFullyLabeledReplicas()).isEqualTo(2);
    assertThat(status.getReadyReplicas()).isEqualTo(2);
    assertThat(status.getAvailableReplicas()).isEqualTo(2);
  }

  @Test
  void theConversionKeepsTheSelectorTemplateAndStatus() {
    ReplicationController rc =
        new ReplicationControllerBuilder(rc(3))
            .editMetadata()
            .withUid("u")
            .endMetadata()
            .editSpec()
            .withMinReadySeconds(7)
            .endSpec()
            .withNewStatus()
            .withReplicas(3)
            .withReadyReplicas(2)
            .withObservedGeneration(4L)
            .addNewCondition()
            .withType("ReplicaFailure")
            .withStatus("True")
            .withReason("FailedCreate")
            .withMessage("quota")
            .withLastTransitionTime("2024-01-01T00:00:00Z")
            .endCondition()
            .endStatus()
            .build();
    ReplicaSet rs = ReplicationControllerKind.INSTANCE.toReplicaSet(rc);
    assertThat(rs.getMetadata()).isSameAs(rc.getMetadata());
    assertThat(rs.getSpec().getSelector().getMatchLabels()).isEqualTo(Map.of("app", "web"));
    assertThat(rs.getSpec().getMinReadySeconds()).isEqualTo(7);
    assertThat(ReplicaSetUtil.replicas(rs)).isEqualTo(3);
    assertThat(rs.getSpec().getTemplate()).isEqualTo(rc.getSpec().getTemplate());
    assertThat(rs.getStatus().getReadyReplicas()).isEqualTo(2);
    assertThat(
            ReplicaSetUtil.condition(rs.getStatus(), "ReplicaFailure").orElseThrow().getMessage())
        .isEqualTo("quota");

    ReplicaSetStatus next = ReplicaSetUtil.calculateStatus(rs, List.of(), null, clock.now());
    ReplicationController written = ReplicationControllerKind.INSTANCE.withStatus(rc, next);
    assertThat(written.getStatus().getReplicas()).isZero();
    assertThat(written.getStatus().getConditions()).isNullOrEmpty();
    assertThat(written.getStatus().getObservedGeneration()).isEqualTo(4L);
    assertThat(rc.getStatus().getConditions()).as("the original is untouched").hasSize(1);
  }
}
