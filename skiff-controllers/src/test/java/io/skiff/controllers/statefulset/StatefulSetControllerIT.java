package io.skiff.controllers.statefulset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.errors.StatusError;
import io.skiff.api.patch.PatchType;
import io.skiff.client.EventType;
import io.skiff.client.KubeClient;
import io.skiff.client.ListOptions;
import io.skiff.client.Resources;
import io.skiff.client.Watch;
import io.skiff.client.Watcher;
import io.skiff.clock.Clock;
import io.skiff.controllers.history.Revisions;
import io.skiff.controllers.runtime.PodUtil;
import io.skiff.controllers.runtime.Times;
import io.skiff.controllers.testcluster.RunningCluster;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The StatefulSet controller against the in-process API server. No nodes run: the test plays the
 * kubelet by writing pod status (Running and Ready), so that each step of ordered management and of
 * a rolling update is observable.
 */
class StatefulSetControllerIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension
  final RunningCluster cluster =
      RunningCluster.inProcess().controller(StatefulSetController.NAME, StatefulSetController::new);

  private KubeClient client;
  private Resources<StatefulSet> sets;
  private Resources<Pod> pods;
  private Resources<ControllerRevision> revisions;

  @BeforeEach
  void resources() {
    client = cluster.client();
    sets = client.resources(StatefulSet.class);
    pods = client.resources(Pod.class);
    revisions = client.resources(ControllerRevision.class);
  }

  private static StatefulSetBuilder web(int replicas, String image) {
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withName("web")
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withServiceName("nginx")
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

  private Optional<Pod> pod(String name) {
    return pods.get("default", name);
  }

  private List<String> podNames() {
    return pods.list("default", ListOptions.all()).items().stream()
        .map(p -> p.getMetadata().getName())
        .sorted()
        .toList();
  }

  private StatefulSet set() {
    return sets.get("default", "web").orElseThrow();
  }

  private static String revisionOf(Pod p) {
    return p.getMetadata().getLabels().get(StatefulSetUtil.REVISION_LABEL);
  }

  /** The kubelet's part: the pod runs and is ready. */
  private void markReady(String name) {
    pods.patchStatus(
        "default",
        name,
        PatchType.MERGE_PATCH,
        "{\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\","
            + "\"lastTransitionTime\":\""
            + Times.format(Clock.system().now())
            + "\"}]}}");
  }

  /** Marks every pod that exists and is not ready yet as ready. */
  private void markAllReady() {
    for (Pod p : pods.list("default", ListOptions.all()).items()) {
      if (!PodUtil.isPodReady(p) && p.getMetadata().getDeletionTimestamp() == null) {
        markReady(p.getMetadata().getName());
      }
    }
  }

  /** Waits until the set has {@code n} ready pods and says so in its status. */
  private void awaitReady(int n) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              markAllReady();
              StatefulSet s = set();
              return s.getStatus() != null
                  && Integer.valueOf(n).equals(s.getStatus().getReadyReplicas())
                  && Integer.valueOf(n).equals(s.getStatus().getReplicas());
            });
  }

  /** Waits until the controller has written a status counting {@code created} pods. */
  private void awaitObserved(int created) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              StatefulSet s = set();
              return s.getStatus() != null
                  && Integer.valueOf(created).equals(s.getStatus().getReplicas());
            });
  }

  @Test
  void createsPodsInOrdinalOrderEachAfterThePreviousIsReady() {
    sets.create(web(3, "nginx:1.25").build());

    await().atMost(WAIT).until(() -> pod("web-0").isPresent());
    awaitObserved(1);
    // web-0 is Pending: nothing more until it runs and is ready.
    assertThat(podNames()).containsExactly("web-0");
    Pod p0 = pod("web-0").orElseThrow();
    assertThat(p0.getMetadata().getLabels())
        .containsEntry("app", "nginx")
        .containsEntry(StatefulSetUtil.POD_NAME_LABEL, "web-0")
        .containsEntry(StatefulSetUtil.POD_INDEX_LABEL, "0")
        .containsEntry(StatefulSetUtil.REVISION_LABEL, set().getStatus().getUpdateRevision());
    assertThat(p0.getSpec().getHostname()).isEqualTo("web-0");
    assertThat(p0.getSpec().getSubdomain()).isEqualTo("nginx");
    assertThat(p0.getMetadata().getOwnerReferences().getFirst().getKind()).isEqualTo("StatefulSet");

    markReady("web-0");
    await().atMost(WAIT).until(() -> pod("web-1").isPresent());
    awaitObserved(2);
    assertThat(podNames()).containsExactly("web-0", "web-1");

    markReady("web-1");
    await().atMost(WAIT).until(() -> pod("web-2").isPresent());
    markReady("web-2");
    awaitReady(3);

    StatefulSet s = set();
    assertThat(s.getStatus().getCurrentRevision()).isEqualTo(s.getStatus().getUpdateRevision());
    assertThat(s.getStatus().getCurrentReplicas()).isEqualTo(3);
    assertThat(s.getStatus().getUpdatedReplicas()).isEqualTo(3);
    assertThat(s.getStatus().getAvailableReplicas()).isEqualTo(3);
    assertThat(s.getStatus().getObservedGeneration()).isEqualTo(1L);
    assertThat(s.getStatus().getUpdateRevision()).startsWith("web-");
    List<ControllerRevision> crs = revisions.list("default", ListOptions.all()).items();
    assertThat(crs)
        .singleElement()
        .satisfies(
            cr -> {
              assertThat(cr.getMetadata().getName()).isEqualTo(s.getStatus().getUpdateRevision());
              assertThat(cr.getRevision()).isEqualTo(1L);
              assertThat(cr.getMetadata().getLabels())
                  .containsEntry("app", "nginx")
                  .containsKey(Revisions.HASH_LABEL);
              assertThat(Revisions.template(cr).getSpec().getContainers().getFirst().getImage())
                  .isEqualTo("nginx:1.25");
            });
  }

  @Test
  void scalesDownFromTheHighestOrdinalOneAtATime() {
    sets.create(web(3, "nginx:1.25").build());
    awaitReady(3);
    List<String> deleted = new CopyOnWriteArrayList<>();
    long from = pods.list("default", ListOptions.all()).resourceVersion();
    Watch watch =
        pods.watch(
            "default",
            ListOptions.all(),
            from,
            new Watcher<>() {
              @Override
              public void onEvent(EventType type, Pod pod) {
                if (type == EventType.DELETED) {
                  deleted.add(pod.getMetadata().getName());
                }
              }

              @Override
              public void onClose(StatusError error) {}
            });
    try {
      sets.patch("default", "web", PatchType.MERGE_PATCH, "{\"spec\":{\"replicas\":1}}");

      await().atMost(WAIT).until(() -> deleted.size() == 2);
      assertThat(deleted).containsExactly("web-2", "web-1");
      assertThat(podNames()).containsExactly("web-0");
      awaitReady(1);
    } finally {
      watch.close();
    }
  }

  @Test
  void aPartitionedRollingUpdateReplacesOnlyOrdinalsFromThePartitionHighestFirst() {
    sets.create(
        web(3, "nginx:1.25")
            .editSpec()
            .withNewUpdateStrategy()
            .withType("RollingUpdate")
            .withNewRollingUpdate()
            .withPartition(1)
            .endRollingUpdate()
            .endUpdateStrategy()
            .endSpec()
            .build());
    awaitReady(3);
    String oldRevision = set().getStatus().getCurrentRevision();

    sets.patch(
        "default",
        "web",
        PatchType.STRATEGIC_MERGE_PATCH,
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.26\"}]}}}}");

    // web-2 is replaced first, with the update revision.
    await()
        .atMost(WAIT)
        .until(() -> pod("web-2").map(p -> !revisionOf(p).equals(oldRevision)).orElse(false));
    String newRevision = set().getStatus().getUpdateRevision();
    assertThat(newRevision).isNotEqualTo(oldRevision);
    assertThat(revisionOf(pod("web-2").orElseThrow())).isEqualTo(newRevision);
    assertThat(pod("web-2").orElseThrow().getSpec().getContainers().getFirst().getImage())
        .isEqualTo("nginx:1.26");
    // web-1 waits for web-2 to be healthy.
    assertThat(revisionOf(pod("web-1").orElseThrow())).isEqualTo(oldRevision);

    markReady("web-2");
    await()
        .atMost(WAIT)
        .until(() -> pod("web-1").map(p -> revisionOf(p).equals(newRevision)).orElse(false));
    markReady("web-1");
    await()
        .atMost(WAIT)
        .until(
            () -> {
              markAllReady();
              StatefulSet s = set();
              return Integer.valueOf(2).equals(s.getStatus().getUpdatedReplicas())
                  && Integer.valueOf(3).equals(s.getStatus().getReadyReplicas());
            });
    // Below the partition nothing changes, and the update is not complete.
    assertThat(revisionOf(pod("web-0").orElseThrow())).isEqualTo(oldRevision);
    assertThat(pod("web-0").orElseThrow().getSpec().getContainers().getFirst().getImage())
        .isEqualTo("nginx:1.25");
    StatefulSet partial = set();
    assertThat(partial.getStatus().getCurrentRevision()).isEqualTo(oldRevision);
    assertThat(partial.getStatus().getCurrentReplicas()).isEqualTo(1);

    sets.patch(
        "default",
        "web",
        PatchType.JSON_PATCH,
        "[{\"op\":\"replace\",\"path\":\"/spec/updateStrategy/rollingUpdate/partition\",\"value\":0}]");
    await()
        .atMost(WAIT)
        .until(
            () -> {
              markAllReady();
              StatefulSet s = set();
              return newRevision.equals(s.getStatus().getCurrentRevision())
                  && Integer.valueOf(3).equals(s.getStatus().getCurrentReplicas())
                  && Integer.valueOf(3).equals(s.getStatus().getReadyReplicas());
            });
    assertThat(revisionOf(pod("web-0").orElseThrow())).isEqualTo(newRevision);
    assertThat(
            revisions.list("default", ListOptions.all()).items().stream()
                .sorted(Comparator.comparing(ControllerRevision::getRevision))
                .map(cr -> cr.getMetadata().getName()))
        .containsExactly(oldRevision, newRevision);
  }

  @Test
  void rollingBackReusesTheOldRevisionAndTheHistoryIsPrunedToTheLimit() {
    sets.create(web(1, "nginx:1").editSpec().withRevisionHistoryLimit(1).endSpec().build());
    awaitReady(1);
    String first = set().getStatus().getUpdateRevision();

    for (String image : List.of("nginx:2", "nginx:3")) {
      sets.patch(
          "default",
          "web",
          PatchType.STRATEGIC_MERGE_PATCH,
          "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\""
              + image
              + "\"}]}}}}");
      await()
          .atMost(WAIT)
          .until(
              () -> {
                markAllReady();
                StatefulSet s = set();
                return pod("web-0")
                        .map(p -> p.getSpec().getContainers().getFirst().getImage().equals(image))
                        .orElse(false)
                    && s.getStatus().getUpdateRevision().equals(s.getStatus().getCurrentRevision())
                    && Integer.valueOf(1).equals(s.getStatus().getReadyReplicas());
              });
    }
    String third = set().getStatus().getUpdateRevision();
    // One revision beyond the live one is kept: nginx:2's. nginx:1's is gone.
    await()
        .atMost(WAIT)
        .until(() -> revisions.list("default", ListOptions.all()).items().size() == 2);
    List<ControllerRevision> kept = revisions.list("default", ListOptions.all()).items();
    assertThat(kept).extracting(cr -> cr.getMetadata().getName()).doesNotContain(first);
    ControllerRevision second =
        kept.stream().filter(cr -> !cr.getMetadata().getName().equals(third)).findFirst().get();
    assertThat(second.getRevision()).isEqualTo(2L);

    // What `kubectl rollout undo` sends: the old revision's data as a strategic merge patch.
    String undo = new ObjectCodec().mapper().valueToTree(second.getData()).toString();
    sets.patch("default", "web", PatchType.STRATEGIC_MERGE_PATCH, undo);
    await()
        .atMost(WAIT)
        .until(() -> second.getMetadata().getName().equals(set().getStatus().getUpdateRevision()));
    ControllerRevision reused =
        revisions.get("default", second.getMetadata().getName()).orElseThrow();
    assertThat(reused.getRevision()).isEqualTo(4L);
    await()
        .atMost(WAIT)
        .until(
            () -> {
              markAllReady();
              return pod("web-0")
                  .map(p -> p.getSpec().getContainers().getFirst().getImage().equals("nginx:2"))
                  .orElse(false);
            });
  }

  @Test
  void parallelManagementCreatesEveryPodAtOnce() {
    sets.create(
        web(4, "nginx:1.25").editSpec().withPodManagementPolicy("Parallel").endSpec().build());

    await()
        .atMost(WAIT)
        .until(() -> podNames().equals(List.of("web-0", "web-1", "web-2", "web-3")));
    // None of them was ready.
    assertThat(pods.list("default", ListOptions.all()).items()).noneMatch(PodUtil::isPodReady);
    awaitReady(4);
  }

  @Test
  void aFailedPodIsRecreatedUnderTheSameName() {
    sets.create(web(1, "nginx:1.25").build());
    awaitReady(1);
    String uid = pod("web-0").orElseThrow().getMetadata().getUid();

    pods.patchStatus(
        "default", "web-0", PatchType.MERGE_PATCH, "{\"status\":{\"phase\":\"Failed\"}}");

    await()
        .atMost(WAIT)
        .until(() -> pod("web-0").map(p -> !p.getMetadata().getUid().equals(uid)).orElse(false));
    assertThat(podNames()).containsExactly("web-0");
  }

  @Test
  void volumeClaimTemplatesGiveEachOrdinalItsOwnClaim() {
    PersistentVolumeClaim template =
        new PersistentVolumeClaimBuilder()
            .withNewMetadata()
            .withName("data")
            .endMetadata()
            .withNewSpec()
            .withAccessModes("ReadWriteOnce")
            .withNewResources()
            .withRequests(Map.of("storage", new Quantity("1Gi")))
            .endResources()
            .endSpec()
            .build();
    sets.create(
        web(2, "nginx:1.25").editSpec().withVolumeClaimTemplates(template).endSpec().build());
    awaitReady(2);

    Resources<PersistentVolumeClaim> claims = client.resources(PersistentVolumeClaim.class);
    for (int i = 0; i < 2; i++) {
      PersistentVolumeClaim claim = claims.get("default", "data-web-" + i).orElseThrow();
      assertThat(claim.getMetadata().getLabels()).containsEntry("app", "nginx");
      // Retain/Retain: the claim outlives the set and its pods.
      assertThat(claim.getMetadata().getOwnerReferences()).isNullOrEmpty();
      Pod pod = pod("web-" + i).orElseThrow();
      String claimName = "data-web-" + i;
      assertThat(pod.getSpec().getVolumes())
          .anySatisfy(
              v -> {
                assertThat(v.getName()).isEqualTo("data");
                assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo(claimName);
              });
    }
  }
}
