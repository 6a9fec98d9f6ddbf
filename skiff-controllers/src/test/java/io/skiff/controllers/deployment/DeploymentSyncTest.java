package io.skiff.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Upstream's sync_test.go and rolling_test.go tables (reference A.11) over {@link DeploymentSync}.
 */
class DeploymentSyncTest {

  private static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");

  private final FakeCluster cluster = new FakeCluster();

  private static Deployment deployment(int replicas, int maxSurge, int maxUnavailable) {
    Deployment d = DeploymentUtilTest.rolling(replicas, "0", "0");
    d.getMetadata().setUid("deployment-uid");
    d.getSpec().setSelector(new io.fabric8.kubernetes.api.model.LabelSelector());
    d.getSpec().getSelector().setMatchLabels(Map.of("app", "web"));
    d.getSpec().getStrategy().getRollingUpdate().setMaxSurge(new IntOrString(maxSurge));
    d.getSpec().getStrategy().getRollingUpdate().setMaxUnavailable(new IntOrString(maxUnavailable));
    return d;
  }

  /** A set of the given size, created {@code age} minutes before the newest. */
  private ReplicaSet set(
      String name, int replicas, int minute, int available, Deployment sizedFrom) {
    ReplicaSet rs = DeploymentUtilTest.rs(name, replicas);
    rs.getMetadata().setCreationTimestamp(String.format("2024-01-01T00:%02d:00Z", minute));
    rs.setStatus(new ReplicaSetStatus());
    rs.getStatus().setReplicas(replicas);
    rs.getStatus().setAvailableReplicas(available);
    if (sizedFrom != null) {
      DeploymentUtil.setReplicasAnnotations(
          rs,
          DeploymentUtil.replicas(sizedFrom),
          DeploymentUtil.replicas(sizedFrom) + DeploymentUtil.maxSurge(sizedFrom));
    }
    return cluster.add(rs);
  }

