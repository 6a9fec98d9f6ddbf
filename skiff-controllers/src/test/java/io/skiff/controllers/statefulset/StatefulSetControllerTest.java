package io.skiff.controllers.statefulset;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.skiff.api.patch.PatchType;
import io.skiff.client.KubeObjects;
import io.skiff.client.informer.Indexer;
import io.skiff.clock.ManualClock;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.PodUtil;
import io.skiff.controllers.runtime.QueueController.Result;
import io.skiff.controllers.runtime.Times;
import io.skiff.controllers.testing.FakeKubeClient;
import io.skiff.controllers.testing.FakeKubeClient.Action;
import io.skiff.controllers.testing.RecordingEventRecorder;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The controller against a fake API that records what it does, on a manual clock; the test feeds
 * the informer caches, plays the API server's part of setting {@code phase: Pending} on new pods
 * and the kubelet's part of making pods Running and Ready.
 */
class StatefulSetControllerTest {

  private final ManualClock clock = new ManualClock();
  private final FakeKubeClient client = new FakeKubeClient(clock);
  private final RecordingEventRecorder events = new RecordingEventRecorder();
  private final ControllerContext ctx =
      ControllerContext.builder(client, clock).recorders(component -> events).build();
  private final StatefulSetController controller = new StatefulSetController(ctx);
  private final Indexer<StatefulSet> setCache =
      ctx.informers().informerFor(StatefulSet.class).indexer();
  private final Indexer<Pod> podCache = ctx.informers().informerFor(Pod.class).indexer();
  private final Indexer<ControllerRevision> revisionCache =
      ctx.informers().informerFor(ControllerRevision.class).indexer();

