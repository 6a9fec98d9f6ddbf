package io.skiff.controllers.replicaset;

import static io.skiff.controllers.replicaset.Fixtures.newPod;
import static io.skiff.controllers.replicaset.Fixtures.newReplicaSet;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Upstream's TestCalculateStatus, TestCalculateStatusConditions and TestGetPodsToDelete. */
class ReplicaSetUtilTest {

  static final Instant NOW = Instant.parse("2024-01-01T01:00:00Z");
  static final Map<String, String> LABELS = Map.of("name", "foo");
  static final Map<String, String> FULL_LABELS = Map.of("name", "foo", "type", "production");

  static final ReplicaSet NOT_FULLY_LABELLED = newReplicaSet(1, LABELS);
  static final ReplicaSet FULLY_LABELLED = newReplicaSet(2, FULL_LABELS);
  static final ReplicaSet LONG_MIN_READY =
      new ReplicaSetBuilder(newReplicaSet(1, FULL_LABELS))
          .editSpec()
          .withMinReadySeconds(3600)
          .endSpec()
          .build();

  /** Case name, ReplicaSet, pods, then replicas, fullyLabeled, ready, available. */
  static Stream<Arguments> statuses() {
    return Stream.of(
        Arguments.of(
            "1 fully labelled pod",
            FULLY_LABELLED,
            List.of(newPod("pod1", FULLY_LABELLED, "Running", null, true)),
            1,
            1,
            1,
            1),
        Arguments.of(
            "1 not fully labelled pod",
            NOT_FULLY_LABELLED,
            List.of(newPod("pod1", NOT_FULLY_LABELLED, "Running", null, true)),
            1,
            0,
            1,
            1),
        Arguments.of(
            "2 fully labelled pods",
            FULLY_LABELLED,
            List.of(
                newPod("pod1", FULLY_LABELLED, "Running", null, true),
                newPod("pod2", FULLY_LABELLED, "Running", null, true)),
            2,
            2,
            2,
            2),
        Arguments.of(
            "2 not fully labelled pods",
            NOT_FULLY_LABELLED,
            List.of(
                newPod("pod1", NOT_FULLY_LABELLED, "Running", null, true),
                newPod("pod2", NOT_FULLY_LABELLED, "Running", null, true)),
            2,
            0,
            2,
            2),
        Arguments.of(
            "1 fully labelled pod, 1 not fully labelled pod",
            NOT_FULLY_LABELLED,
            List.of(
                newPod("pod1", NOT_FULLY_LABELLED, "Running", null, true),
                newPod("pod2", FULLY_LABELLED, "Running", null, true)),
            2,
            1,
            2,
            2),
        Arguments.of(
            "1 non-ready pod",
            FULLY_LABELLED,
            List.of(newPod("pod1", FULLY_LABELLED, "Pending", null, true)),
            1,
            1,
            0,
            0),
        Arguments.of(
            "1 ready but non-available pod",
            LONG_MIN_READY,
            List.of(newPod("pod1", LONG_MIN_READY, "Running", null, true)),
            1,
            1,
            1,
            0),
        Arguments.of(
            "ready for exactly minReadySeconds is not yet available",
            LONG_MIN_READY,
            List.of(newPod("pod1", LONG_MIN_READY, "Running", "2024-01-01T00:00:00Z", true)),
            1,
            1,
            1,
            0),
        Arguments.of(
            "ready for a second more than minReadySeconds is available",
            LONG_MIN_READY,
            List.of(newPod("pod1", LONG_MIN_READY, "Running", "2023-12-31T23:59:59Z", true)),
            1,
            1,
            1,
            1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("statuses")
  void calculateStatus(
      String name,
      ReplicaSet rs,
      List<Pod> pods,
      int replicas,
      int fullyLabeled,
      int ready,
      int available) {
    ReplicaSetStatus s = ReplicaSetUtil.calculateStatus(rs, pods, null, NOW);
    assertThat(s.getReplicas()).isEqualTo(replicas);
    assertThat(ReplicaSetUtil.value(s.getFullyLabeledReplicas())).isEqualTo(fullyLabeled);
    assertThat(ReplicaSetUtil.value(s.getReadyReplicas())).isEqualTo(ready);
    assertThat(ReplicaSetUtil.value(s.getAvailableReplicas())).isEqualTo(available);
    assertThat(s.getConditions()).isNullOrEmpty();
  }

  @Test
  void aSelectorThatRequiresEveryTemplateLabelMakesEveryClaimedPodFullyLabelled() {
    // FULLY_LABELLED's selector is its template's labels; NOT_FULLY_LABELLED's lacks one.
    assertThat(
            ReplicaSetUtil.selectorRequiresAll(
                FULLY_LABELLED.getSpec().getSelector(),
                FULLY_LABELLED.getSpec().getTemplate().getMetadata().getLabels()))
        .isTrue();
    assertThat(
            ReplicaSetUtil.selectorRequiresAll(
                NOT_FULLY_LABELLED.getSpec().getSelector(),
                NOT_FULLY_LABELLED.getSpec().getTemplate().getMetadata().getLabels()))
        .isFalse();
    assertThat(ReplicaSetUtil.selectorRequiresAll(null, Map.of())).isTrue();
    assertThat(ReplicaSetUtil.selectorRequiresAll(null, Map.of("a", "b"))).isFalse();
  }

  @Test
  void zeroCountsAreLeftOutAsUpstreamOmitsThem() {
    ReplicaSetStatus s = ReplicaSetUtil.calculateStatus(FULLY_LABELLED, List.of(), null, NOW);
    assertThat(s.getReplicas()).isZero();
    assertThat(s.getFullyLabeledReplicas()).isNull();
    assertThat(s.getReadyReplicas()).isNull();
    assertThat(s.getAvailableReplicas()).isNull();
  }

  static ReplicaSet withFailure(ReplicaSet rs) {
    ReplicaSetCondition c = new ReplicaSetCondition();
    c.setType("ReplicaFailure");
    c.setStatus("True");
    return new ReplicaSetBuilder(rs)
        .withNewStatus()
        .withConditions(new ArrayList<>(List.of(c)))
        .endStatus()
        .build();
  }

  /**
   * Case name, ReplicaSet, pod count, error, then the expected condition (reason, message) or none.
   */
  static Stream<Arguments> conditions() {
    ReplicaSet rs = newReplicaSet(2, LABELS);
    ReplicaSet failed = withFailure(newReplicaSet(10, LABELS));
    Exception err = new IllegalStateException("fake manageReplicasErr");
    return Stream.of(
        Arguments.of(
            "manageReplicasErr != nil && failureCond == nil, diff < 0",
            rs,
            1,
            err,
            "FailedCreate",
            "fake manageReplicasErr"),
        Arguments.of(
            "manageReplicasErr != nil && failureCond == nil, diff > 0",
            rs,
            3,
            err,
            "FailedDelete",
            "fake manageReplicasErr"),
        Arguments.of("manageReplicasErr == nil && failureCond != nil", failed, 1, null, null, null),
        Arguments.of("manageReplicasErr != nil && failureCond != nil", failed, 1, err, null, null),
        Arguments.of("manageReplicasErr == nil && failureCond == nil", rs, 1, null, null, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("conditions")
  void calculateStatusConditions(
      String name, ReplicaSet rs, int podCount, Exception err, String reason, String message) {
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < podCount; i++) {
      pods.add(newPod("pod" + i, rs, "Running", null, true));
    }
    ReplicaSetStatus s = ReplicaSetUtil.calculateStatus(rs, pods, err, NOW);
    boolean hadFailure = rs.getStatus() != null && rs.getStatus().getConditions() != null;
    if (reason != null) {
      assertThat(s.getConditions())
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.getType()).isEqualTo("ReplicaFailure");
                assertThat(c.getStatus()).isEqualTo("True");
                assertThat(c.getReason()).isEqualTo(reason);
                assertThat(c.getMessage()).isEqualTo(message);
                assertThat(c.getLastTransitionTime()).isEqualTo("2024-01-01T01:00:00Z");
              });
    } else if (err != null && hadFailure) {
      // The existing condition stays as it was.
      assertThat(s.getConditions())
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.getType()).isEqualTo("ReplicaFailure");
                assertThat(c.getReason()).isNull();
              });
    } else {
      assertThat(s.getConditions()).isNullOrEmpty();
    }
  }

  @Test
  void setConditionReplacesOnlyWhenStatusOrReasonDiffer() {
    ReplicaSetStatus s = new ReplicaSetStatus();
    ReplicaSetCondition pull =
        ReplicaSetUtil.newCondition("ImagePullBackOff", "True", "NonExistentImage", "", NOW);
    ReplicaSetCondition other =
        ReplicaSetUtil.newCondition("ReplicaFailure", "True", "OtherFailure", "", NOW);
    ReplicaSetCondition another =
        ReplicaSetUtil.newCondition("ReplicaFailure", "True", "AnotherFailure", "", NOW);
    ReplicaSetUtil.setCondition(s, pull);
    ReplicaSetUtil.setCondition(s, other);
    assertThat(s.getConditions()).containsExactly(pull, other);
    ReplicaSetUtil.setCondition(s, another);
    assertThat(s.getConditions()).containsExactly(pull, another);
    ReplicaSetCondition sameReasonLater =
        ReplicaSetUtil.newCondition(
            "ReplicaFailure", "True", "AnotherFailure", "later", NOW.plusSeconds(60));
    ReplicaSetUtil.setCondition(s, sameReasonLater);
    assertThat(s.getConditions()).containsExactly(pull, another);
    ReplicaSetUtil.removeCondition(s, "ReplicaFailure");
    assertThat(s.getConditions()).containsExactly(pull);
    ReplicaSetUtil.removeCondition(s, "ImagePullBackOff");
    assertThat(s.getConditions()).isNull();
  }

  // ---- getPodsToDelete ----

  static final ReplicaSet RS = newReplicaSet(1, LABELS);
  static final Pod UNSCHEDULED_PENDING =
      newPod("unscheduled-pending-pod", RS, "Pending", null, true);
  static final Pod SCHEDULED_PENDING =
      onNode(newPod("scheduled-pending-pod", RS, "Pending", null, true), "fake-node");
  static final Pod NOT_READY =
      ready(
          onNode(newPod("scheduled-running-not-ready-pod", RS, "Running", null, true), "fake-node"),
          "False");
  static final Pod READY_ON_NODE_1 =
      ready(
          onNode(
              newPod("scheduled-running-ready-pod-on-node-1", RS, "Running", null, true),
              "fake-node-1"),
          "True");
  static final Pod READY_ON_NODE_2 =
      ready(
          onNode(
              newPod("scheduled-running-ready-pod-on-node-2", RS, "Running", null, true),
              "fake-node-2"),
          "True");

  static Pod onNode(Pod p, String node) {
    return new PodBuilder(p).editSpec().withNodeName(node).endSpec().build();
  }

  static Pod ready(Pod p, String status) {
    return new PodBuilder(p)
        .editStatus()
        .withConditions()
        .addNewCondition()
        .withType("Ready")
        .withStatus(status)
        .endCondition()
        .endStatus()
        .build();
  }

  /** Case name, pods, related pods (null: the pods), diff, expected pods to delete. */
  static Stream<Arguments> podsToDelete() {
    List<Pod> various =
        List.of(
            READY_ON_NODE_1,
            READY_ON_NODE_1,
            READY_ON_NODE_2,
            NOT_READY,
            SCHEDULED_PENDING,
            UNSCHEDULED_PENDING);
    return Stream.of(
        Arguments.of("len(pods) = 0 (i.e., diff = 0 too)", List.of(), null, 0, List.of()),
        Arguments.of(
            "diff = len(pods)",
            List.of(NOT_READY, READY_ON_NODE_1),
            null,
            2,
            List.of(NOT_READY, READY_ON_NODE_1)),
        Arguments.of(
            "diff < len(pods)", List.of(READY_ON_NODE_1, NOT_READY), null, 1, List.of(NOT_READY)),
        Arguments.of(
            "various pod phases and conditions, diff = len(pods)", various, null, 6, various),
        Arguments.of(
            "various pod phases and conditions, diff = len(pods), relatedPods empty",
            various,
            List.of(),
            6,
            various),
        Arguments.of(
            "scheduled vs unscheduled, diff < len(pods)",
            List.of(SCHEDULED_PENDING, UNSCHEDULED_PENDING),
            null,
            1,
            List.of(UNSCHEDULED_PENDING)),
        Arguments.of(
            "ready vs not-ready, diff < len(pods)",
            List.of(READY_ON_NODE_1, NOT_READY, NOT_READY),
            null,
            2,
            List.of(NOT_READY, NOT_READY)),
        Arguments.of(
            "ready and colocated with another ready pod vs not colocated, diff < len(pods)",
            List.of(READY_ON_NODE_1, READY_ON_NODE_2),
            List.of(READY_ON_NODE_1, READY_ON_NODE_2, READY_ON_NODE_2),
            1,
            List.of(READY_ON_NODE_2)),
        Arguments.of(
            "pending vs running, diff < len(pods)",
            List.of(SCHEDULED_PENDING, NOT_READY),
            null,
            1,
            List.of(SCHEDULED_PENDING)),
        Arguments.of(
            "various pod phases and conditions, diff < len(pods)",
            List.of(
                READY_ON_NODE_1,
                READY_ON_NODE_2,
                NOT_READY,
                SCHEDULED_PENDING,
                UNSCHEDULED_PENDING),
            null,
            3,
            List.of(UNSCHEDULED_PENDING, SCHEDULED_PENDING, NOT_READY)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("podsToDelete")
  void getPodsToDelete(
      String name, List<Pod> pods, List<Pod> related, int diff, List<Pod> expected) {
    List<Pod> got = ReplicaSetUtil.podsToDelete(pods, related == null ? pods : related, diff, NOW);
    assertThat(got)
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyElementsOf(expected.stream().map(p -> p.getMetadata().getName()).toList());
  }

  @Test
  void statusWriteIsSkippedOnlyWhenCountsConditionsAndGenerationAgree() {
    ReplicaSet rs =
        new ReplicaSetBuilder(FULLY_LABELLED)
            .withNewStatus()
            .withReplicas(2)
            .withFullyLabeledReplicas(2)
            .withReadyReplicas(2)
            .withAvailableReplicas(2)
            .withObservedGeneration(1L)
            .endStatus()
            .build();
    List<Pod> pods =
        List.of(
            newPod("a", FULLY_LABELLED, "Running", null, true),
            newPod("b", FULLY_LABELLED, "Running", null, true));
    assertThat(
            ReplicaSetUtil.statusUnchanged(rs, ReplicaSetUtil.calculateStatus(rs, pods, null, NOW)))
        .isTrue();
    assertThat(
            ReplicaSetUtil.statusUnchanged(
                rs, ReplicaSetUtil.calculateStatus(rs, pods.subList(0, 1), null, NOW)))
        .isFalse();
    ReplicaSet newGeneration =
        new ReplicaSetBuilder(rs).editMetadata().withGeneration(2L).endMetadata().build();
    assertThat(
            ReplicaSetUtil.statusUnchanged(
                newGeneration, ReplicaSetUtil.calculateStatus(newGeneration, pods, null, NOW)))
        .isFalse();
    assertThat(
            ReplicaSetUtil.statusUnchanged(
                rs, ReplicaSetUtil.calculateStatus(rs, pods, new IllegalStateException("x"), NOW)))
        .isFalse();
  }
}
