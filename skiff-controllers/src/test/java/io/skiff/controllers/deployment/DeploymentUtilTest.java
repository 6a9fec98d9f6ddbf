package io.skiff.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Upstream's deployment_util_test.go tables (reference A.11), same inputs, same answers. */
class DeploymentUtilTest {

  static IntOrString ios(String s) {
    if (s == null || s.equals("nil")) {
      return null;
    }
    if (s.endsWith("%") || !s.chars().allMatch(Character::isDigit)) {
      return new IntOrString(s);
    }
    return new IntOrString(Integer.parseInt(s));
  }

  static Deployment rolling(int replicas, String maxSurge, String maxUnavailable) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("d")
        .withNamespace("default")
        .withGeneration(1L)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxSurge(ios(maxSurge))
        .withMaxUnavailable(ios(maxUnavailable))
        .endRollingUpdate()
        .endStrategy()
        .withTemplate(template("nginx"))
        .endSpec()
        .build();
  }

  static Deployment recreate(int replicas) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("d")
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewStrategy()
        .withType("Recreate")
        .endStrategy()
        .withTemplate(template("nginx"))
        .endSpec()
        .build();
  }

  static PodTemplateSpec template(String image) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(Map.of("app", "web"))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withImage(image)
        .endContainer()
        .endSpec()
        .build();
  }

  static ReplicaSet rs(String name, int replicas) {
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withName(name)
        .withUid(name + "-uid")
        .withCreationTimestamp("2024-01-01T00:00:00Z")
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withTemplate(template("nginx"))
        .endSpec()
        .build();
  }

  @ParameterizedTest(name = "ResolveFenceposts({0}, {1}, {2}) = ({3}, {4})")
  @CsvSource({
    "0%, 0%, 0, 0, 1",
    "39%, 39%, 10, 4, 3",
    "nil, 39%, 10, 0, 3",
    "39%, nil, 10, 4, 0",
    "nil, nil, 10, 0, 1",
  })
  void resolveFenceposts(String surge, String unavailable, int desired, int s, int u) {
    DeploymentUtil.Fenceposts f =
        DeploymentUtil.resolveFenceposts(ios(surge), ios(unavailable), desired);
    assertThat(f).isEqualTo(new DeploymentUtil.Fenceposts(s, u));
  }

  @ParameterizedTest(name = "ResolveFenceposts({0}, {1}) is an error")
  @CsvSource({"oops, 39%", "55%, urg"})
  void resolveFencepostsRefusesNonPercentStrings(String surge, String unavailable) {
    assertThatThrownBy(() -> DeploymentUtil.resolveFenceposts(ios(surge), ios(unavailable), 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid type: string is not a percentage");
  }

  @ParameterizedTest(name = "NewRSNewReplicas {0} replicas={1} newRS={2} surge={3} → {4}")
  @CsvSource({
    "RollingUpdate, 1, 5, 1, 5",
    "RollingUpdate, 6, 2, 10, 6",
    "Recreate, 3, 1, 0, 3",
  })
  void newRSNewReplicas(String strategy, int replicas, int newRS, int surge, int expected) {
    Deployment d =
        strategy.equals("Recreate")
            ? recreate(replicas)
            : rolling(replicas, String.valueOf(surge), "1");
    ReplicaSet newSet = rs("new", newRS);
    ReplicaSet other = rs("other", 5);

    assertThat(DeploymentUtil.newRSNewReplicas(d, List.of(newSet, other), newSet))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "MaxUnavailable(replicas={0}, maxUnavailable={1}) = {2}")
  @CsvSource({
    "10, 5, 5",
    "10, 10, 10",
    "5, 10, 5",
    "0, 10, 0",
    "10, 50%, 5",
    "10, 100%, 10",
    "5, 100%, 5",
  })
  void maxUnavailable(int replicas, String maxUnavailable, int expected) {
    assertThat(DeploymentUtil.maxUnavailable(rolling(replicas, "1", maxUnavailable)))
        .isEqualTo(expected);
  }

  @Test
  void recreateHasNoUnavailabilityBudget() {
    assertThat(DeploymentUtil.maxUnavailable(recreate(10))).isZero();
    assertThat(DeploymentUtil.maxSurge(recreate(10))).isZero();
  }

  @ParameterizedTest(name = "DeploymentComplete({0},{1},{2},{3},{4},{5}) = {6}")
  @CsvSource({
    "5, 5, 5, 4, 1, 0, false",
    "5, 5, 5, 3, 1, 0, false",
    "5, 5, 5, 5, 0, 0, true",
    "5, 5, 4, 5, 0, 0, false",
    "1, 2, 1, 1, 0, 1, false",
    "1, 1, 1, 0, 1, 1, false",
  })
  void deploymentComplete(
      int desired,
      int current,
      int updated,
      int available,
      int maxUnavailable,
      int maxSurge,
      boolean expected) {
    Deployment d = rolling(desired, String.valueOf(maxSurge), String.valueOf(maxUnavailable));
    DeploymentStatus s =
        new DeploymentStatusBuilder()
            .withReplicas(current)
            .withUpdatedReplicas(updated)
            .withAvailableReplicas(available)
            .withObservedGeneration(1L)
            .build();

    assertThat(DeploymentUtil.deploymentComplete(d, s)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "DeploymentProgressing {0}/{1}/{2}/{3} → {4}/{5}/{6}/{7} = {8}")
  @CsvSource({
    "10, 4, 4, 4, 10, 6, 4, 4, true",
    "10, 4, 4, 4, 10, 4, 4, 4, false",
    "10, 4, 6, 6, 8, 4, 6, 6, true",
    "10, 7, 3, 3, 10, 6, 3, 3, false",
    "10, 4, 7, 7, 8, 8, 5, 5, true",
    "10, 10, 9, 8, 10, 10, 10, 8, true",
    "10, 10, 10, 9, 10, 10, 10, 10, true",
  })
  void deploymentProgressing(
      int oldCurrent,
      int oldUpdated,
      int oldReady,
      int oldAvailable,
      int current,
      int updated,
      int ready,
      int available,
      boolean expected) {
    Deployment d = rolling(10, "1", "1");
    d.setStatus(status(oldCurrent, oldUpdated, oldReady, oldAvailable));

    assertThat(DeploymentUtil.deploymentProgressing(d, status(current, updated, ready, available)))
        .isEqualTo(expected);
  }

  private static DeploymentStatus status(int current, int updated, int ready, int available) {
    return new DeploymentStatusBuilder()
        .withReplicas(current)
        .withUpdatedReplicas(updated)
        .withReadyReplicas(ready)
        .withAvailableReplicas(available)
        .build();
  }

  @ParameterizedTest(name = "DeploymentTimedOut deadline={0} lastUpdate={1} reason={2} = {3}")
  @CsvSource({
    "nil, 00:01:09, ReplicaSetUpdated, false",
    "max, 00:01:09, ReplicaSetUpdated, false",
    "10, 00:01:09, ReplicaSetUpdated, true",
    "10, 00:01:11, ReplicaSetUpdated, false",
    "10, 00:01:09, NewReplicaSetAvailable, false",
  })
  void deploymentTimedOut(String deadline, String lastUpdate, String reason, boolean expected) {
    Deployment d = rolling(1, "1", "1");
    d.getSpec()
        .setProgressDeadlineSeconds(
            switch (deadline) {
              case "nil" -> null;
              case "max" -> Integer.MAX_VALUE;
              default -> Integer.parseInt(deadline);
            });
    DeploymentStatus s = new DeploymentStatus();
    DeploymentCondition c =
        DeploymentUtil.newCondition(
            "Progressing", "True", reason, "", Instant.parse("2024-01-01T" + lastUpdate + "Z"));
    DeploymentUtil.setCondition(s, c);

    assertThat(DeploymentUtil.deploymentTimedOut(d, s, Instant.parse("2024-01-01T00:01:20Z")))
        .isEqualTo(expected);
  }

  @Test
  void revisionHistoryKeepsWhatFitsTheLimit() {
    Deployment d = rolling(1, "1", "1");
    ReplicaSet set = rs("a", 1);
    set.getMetadata().setAnnotations(Map.of(DeploymentUtil.REVISION, "10"));
    for (int i = 11; i <= 20; i++) {
      DeploymentUtil.setNewReplicaSetAnnotations(d, set, String.valueOf(i), true, 5);
      assertThat(set.getMetadata().getAnnotations().get(DeploymentUtil.REVISION))
          .isEqualTo(String.valueOf(i));
      if (i > 11) {
        assertThat(set.getMetadata().getAnnotations().get(DeploymentUtil.REVISION_HISTORY))
            .isEqualTo((i - 2) + "," + (i - 1));
      }
    }
  }

  @Test
  void newReplicaSetAnnotationsCopyTheDeploymentsButNotItsBookkeeping() {
    Deployment d = rolling(3, "1", "1");
    d.getMetadata()
        .setAnnotations(
            Map.of(
                "kubernetes.io/change-cause",
                "kubectl set image",
                DeploymentUtil.LAST_APPLIED,
                "{}",
                DeploymentUtil.REVISION,
                "7"));
    ReplicaSet set = rs("a", 0);

    assertThat(DeploymentUtil.setNewReplicaSetAnnotations(d, set, "1", false, 2000)).isTrue();

    assertThat(set.getMetadata().getAnnotations())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "kubernetes.io/change-cause",
                "kubectl set image",
                DeploymentUtil.REVISION,
                "1",
                DeploymentUtil.DESIRED_REPLICAS,
                "3",
                DeploymentUtil.MAX_REPLICAS,
                "4"));
    assertThat(DeploymentUtil.setNewReplicaSetAnnotations(d, set, "1", true, 2000)).isFalse();
  }

  @Test
  void aReusedTemplateMovesToTheNextRevisionAndRemembersItsOld() {
    Deployment d = rolling(3, "1", "1");
    ReplicaSet set = rs("a", 0);
    set.getMetadata().setAnnotations(Map.of(DeploymentUtil.REVISION, "1"));

    DeploymentUtil.setNewReplicaSetAnnotations(d, set, "3", true, 2000);

    assertThat(set.getMetadata().getAnnotations())
        .containsEntry(DeploymentUtil.REVISION, "3")
        .containsEntry(DeploymentUtil.REVISION_HISTORY, "1");
  }

  @Test
  void setReplicasAnnotations() {
    ReplicaSet set = rs("a", 1);
    assertThat(DeploymentUtil.setReplicasAnnotations(set, 10, 11)).isTrue();
    assertThat(set.getMetadata().getAnnotations())
        .containsEntry(DeploymentUtil.DESIRED_REPLICAS, "10")
        .containsEntry(DeploymentUtil.MAX_REPLICAS, "11");
    assertThat(DeploymentUtil.setReplicasAnnotations(set, 10, 11)).isFalse();
  }

  @Test
  void isSaturated() {
    Deployment d = rolling(1, "1", "1");
    ReplicaSet set = rs("a", 1);
    set.getMetadata().setAnnotations(Map.of(DeploymentUtil.DESIRED_REPLICAS, "1"));
    set.setStatus(new io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus());
    set.getStatus().setAvailableReplicas(1);

    assertThat(DeploymentUtil.isSaturated(d, set)).isTrue();
    set.getStatus().setAvailableReplicas(0);
    assertThat(DeploymentUtil.isSaturated(d, set)).isFalse();
  }

  @Test
  void templateHashIsStableAndMovesWithTheTemplateAndCollisionCount() {
    String a = DeploymentUtil.computeHash(template("nginx:1.23"), null);
    assertThat(a).isEqualTo(DeploymentUtil.computeHash(template("nginx:1.23"), null));
    assertThat(a).matches("[bcdfghjklmnpqrstvwxz2456789]{1,10}");
    // Upstream's safe encoding maps decimal digits only onto these ten characters.
    assertThat(a).matches("[456789bcdf]+");
    assertThat(DeploymentUtil.computeHash(template("nginx:1.24"), null)).isNotEqualTo(a);
    assertThat(DeploymentUtil.computeHash(template("nginx:1.23"), 1)).isNotEqualTo(a);
  }

  @Test
  void templatesCompareIgnoringTheHashLabelAndEmptiness() {
    PodTemplateSpec plain = template("nginx");
    PodTemplateSpec hashed = template("nginx");
    hashed.getMetadata().setLabels(Map.of("app", "web", "pod-template-hash", "abc"));
    hashed.getMetadata().setAnnotations(Map.of());

    assertThat(DeploymentUtil.equalIgnoreHash(plain, hashed)).isTrue();
    assertThat(DeploymentUtil.equalIgnoreHash(plain, template("nginx:2"))).isFalse();
  }

  @Test
  void lastRevisionIsTheSecondHighest() {
    ReplicaSet a = rs("a", 0);
    a.getMetadata().setAnnotations(Map.of(DeploymentUtil.REVISION, "2"));
    ReplicaSet b = rs("b", 0);
    b.getMetadata().setAnnotations(Map.of(DeploymentUtil.REVISION, "5"));
    ReplicaSet c = rs("c", 0);
    c.getMetadata().setAnnotations(Map.of(DeploymentUtil.REVISION, "3"));

    assertThat(DeploymentUtil.maxRevision(List.of(a, b, c))).isEqualTo(5);
    assertThat(DeploymentUtil.lastRevision(List.of(a, b, c))).isEqualTo(3);
  }
}