  private static StatefulSetBuilder web(int replicas, String image) {
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withName("web")
        .withNamespace("default")
        .withGeneration(1L)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withServiceName("nginx")
        .withPodManagementPolicy("OrderedReady")
        .withRevisionHistoryLimit(10)
        .withNewUpdateStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withPartition(0)
        .endRollingUpdate()
        .endUpdateStrategy()
        .withNewSelector()
        .withMatchLabels(Map.of("app", "nginx"))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("app", "nginx"))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("nginx")
        .withImage(image)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec();
  }

  private StatefulSet given(StatefulSet set) {
    StatefulSet stored = client.seed(set);
    setCache.put(stored);
    return stored;
  }

  private StatefulSet stored() {
    return client.stored(StatefulSet.class, "default", "web").orElseThrow();
  }

  /** New pods become Pending (the server's part); the caches and handlers catch up. */
  private void catchUp() {
    for (Pod p : client.stored(Pod.class)) {
      if (PodUtil.phase(p).isEmpty()) {
        client
            .resources(Pod.class)
            .patchStatus(
                "default",
                p.getMetadata().getName(),
                PatchType.MERGE_PATCH,
                "{\"status\":{\"phase\":\"Pending\"}}");
      }
    }
    Set<String> live = new HashSet<>();
    for (Pod p : client.stored(Pod.class)) {
      live.add(KubeObjects.key(p));
      var old = podCache.put(p);
      if (old.isEmpty()) {
        controller.addPod(p);
      } else {
        controller.updatePod(old.get(), p);
      }
    }
    for (Pod cached : podCache.list()) {
      if (!live.contains(KubeObjects.key(cached))) {
        podCache.remove(cached);
        controller.deletePod(cached);
      }
    }
    revisionCache.replace(client.stored(ControllerRevision.class));
    client.stored(StatefulSet.class).forEach(setCache::put);
  }

  /** The kubelet's part: the pod runs and is ready from now on. */
  private void ready(String name) {
    client
        .resources(Pod.class)
        .patchStatus(
            "default",
            name,
            PatchType.MERGE_PATCH,
            "{\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\","
                + "\"lastTransitionTime\":\""
                + Times.format(clock.now())
                + "\"}]}}");
  }

  private void readyAll() {
    for (Pod p : client.stored(Pod.class)) {
      if (!PodUtil.isPodReady(p)) {
        ready(p.getMetadata().getName());
      }
    }
  }

  private List<String> created() {
    return client.actions("create", "pods").stream().map(Action::name).toList();
  }

  private List<String> deleted() {
    return client.actions("delete", "pods").stream().map(Action::name).toList();
  }

  private Result sync() throws Exception {
    return controller.sync("default/web");
  }

  /** Syncs, catches up and makes every pod ready until nothing is written any more. */
  private void converge() throws Exception {
    for (int i = 0; i < 50; i++) {
      int before = client.writes().size();
      catchUp();
      sync();
      catchUp();
      readyAll();
      catchUp();
      if (client.writes().size() == before) {
        return;
      }
    }
    throw new AssertionError("did not converge: " + client.writes());
  }

  private String revisionLabel(String pod) {
    return client
        .stored(Pod.class, "default", pod)
        .orElseThrow()
        .getMetadata()
        .getLabels()
        .get(StatefulSetUtil.REVISION_LABEL);
  }

  @Test
  void orderedReadyCreatesOnePodPerSyncOnlyAfterThePreviousIsRunningAndReady() throws Exception {
    given(web(3, "nginx:1").build());

    sync();
    assertThat(created()).containsExactly("web-0");
    assertThat(events.events())
        .contains(
            "StatefulSet web: Normal SuccessfulCreate create Pod web-0 in StatefulSet web successful");
    catchUp();

    // web-0 is Pending: another sync creates nothing.
    sync();
    assertThat(created()).containsExactly("web-0");

    ready("web-0");
    catchUp();
    sync();
    assertThat(created()).containsExactly("web-0", "web-1");

    converge();
    assertThat(created()).containsExactly("web-0", "web-1", "web-2");
    var status = stored().getStatus();
    assertThat(status.getReplicas()).isEqualTo(3);
    assertThat(status.getReadyReplicas()).isEqualTo(3);
    assertThat(status.getCurrentReplicas()).isEqualTo(3);
    assertThat(status.getUpdatedReplicas()).isEqualTo(3);
    assertThat(status.getCurrentRevision()).isEqualTo(status.getUpdateRevision());
    assertThat(status.getCollisionCount()).isZero();
    assertThat(status.getObservedGeneration()).isEqualTo(1L);
  }

  @Test
  void scaleDownDeletesTheHighestOrdinalAndAStaleCacheCausesNoFailedDelete() throws Exception {
    given(web(3, "nginx:1").build());
    converge();
    client.clearActions();
    events.clear();
    StatefulSet scaled = KubeObjects.deepCopy(stored());
    scaled.getSpec().setReplicas(1);
    client.resources(StatefulSet.class).update(scaled);
    catchUp();

    sync();
    assertThat(deleted()).containsExactly("web-2");
    // The cache still holds web-2: deleting it again finds it gone, quietly.
    sync();
    assertThat(deleted()).containsExactly("web-2", "web-2");
    assertThat(events.events()).noneMatch(e -> e.contains("FailedDelete"));

    converge();
    assertThat(deleted()).containsExactly("web-2", "web-2", "web-1");
    assertThat(client.stored(Pod.class))
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("web-0");
    assertThat(events.events())
        .containsSubsequence(
            "StatefulSet web: Normal SuccessfulDelete delete Pod web-2 in StatefulSet web successful",
            "StatefulSet web: Normal SuccessfulDelete delete Pod web-1 in StatefulSet web successful");
  }

  @Test
  void minReadySecondsHoldsTheNextOrdinalUntilThePreviousIsAvailable() throws Exception {
    given(web(2, "nginx:1").editSpec().withMinReadySeconds(10).endSpec().build());
    sync();
    catchUp();
    ready("web-0");
    catchUp();

    Result r = sync();

    assertThat(created()).containsExactly("web-0");
    assertThat(r).isEqualTo(Result.requeueAfter(Duration.ofSeconds(10)));
    assertThat(stored().getStatus().getReadyReplicas()).isEqualTo(1);
    assertThat(stored().getStatus().getAvailableReplicas()).isZero();

    clock.advance(Duration.ofSeconds(11));
    sync();
    assertThat(created()).containsExactly("web-0", "web-1");
  }

  @Test
  void aRollingUpdateDeletesTheHighestOrdinalFirstAndWaitsForItToBeHealthy() throws Exception {
    given(web(3, "nginx:1").build());
    converge();
    String oldRevision = stored().getStatus().getCurrentRevision();
    client.clearActions();

    StatefulSet updated = KubeObjects.deepCopy(stored());
    updated.getSpec().getTemplate().getSpec().getContainers().getFirst().setImage("nginx:2");
    client.resources(StatefulSet.class).update(updated);
    catchUp();

    sync();
    assertThat(deleted()).containsExactly("web-2");
    assertThat(events.events())
        .contains(
            "StatefulSet web: Normal SuccessfulDelete delete Pod web-2 in StatefulSet web successful");
    String newRevision = stored().getStatus().getUpdateRevision();
    assertThat(newRevision).isNotEqualTo(oldRevision);
    assertThat(stored().getStatus().getCurrentRevision()).isEqualTo(oldRevision);
    catchUp();

    // web-2 comes back at the update revision; until it is ready nothing else is deleted.
    sync();
    assertThat(created()).containsExactly("web-2");
    assertThat(revisionLabel("web-2")).isEqualTo(newRevision);
    catchUp();
    sync();
    assertThat(deleted()).containsExactly("web-2");

    converge();
    assertThat(deleted()).containsExactly("web-2", "web-1", "web-0");
    var status = stored().getStatus();
    assertThat(status.getCurrentRevision()).isEqualTo(newRevision);
    assertThat(status.getUpdateRevision()).isEqualTo(newRevision);
    assertThat(status.getCurrentReplicas()).isEqualTo(3);
    assertThat(client.stored(ControllerRevision.class))
        .extracting(cr -> cr.getMetadata().getName())
        .containsExactlyInAnyOrder(oldRevision, newRevision);
  }

  @Test
  void onlyOrdinalsAtOrAboveThePartitionAreUpdated() throws Exception {
    given(
        web(4, "nginx:1")
            .editSpec()
            .editUpdateStrategy()
            .editRollingUpdate()
            .withPartition(2)
            .endRollingUpdate()
            .endUpdateStrategy()
            .endSpec()
            .build());
    converge();
    String oldRevision = stored().getStatus().getCurrentRevision();
    client.clearActions();

    StatefulSet updated = KubeObjects.deepCopy(stored());
    updated.getSpec().getTemplate().getSpec().getContainers().getFirst().setImage("nginx:2");
    client.resources(StatefulSet.class).update(updated);
    catchUp();
    converge();

    assertThat(deleted()).containsExactly("web-3", "web-2");
    String newRevision = stored().getStatus().getUpdateRevision();
    assertThat(revisionLabel("web-0")).isEqualTo(oldRevision);
    assertThat(revisionLabel("web-1")).isEqualTo(oldRevision);
    assertThat(revisionLabel("web-2")).isEqualTo(newRevision);
    assertThat(revisionLabel("web-3")).isEqualTo(newRevision);
    var status = stored().getStatus();
    assertThat(status.getCurrentRevision()).isEqualTo(oldRevision);
    assertThat(status.getCurrentReplicas()).isEqualTo(2);
    assertThat(status.getUpdatedReplicas()).isEqualTo(2);

    // A pod below the partition that is deleted comes back at the current revision.
    client.resources(Pod.class).delete("default", "web-0", null);
    catchUp();
    converge();
    assertThat(revisionLabel("web-0")).isEqualTo(oldRevision);
  }

  @Test
  void onDeleteNeverDeletesForAnUpdateButRecreatesDeletedPodsAtTheUpdateRevision()
      throws Exception {
    given(
        web(2, "nginx:1")
            .editSpec()
            .withNewUpdateStrategy()
            .withType("OnDelete")
            .endUpdateStrategy()
            .endSpec()
            .build());
    converge();
    client.clearActions();
    StatefulSet updated = KubeObjects.deepCopy(stored());
    updated.getSpec().getTemplate().getSpec().getContainers().getFirst().setImage("nginx:2");
    client.resources(StatefulSet.class).update(updated);
    catchUp();
    converge();
    assertThat(deleted()).isEmpty();
    String newRevision = stored().getStatus().getUpdateRevision();

    client.resources(Pod.class).delete("default", "web-1", null);
    catchUp();
    converge();
    assertThat(revisionLabel("web-1")).isEqualTo(newRevision);
    assertThat(revisionLabel("web-0")).isNotEqualTo(newRevision);
  }

  @Test
  void orphanRevisionsAreAdopted() throws Exception {
    StatefulSet set = given(web(1, "nginx:1").build());
    ControllerRevision orphan = client.seed(StatefulSetUtil.newRevision(set, 1, 0));
    orphan.getMetadata().setOwnerReferences(List.of());
    client.resources(ControllerRevision.class).update(orphan);
    catchUp();

    sync();

    assertThat(client.actions("patch", "controllerrevisions")).hasSize(1);
    assertThat(
            client.stored(ControllerRevision.class).getFirst().getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(set.getMetadata().getUid()));
  }
}
