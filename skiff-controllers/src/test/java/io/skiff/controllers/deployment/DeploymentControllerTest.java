package io.skiff.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.skiff.client.informer.Indexer;
import io.skiff.clock.ManualClock;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.ControllerExpectations;
import io.skiff.controllers.runtime.QueueController.Result;
import io.skiff.controllers.testing.FakeKubeClient;
import io.skiff.controllers.testing.FakeKubeClient.Action;
import io.skiff.controllers.testing.RecordingEventRecorder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The controller against a fake API on a manual clock, its informer caches fed by hand so that each
 * test decides what the controller has seen: how a sync treats a cache that lags behind the
 * controller's own writes.
 */
class DeploymentControllerTest {

  private static final String KEY = "default/web";

  private final ManualClock clock = new ManualClock();
  private final FakeKubeClient client = new FakeKubeClient(clock);
  private final ControllerContext ctx =
      ControllerContext.builder(client, clock)
          .recorders(component -> new RecordingEventRecorder())
          .build();
  private final DeploymentController controller = new DeploymentController(ctx);
  private final Indexer<Deployment> deploymentCache =
      ctx.informers().informerFor(Deployment.class).indexer();
  private final Indexer<ReplicaSet> rsCache =
      ctx.informers().informerFor(ReplicaSet.class).indexer();

  /** Four replicas, maxSurge 1, maxUnavailable 0: a new set starts at one pod. */
  private Deployment givenDeployment() {
    Deployment d = DeploymentUtilTest.rolling(4, "1", "0");
    d.getMetadata().setName("web");
    d.getSpec()
        .setSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web")).build());
    d.getSpec().setRevisionHistoryLimit(10);
    d.getSpec().setProgressDeadlineSeconds(600);
    Deployment stored = client.seed(d);
    deploymentCache.put(stored);
    return stored;
  }

  /** A new image, written to the API and seen by the Deployment informer. */
  private void changeImage(String image) {
    Deployment d = client.stored(Deployment.class, "default", "web").orElseThrow();
    d.getSpec().getTemplate().getSpec().getContainers().getFirst().setImage(image);
    deploymentCache.put(client.resources(Deployment.class).update(d));
  }

  /** Both informers deliver everything written so far. */
  private void informersCatchUp() {
    client.stored(Deployment.class).forEach(deploymentCache::put);
    client.stored(ReplicaSet.class).forEach(rsCache::put);
  }

  private List<ReplicaSet> createdSets() {
    return client.actions("create", "replicasets").stream()
        .map(Action::object)
        .map(ReplicaSet.class::cast)
        .toList();
  }

  @Test
  void aSyncWaitsUntilTheCacheShowsTheReplicaSetsTheLastOneWrote() throws Exception {
    givenDeployment();
    controller.sync(KEY);
    assertThat(createdSets()).hasSize(1);

    // The template changes before the ReplicaSet informer has delivered the set just created. A
    // sync now would size a second set as if the first did not exist: 4 pods of each.
    changeImage("nginx:1.25");
    Result waiting = controller.sync(KEY);

    assertThat(waiting).isEqualTo(Result.requeueAfter(DeploymentController.UNSEEN_WRITES_RECHECK));
    assertThat(createdSets()).hasSize(1);

    client.stored(ReplicaSet.class).forEach(rsCache::put);
    controller.sync(KEY);

    assertThat(createdSets()).hasSize(2);
    ReplicaSet second = createdSets().get(1);
    assertThat(second.getSpec().getReplicas()).as("4 + maxSurge 1 - 4 old").isEqualTo(1);
    assertThat(second.getMetadata().getAnnotations()).containsEntry(DeploymentUtil.REVISION, "2");
  }

  @Test
  void aScaleDownNotYetInTheCacheHoldsTheNextSync() throws Exception {
    givenDeployment();
    controller.sync(KEY);
    informersCatchUp();
    changeImage("nginx:1.25");
    controller.sync(KEY);
    informersCatchUp();
    // Every pod is available, the new one too, so the next pass scales the old set down to 3.
    for (ReplicaSet rs : client.stored(ReplicaSet.class)) {
      int n = rs.getSpec().getReplicas();
      rs.setStatus(new ReplicaSetStatusBuilder().withReplicas(n).withAvailableReplicas(n).build());
      client.resources(ReplicaSet.class).updateStatus(rs);
    }
    informersCatchUp();
    client.clearActions();
    controller.sync(KEY);
    assertThat(client.actions("update", "replicasets"))
        .singleElement()
        .satisfies(a -> assertThat(((ReplicaSet) a.object()).getSpec().getReplicas()).isEqualTo(3));

    // The Deployment informer has the pass's status write, the ReplicaSet informer not yet the
    // scale-down: the new set would be sized against an old one still at 4.
    client.stored(Deployment.class).forEach(deploymentCache::put);
    Result waiting = controller.sync(KEY);

    assertThat(waiting).isEqualTo(Result.requeueAfter(DeploymentController.UNSEEN_WRITES_RECHECK));
    assertThat(client.actions("update", "replicasets")).hasSize(1);

    informersCatchUp();
    controller.sync(KEY);
    assertThat(client.actions("update", "replicasets")).hasSize(2);
  }

  @Test
  void aWriteTheCacheNeverShowsHoldsTheSyncOnlyAsLongAsExpectationsLast() throws Exception {
    givenDeployment();
    controller.sync(KEY);
    changeImage("nginx:1.25");
    assertThat(controller.sync(KEY))
        .isEqualTo(Result.requeueAfter(DeploymentController.UNSEEN_WRITES_RECHECK));

    clock.advance(ControllerExpectations.EXPECTATIONS_TIMEOUT.plus(Duration.ofSeconds(1)));
    controller.sync(KEY);

    // Upstream's behaviour on a cache that never catches up: a second set sized on its own.
    assertThat(createdSets()).hasSize(2);
  }
}
