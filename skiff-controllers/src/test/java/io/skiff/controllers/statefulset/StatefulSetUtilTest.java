package io.skiff.controllers.statefulset;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatefulSetUtilTest {

  static StatefulSet set(int replicas, Integer partition) {
    StatefulSet set =
        new StatefulSetBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace("ns")
            .withUid("set-uid")
            .endMetadata()
            .withNewSpec()
            .withReplicas(replicas)
            .withServiceName("svc")
            .withNewSelector()
            .withMatchLabels(Map.of("app", "web"))
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(Map.of("app", "web"))
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("c")
            .withImage("img")
            .endContainer()
            .endSpec()
            .endTemplate()
            .addToVolumeClaimTemplates(
                new PersistentVolumeClaimBuilder()
                    .withNewMetadata()
                    .withName("data")
                    .withLabels(Map.of("tier", "db"))
                    .endMetadata()
                    .build())
            .withNewUpdateStrategy()
            .withType("RollingUpdate")
            .endUpdateStrategy()
            .endSpec()
            .build();
    if (partition != null) {
      set.getSpec()
          .getUpdateStrategy()
          .setRollingUpdate(
              new io.fabric8.kubernetes.api.model.apps.RollingUpdateStatefulSetStrategy(
                  null, partition));
    }
    return set;
  }

  private static Pod named(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withUid("pod-uid")
        .endMetadata()
        .build();
  }

  @ParameterizedTest(name = "{0} -> parent \"{1}\", ordinal {2}")
  @CsvSource({
    "web-0, web, 0",
    "web-12, web, 12",
    "my-web-3, my-web, 3",
    "web, '', -1",
    "web-, '', -1",
    "web-x, '', -1",
    "web-99999999999, web, -1", // beyond int32: the ordinal does not parse
  })
  void podNamesParseIntoParentAndOrdinal(String name, String parent, int ordinal) {
    var po = StatefulSetUtil.parentAndOrdinal(named(name));
    assertThat(po.ordinal()).isEqualTo(ordinal);
    if (ordinal >= 0) {
      assertThat(po.parent()).isEqualTo(parent);
    }
  }

  @Test
  void aNewPodHasItsIdentityAndItsOrdinalsClaim() {
    StatefulSet set = set(3, 0);
    Pod pod = StatefulSetUtil.newStatefulSetPod(set, 2);
    assertThat(pod.getMetadata().getName()).isEqualTo("web-2");
    assertThat(pod.getMetadata().getNamespace()).isEqualTo("ns");
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("app", "web")
        .containsEntry(StatefulSetUtil.POD_NAME_LABEL, "web-2")
        .containsEntry(StatefulSetUtil.POD_INDEX_LABEL, "2");
    assertThat(pod.getSpec().getHostname()).isEqualTo("web-2");
    assertThat(pod.getSpec().getSubdomain()).isEqualTo("svc");
    assertThat(pod.getSpec().getVolumes())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getName()).isEqualTo("data");
              assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("data-web-2");
            });
    assertThat(StatefulSetUtil.identityMatches(set, pod)).isTrue();
    assertThat(StatefulSetUtil.storageMatches(set, pod)).isTrue();

    PersistentVolumeClaim claim = StatefulSetUtil.claims(set, pod).get("data");
    assertThat(claim.getMetadata().getName()).isEqualTo("data-web-2");
    assertThat(claim.getMetadata().getLabels()).isEqualTo(Map.of("tier", "db", "app", "web"));

    pod.getMetadata().getLabels().remove(StatefulSetUtil.POD_NAME_LABEL);
    assertThat(StatefulSetUtil.identityMatches(set, pod)).isFalse();
    pod.getSpec().setVolumes(List.of());
    assertThat(StatefulSetUtil.storageMatches(set, pod)).isFalse();
  }

  @ParameterizedTest(name = "partition {0}, ordinal {1} -> current revision: {2}")
  @CsvSource({"2, 0, true", "2, 1, true", "2, 2, false", "2, 4, false", "0, 0, false"})
  void ordinalsBelowThePartitionAreMadeAtTheCurrentRevision(
      int partition, int ordinal, boolean current) {
    StatefulSet set = set(5, partition);
    Pod pod = StatefulSetUtil.newVersionedStatefulSetPod(set, set, "web-cur", "web-upd", ordinal);
    assertThat(StatefulSetUtil.podRevision(pod)).isEqualTo(current ? "web-cur" : "web-upd");
  }

  @Test
  void withoutARollingUpdateBlockCurrentReplicasDecide() {
    StatefulSet set = set(5, null);
    set.setStatus(new StatefulSetStatus());
    set.getStatus().setCurrentReplicas(2);
    assertThat(
            StatefulSetUtil.podRevision(
                StatefulSetUtil.newVersionedStatefulSetPod(set, set, "cur", "upd", 1)))
        .isEqualTo("cur");
    assertThat(
            StatefulSetUtil.podRevision(
                StatefulSetUtil.newVersionedStatefulSetPod(set, set, "cur", "upd", 2)))
        .isEqualTo("upd");
    set.getSpec().getUpdateStrategy().setType("OnDelete");
    assertThat(
            StatefulSetUtil.podRevision(
                StatefulSetUtil.newVersionedStatefulSetPod(set, set, "cur", "upd", 0)))
        .isEqualTo("upd");
  }

  /**
   * Upstream's claim owner table: which owners a claim must have for each retention policy, for a
   * pod in range and a scaled-down one.
   */
  @ParameterizedTest(name = "whenDeleted={0} whenScaled={1} scaledDown={2} -> set {3}, pod {4}")
  @CsvSource({
    "Retain, Retain, false, false, false",
    "Retain, Retain, true, false, false",
    "Delete, Retain, false, true, false",
    "Delete, Retain, true, true, false",
    "Retain, Delete, false, false, false",
    "Retain, Delete, true, false, true",
    "Delete, Delete, false, true, false",
    "Delete, Delete, true, false, true",
  })
  void claimOwnersFollowTheRetentionPolicy(
      String whenDeleted, String whenScaled, boolean scaledDown, boolean setOwns, boolean podOwns) {
    StatefulSet set = set(2, 0);
    set.getSpec()
        .setPersistentVolumeClaimRetentionPolicy(
            new StatefulSetPersistentVolumeClaimRetentionPolicy(whenDeleted, whenScaled));
    Pod pod = named(scaledDown ? "web-5" : "web-1");
    PersistentVolumeClaim claim =
        new PersistentVolumeClaimBuilder().withNewMetadata().withName("c").endMetadata().build();

    assertThat(StatefulSetUtil.updateClaimOwnerRefForSetAndPod(claim, set, pod))
        .isEqualTo(setOwns || podOwns);
    assertThat(StatefulSetUtil.hasOwnerRef(claim, set)).isEqualTo(setOwns);
    assertThat(StatefulSetUtil.hasOwnerRef(claim, pod)).isEqualTo(podOwns);
    assertThat(StatefulSetUtil.claimOwnerMatchesSetAndPod(claim, set, pod)).isTrue();
    // Applying it again changes nothing.
    assertThat(StatefulSetUtil.updateClaimOwnerRefForSetAndPod(claim, set, pod)).isFalse();
  }

  @Test
  void aClaimOwnedByAnEarlierPodOfTheSameNameIsStale() {
    PersistentVolumeClaim claim =
        new PersistentVolumeClaimBuilder()
            .withNewMetadata()
            .withName("data-web-1")
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("v1")
                    .withKind("Pod")
                    .withName("web-1")
                    .withUid("old-uid")
                    .build())
            .endMetadata()
            .build();
    assertThat(StatefulSetUtil.hasStaleOwnerRef(claim, named("web-1"))).isTrue();
    assertThat(StatefulSetUtil.hasStaleOwnerRef(claim, named("web-2"))).isFalse();
  }

  @Test
  void statusCountsOnlyCreatedPodsAndCompletesAFinishedRollingUpdate() {
    Instant now = Instant.parse("2024-01-01T00:01:00Z");
    Pod notCreated = StatefulSetUtil.newStatefulSetPod(set(3, 0), 0);
    StatefulSetUtil.setPodRevision(notCreated, "upd");
    Pod ready =
        new PodBuilder()
            .withNewMetadata()
            .withName("web-1")
            .withLabels(Map.of(StatefulSetUtil.REVISION_LABEL, "upd"))
            .endMetadata()
            .withNewStatus()
            .withPhase("Running")
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .withLastTransitionTime("2024-01-01T00:00:50Z")
            .endCondition()
            .endStatus()
            .build();
    Pod old =
        new PodBuilder()
            .withNewMetadata()
            .withName("web-2")
            .withLabels(Map.of(StatefulSetUtil.REVISION_LABEL, "cur"))
            .endMetadata()
            .withNewStatus()
            .withPhase("Pending")
            .endStatus()
            .build();
    StatefulSetStatus s = new StatefulSetStatus();
    StatefulSetUtil.updateStatus(s, 30, "cur", "upd", now, List.of(notCreated, ready, old));
    assertThat(s.getReplicas()).isEqualTo(2);
    assertThat(s.getReadyReplicas()).isEqualTo(1);
    // Ready for 10 s of the 30 minReadySeconds asks.
    assertThat(s.getAvailableReplicas()).isZero();
    assertThat(s.getCurrentReplicas()).isEqualTo(1);
    assertThat(s.getUpdatedReplicas()).isEqualTo(1);

    s.setCurrentRevision("cur");
    s.setUpdateRevision("upd");
    StatefulSetUtil.completeRollingUpdate(set(3, 0), s);
    assertThat(s.getCurrentRevision()).isEqualTo("cur");
    s.setUpdatedReplicas(2);
    s.setReadyReplicas(2);
    StatefulSetUtil.completeRollingUpdate(set(3, 0), s);
    assertThat(s.getCurrentRevision()).isEqualTo("upd");
    assertThat(s.getCurrentReplicas()).isEqualTo(2);
  }
}