  static Stream<Arguments> scaleCases() {
    // name, old size, new size, surge (old, new), sizes before (newest first), expected after
    return Stream.of(
        Arguments.of("scale up a single set", 10, 12, 0, 0, List.of(10), List.of(12)),
        Arguments.of("scale down a single set", 10, 5, 0, 0, List.of(10), List.of(5)),
        Arguments.of("proportional up", 5, 10, 0, 0, List.of(2, 3), List.of(4, 6)),
        Arguments.of("proportional down", 5, 3, 0, 0, List.of(2, 3), List.of(1, 2)),
        Arguments.of("proportional down to one", 9, 4, 0, 0, List.of(8, 1), List.of(4, 0)),
        Arguments.of("three sets up", 7, 10, 0, 0, List.of(2, 3, 2), List.of(3, 4, 3)),
        Arguments.of("three sets down", 13, 8, 0, 0, List.of(2, 8, 3), List.of(1, 5, 2)),
        Arguments.of(
            "leftover up goes to the newest", 3, 4, 0, 0, List.of(1, 1, 1), List.of(2, 1, 1)),
        Arguments.of(
            "leftover down from the oldest", 3, 2, 0, 0, List.of(1, 1, 1), List.of(1, 1, 0)),
        Arguments.of("to zero", 6, 0, 0, 0, List.of(3, 2, 1), List.of(0, 0, 0)),
        Arguments.of("from zero, newest takes all", 0, 6, 0, 0, List.of(0, 0, 0), List.of(6, 0, 0)),
        Arguments.of("with surge", 10, 20, 2, 2, List.of(6, 6), List.of(11, 11)),
        Arguments.of("surge changes too", 10, 50, 3, 6, List.of(5, 8), List.of(22, 34)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scaleCases")
  void scale(
      String name,
      int oldSize,
      int newSize,
      int oldSurge,
      int newSurge,
      List<Integer> before,
      List<Integer> after) {
    Deployment old = deployment(oldSize, oldSurge, 0);
    Deployment d = deployment(newSize, newSurge, 0);
    List<ReplicaSet> sets = new ArrayList<>();
    for (int i = 0; i < before.size(); i++) {
      // The first is the newest and, here, the new set.
      sets.add(set("v" + (before.size() - i), before.get(i), 30 - i, 0, old));
    }
    ReplicaSet newRS = sets.getFirst();
    List<ReplicaSet> oldSets = new ArrayList<>(sets.subList(1, sets.size()));

    new DeploymentSync(cluster, d, NOW).scale(newRS, oldSets);

    for (int i = 0; i < after.size(); i++) {
      assertThat(cluster.size("v" + (before.size() - i)))
          .as("v" + (before.size() - i))
          .isEqualTo(after.get(i));
    }
  }

  @Test
  void scaleWithoutANewSetGivesTiesToTheNewest() {
    Deployment old = deployment(4, 0, 0);
    ReplicaSet v2 = set("v2", 2, 20, 0, old);
    ReplicaSet v1 = set("v1", 2, 10, 0, old);

    new DeploymentSync(cluster, deployment(5, 0, 0), NOW)
        .scale(null, new ArrayList<>(List.of(v2, v1)));

    assertThat(cluster.size("v2")).isEqualTo(3);
    assertThat(cluster.size("v1")).isEqualTo(2);
  }

  @Test
  void sizeAndTemplateChangedTogether() {
    Deployment old = deployment(10, 0, 0);
    ReplicaSet v2 = set("v2", 7, 20, 0, old);
    ReplicaSet v1 = set("v1", 3, 10, 0, old);

    new DeploymentSync(cluster, deployment(14, 0, 0), NOW)
        .scale(null, new ArrayList<>(List.of(v2, v1)));

    assertThat(cluster.size("v2")).isEqualTo(10);
    assertThat(cluster.size("v1")).isEqualTo(4);
  }

  /**
   * The one active set already has the new size, but its annotations still say the size of a
   * rollout it was scaled down in: they are brought up to date, or every later sync would be a
   * scaling event and the rollout would never resume.
   */
  @Test
  void aSetAlreadyAtTheNewSizeGetsItsAnnotationsUpToDate() {
    Deployment rolledOutTo43 = deployment(43, 5, 0);
    ReplicaSet v1 = set("v1", 17, 10, 17, rolledOutTo43);
    ReplicaSet v4 = set("v4", 0, 20, 0, rolledOutTo43);
    Deployment d = deployment(17, 2, 0);

    ReplicaSet returned =
        new DeploymentSync(cluster, d, NOW).scale(v4, new ArrayList<>(List.of(v1)));

    assertThat(returned).isSameAs(v4);
    ReplicaSet stored = cluster.sets.get("v1");
    assertThat(stored.getSpec().getReplicas()).isEqualTo(17);
    assertThat(DeploymentUtil.desiredReplicasAnnotation(stored)).isEqualTo(17);
    assertThat(DeploymentUtil.intAnnotation(stored, DeploymentUtil.MAX_REPLICAS)).isEqualTo(19);
    assertThat(cluster.actions).containsExactly("update v1 17");
    assertThat(cluster.events).isEmpty();
  }

  @Test
  void aSetAtTheNewSizeWithCurrentAnnotationsIsNotWritten() {
    Deployment d = deployment(17, 2, 0);
    ReplicaSet v1 = set("v1", 17, 10, 17, d);

    new DeploymentSync(cluster, d, NOW).scale(null, new ArrayList<>(List.of(v1)));

    assertThat(cluster.actions).isEmpty();
  }

  @Test
  void aSaturatedButBrokenNewSetLeavesTheOldOneAlone() {
    Deployment d = deployment(2, 1, 1);
    ReplicaSet newRS = set("new", 2, 20, 0, d);
    ReplicaSet old = set("old", 1, 10, 1, d);

    new DeploymentSync(cluster, d, NOW).scale(newRS, new ArrayList<>(List.of(old)));

    assertThat(cluster.size("new")).isEqualTo(2);
    assertThat(cluster.size("old")).isEqualTo(1);
  }

  @ParameterizedTest(name = "reconcileNewReplicaSet dep={0} surge={1} old={2} new={3} → {4}")
  @CsvSource({
    "10, 0, 10, 0, -1",
    "10, 2, 10, 0, 2",
    "10, 2, 5, 0, 7",
    "10, 2, 10, 2, -1",
    "10, 2, 2, 11, 10",
  })
  void reconcileNewReplicaSet(int replicas, int surge, int oldSize, int newSize, int expected) {
    Deployment d = deployment(replicas, surge, 0);
    ReplicaSet newRS = set("new", newSize, 20, 0, null);
    ReplicaSet old = set("old", oldSize, 10, 0, null);

    boolean scaled =
        new DeploymentSync(cluster, d, NOW).reconcileNewReplicaSet(List.of(old, newRS), newRS);

    assertThat(scaled).isEqualTo(expected >= 0);
    assertThat(cluster.size("new")).isEqualTo(expected >= 0 ? expected : newSize);
  }

  @ParameterizedTest(
      name = "reconcileOldReplicaSets maxUnav={0} old={1} new={2} oldAvail={3} newAvail={4} → {5}")
  @CsvSource({
    "0, 10, 0, 10, 0, 9",
    "2, 10, 0, 10, 0, 8",
    "2, 10, 0, 8, 0, 8",
    "2, 10, 0, 9, 0, 8",
    "2, 8, 2, 8, 0, -1",
  })
  void reconcileOldReplicaSets(
      int maxUnavailable, int oldSize, int newSize, int oldAvailable, int newAvailable, int want) {
    Deployment d = deployment(10, 0, maxUnavailable);
    ReplicaSet newRS = set("new", newSize, 20, newAvailable, null);
    ReplicaSet old = set("old", oldSize, 10, oldAvailable, null);

    boolean scaled =
        new DeploymentSync(cluster, d, NOW)
            .reconcileOldReplicaSets(
                List.of(old, newRS), List.of(old), newRS, new ArrayList<>(List.of(old)));

    assertThat(scaled).isEqualTo(want >= 0);
    assertThat(cluster.size("old")).isEqualTo(want >= 0 ? want : oldSize);
  }

  @ParameterizedTest(name = "cleanupUnhealthyReplicas available={0} maxCleanup={1} → {2}")
  @CsvSource({"8, 1, 1", "8, 3, 2", "8, 0, 0", "10, 3, 0"})
  void cleanupUnhealthyReplicas(int available, int maxCleanup, int cleaned) throws Exception {
    Deployment d = deployment(10, 0, 0);
    ReplicaSet old = set("old", 10, 10, available, null);

    int n =
        new DeploymentSync(cluster, d, NOW)
            .cleanupUnhealthyReplicas(new ArrayList<>(List.of(old)), maxCleanup);

    assertThat(n).isEqualTo(cleaned);
    assertThat(cluster.size("old")).isEqualTo(10 - cleaned);
  }

  @Test
  void cleanupRefusesToScaleUpASetWhoseStatusPredatesItsScaleDown() {
    Deployment d = deployment(10, 0, 0);
    // Scaled down from 10 to 9; the status still counts the 10 available pods it had.
    ReplicaSet old = set("old", 9, 10, 10, null);

    assertThatThrownBy(
            () ->
                new DeploymentSync(cluster, d, NOW)
                    .cleanupUnhealthyReplicas(new ArrayList<>(List.of(old)), 3))
        .isInstanceOf(DeploymentSync.InvalidScaleDown.class)
        .hasMessageStartingWith(
            "when cleaning up unhealthy replicas, got invalid request to scale down")
        .hasMessageEndingWith("/old 9 -> 10");
    assertThat(cluster.size("old")).isEqualTo(9);
  }

  /**
   * A rollover the rollout-bounds property test caught: the second old set's status predates its
   * last scale-down, so it looks one more than fully available. Scaling it "down" by its unhealthy
   * replicas would scale it up past replicas + maxSurge; upstream refuses, and the pass scales
   * nothing more.
   */
  @Test
  void aStaleOverAvailableOldSetStopsTheScaleDownInsteadOfGrowing() {
    Deployment d = deployment(37, 13, 1);
    ReplicaSet v2 = set("v2", 36, 10, 37, null);
    ReplicaSet v3 = set("v3", 13, 20, 0, null);
    ReplicaSet v4 = set("v4", 1, 30, 0, null);

    boolean scaled =
        new DeploymentSync(cluster, d, NOW)
            .reconcileOldReplicaSets(
                List.of(v2, v3, v4), List.of(v2, v3), v4, new ArrayList<>(List.of(v2, v3)));

    assertThat(scaled).isFalse();
    assertThat(cluster.size("v2")).isEqualTo(36);
    assertThat(cluster.size("v3")).isEqualTo(13);
  }

  @ParameterizedTest(
      name = "scaleDownOldReplicaSetsForRollingUpdate maxUnav={0} ready={1} old={2} → {3}")
  @CsvSource({"0, 10, 10, 9", "2, 10, 10, 8", "2, 8, 10, -1", "2, 10, 0, -1", "2, 1, 10, -1"})
  void scaleDownOldReplicaSetsForRollingUpdate(
      int maxUnavailable, int available, int oldSize, int want) {
    Deployment d = deployment(10, 0, maxUnavailable);
    ReplicaSet old = set("old", oldSize, 10, available, null);

    int n =
        new DeploymentSync(cluster, d, NOW)
            .scaleDownOldReplicaSetsForRollingUpdate(
                new ArrayList<>(List.of(old)), new ArrayList<>(List.of(old)));

    assertThat(n).isEqualTo(want >= 0 ? oldSize - want : 0);
    assertThat(cluster.size("old")).isEqualTo(want >= 0 ? want : oldSize);
  }

  static Stream<Arguments> cleanupCases() {
    // limit, sets as (spec, status), deletions expected
    return Stream.of(
        Arguments.of(1, List.of(List.of(0, 0), List.of(0, 0), List.of(0, 0)), 2),
        Arguments.of(0, List.of(List.of(0, 0), List.of(0, 1), List.of(1, 0), List.of(1, 1)), 1),
        Arguments.of(0, List.of(List.of(0, 0), List.of(0, 0)), 2),
        Arguments.of(0, List.of(List.of(1, 1), List.of(1, 1)), 0),
        Arguments.of(Integer.MAX_VALUE, List.of(List.of(0, 0), List.of(0, 0)), 0));
  }

  @ParameterizedTest(name = "cleanupDeployment limit={0} sets={1} → {2} deleted")
  @MethodSource("cleanupCases")
  void cleanupDeployment(int limit, List<List<Integer>> sets, int deletions) {
    Deployment d = deployment(1, 0, 0);
    d.getSpec().setRevisionHistoryLimit(limit);
    List<ReplicaSet> old = new ArrayList<>();
    for (int i = 0; i < sets.size(); i++) {
      ReplicaSet rs = set("rs" + i, sets.get(i).get(0), i, 0, null);
      rs.getStatus().setReplicas(sets.get(i).get(1));
      old.add(rs);
    }

    new DeploymentSync(cluster, d, NOW).cleanupDeployment(old);

    assertThat(cluster.actions.stream().filter(a -> a.startsWith("delete"))).hasSize(deletions);
  }

  @Test
  void cleanupDeletesTheLowestRevisionFirst() {
    Deployment d = deployment(1, 0, 0);
    d.getSpec().setRevisionHistoryLimit(1);
    ReplicaSet a = set("a", 0, 1, 0, null);
    a.getMetadata().setAnnotations(Map.of(DeploymentUtil.REVISION, "3"));
    ReplicaSet b = set("b", 0, 2, 0, null);
    b.getMetadata().setAnnotations(Map.of(DeploymentUtil.REVISION, "1"));
    ReplicaSet c = set("c", 0, 3, 0, null);

    new DeploymentSync(cluster, d, NOW).cleanupDeployment(List.of(a, b, c));

    assertThat(cluster.actions).containsExactly("delete c", "delete b");
  }

  // ---- whole passes ----

  /** What the ReplicaSet controller would report once {@code n} pods are available. */
  private static void running(ReplicaSet rs, int n) {
    rs.setStatus(new ReplicaSetStatus());
    rs.getStatus().setReplicas(n);
    rs.getStatus().setReadyReplicas(n);
    rs.getStatus().setAvailableReplicas(n);
    rs.getStatus().setObservedGeneration(1L);
  }

  private Deployment fresh(int replicas) {
    Deployment d = deployment(replicas, 1, 0);
    d.getSpec().setProgressDeadlineSeconds(600);
    d.getSpec().setRevisionHistoryLimit(10);
    return d;
  }

  @Test
  void theFirstPassCreatesRevisionOneScaledToTheSurgeBudget() {
    Deployment d = fresh(3);

    DeploymentSync.sync(cluster, d, List.of(), Map.of(), NOW);

    ReplicaSet rs = cluster.all().getFirst();
    String hash = DeploymentUtil.computeHash(d.getSpec().getTemplate(), null);
    assertThat(rs.getMetadata().getName()).isEqualTo("d-" + hash);
    assertThat(rs.getSpec().getReplicas()).isEqualTo(3);
    assertThat(rs.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("pod-template-hash", hash);
    assertThat(rs.getSpec().getSelector().getMatchLabels())
        .containsEntry("pod-template-hash", hash);
    assertThat(rs.getMetadata().getAnnotations())
        .containsEntry(DeploymentUtil.REVISION, "1")
        .containsEntry(DeploymentUtil.DESIRED_REPLICAS, "3")
        .containsEntry(DeploymentUtil.MAX_REPLICAS, "4");
    assertThat(rs.getMetadata().getOwnerReferences().getFirst().getUid())
        .isEqualTo("deployment-uid");
    assertThat(cluster.events)
        .contains("Normal ScalingReplicaSet Scaled up replica set d-" + hash + " to 3");
    assertThat(cluster.lastStatus.getMetadata().getAnnotations())
        .containsEntry(DeploymentUtil.REVISION, "1");
    assertThat(DeploymentUtil.condition(cluster.lastStatus.getStatus(), "Progressing").getReason())
        .isIn("NewReplicaSetCreated", "ReplicaSetUpdated");
  }

  @Test
  void aTemplateChangeStartsARollingUpdateWithinTheSurge() {
    Deployment d = fresh(3);
    DeploymentSync.sync(cluster, d, List.of(), Map.of(), NOW);
    ReplicaSet first = cluster.all().getFirst();
    running(first, 3);

    Deployment changed = fresh(3);
    changed.getSpec().setTemplate(DeploymentUtilTest.template("nginx:2"));
    changed.getMetadata().setAnnotations(Map.of(DeploymentUtil.REVISION, "1"));
    DeploymentSync.sync(cluster, changed, cluster.all(), Map.of(), NOW);

    ReplicaSet second =
        cluster.all().stream()
            .filter(
                r -> r != first && !r.getMetadata().getName().equals(first.getMetadata().getName()))
            .findFirst()
            .orElseThrow();
    assertThat(second.getMetadata().getAnnotations()).containsEntry(DeploymentUtil.REVISION, "2");
    // maxSurge 1, maxUnavailable 0: one new pod first, the old set untouched.
    assertThat(second.getSpec().getReplicas()).isEqualTo(1);
    assertThat(cluster.size(first.getMetadata().getName())).isEqualTo(3);
  }

  @Test
  void goingBackToAnOldTemplateReusesItsSetUnderTheNextRevision() {
    Deployment d = fresh(1);
    ReplicaSet a = set("d-a", 0, 1, 0, null);
    a.getSpec().setTemplate(DeploymentUtilTest.template("nginx"));
    a.getMetadata().setAnnotations(Map.of(DeploymentUtil.REVISION, "1"));
    a.getMetadata().setOwnerReferences(List.of(DeploymentSync.controllerRef(d)));
    ReplicaSet b = set("d-b", 1, 2, 1, null);
    b.getSpec().setTemplate(DeploymentUtilTest.template("nginx:2"));
    b.getMetadata().setAnnotations(Map.of(DeploymentUtil.REVISION, "2"));

    DeploymentSync.sync(cluster, d, cluster.all(), Map.of(), NOW);

    assertThat(cluster.sets.get("d-a").getMetadata().getAnnotations())
        .containsEntry(DeploymentUtil.REVISION, "3")
        .containsEntry(DeploymentUtil.REVISION_HISTORY, "1");
  }

  @Test
  void aPausedDeploymentCreatesNoNewSet() {
    Deployment d = fresh(2);
    d.getSpec().setPaused(true);

    DeploymentSync.sync(cluster, d, List.of(), Map.of(), NOW);

    assertThat(cluster.sets).isEmpty();
    assertThat(DeploymentUtil.condition(cluster.lastStatus.getStatus(), "Progressing").getReason())
        .isEqualTo("DeploymentPaused");
  }

  @Test
  void aCompleteRolloutSaysTheNewSetHasSuccessfullyProgressed() {
    Deployment d = fresh(2);
    DeploymentSync.sync(cluster, d, List.of(), Map.of(), NOW);
    d = cluster.lastStatus;
    ReplicaSet rs = cluster.all().getFirst();
    running(rs, 2);

    DeploymentSync.sync(cluster, d, cluster.all(), Map.of(), NOW.plusSeconds(5));

    var progressing = DeploymentUtil.condition(cluster.lastStatus.getStatus(), "Progressing");
    assertThat(progressing.getReason()).isEqualTo("NewReplicaSetAvailable");
    assertThat(progressing.getMessage())
        .isEqualTo(
            "ReplicaSet \"" + rs.getMetadata().getName() + "\" has successfully progressed.");
    assertThat(cluster.lastStatus.getStatus().getAvailableReplicas()).isEqualTo(2);
    assertThat(DeploymentUtil.condition(cluster.lastStatus.getStatus(), "Available").getStatus())
        .isEqualTo("True");
  }

  @Test
  void aStalledRolloutTimesOutAfterTheDeadline() {
    Deployment d = fresh(2);
    d.getSpec().setProgressDeadlineSeconds(10);
    DeploymentSync.sync(cluster, d, List.of(), Map.of(), NOW);
    d = cluster.lastStatus;

    java.time.Duration requeue =
        DeploymentSync.sync(cluster, d, cluster.all(), Map.of(), NOW.plusSeconds(5));
    assertThat(requeue).isEqualTo(java.time.Duration.ofSeconds(6));

    DeploymentSync.sync(cluster, d, cluster.all(), Map.of(), NOW.plusSeconds(11));
    var progressing = DeploymentUtil.condition(cluster.lastStatus.getStatus(), "Progressing");
    assertThat(progressing.getStatus()).isEqualTo("False");
    assertThat(progressing.getReason()).isEqualTo("ProgressDeadlineExceeded");
  }
}
