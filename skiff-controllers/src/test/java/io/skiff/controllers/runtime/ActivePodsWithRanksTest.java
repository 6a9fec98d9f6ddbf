package io.skiff.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Upstream's TestSortingActivePodsWithRanks (PodDeletionCost and LogarithmicScaleDown on), with the
 * same pods, ranks and expectations. The one upstream case that turns PodDeletionCost off is left
 * out: the feature is always on here, as it is by default upstream.
 */
class ActivePodsWithRanksTest {

  static final Instant NOW = Instant.parse("2024-05-17T12:00:00Z");
  static final Instant THEN_1_MONTH = NOW.atZone(ZoneOffset.UTC).minusMonths(1).toInstant();
  static final Instant THEN_2_HOURS = NOW.minus(2, ChronoUnit.HOURS);
  static final Instant THEN_5_HOURS = NOW.minus(5, ChronoUnit.HOURS);
  static final Instant THEN_8_HOURS = NOW.minus(8, ChronoUnit.HOURS);

  static Pod pod(
      String name,
      String node,
      String phase,
      boolean ready,
      int restarts,
      Instant readySince,
      Instant created,
      Map<String, String> annotations) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withCreationTimestamp(created == null ? null : Times.format(created))
            .withAnnotations(annotations)
            .endMetadata()
            .withNewSpec()
            .withNodeName(node.isEmpty() ? null : node)
            .endSpec()
            .withNewStatus()
            .withPhase(phase)
            .endStatus();
    if (ready) {
      b.editStatus()
          .withConditions(
              new PodConditionBuilder()
                  .withType("Ready")
                  .withStatus("True")
                  .withLastTransitionTime(readySince == null ? null : Times.format(readySince))
                  .build())
          .withContainerStatuses(new ContainerStatusBuilder().withRestartCount(restarts).build())
          .endStatus();
    }
    return b.build();
  }

  static final Pod UNSCHEDULED = pod("unscheduled", "", "Pending", false, 0, null, null, null);
  static final Pod SCHEDULED_PENDING =
      pod("pending", "node", "Pending", false, 0, null, null, null);
  static final Pod UNKNOWN_PHASE =
      pod("unknown-phase", "node", "Unknown", false, 0, null, null, null);
  static final Pod RUNNING_NOT_READY =
      pod("not-ready", "node", "Running", false, 0, null, null, null);
  static final Pod READY_NO_TRANSITION_TIME =
      pod("ready-no-last-transition-time", "node", "Running", true, 0, null, null, null);
  static final Pod READY_NOW = pod("ready-now", "node", "Running", true, 0, NOW, NOW, null);
  static final Pod READY_THEN =
      pod("ready-then", "node", "Running", true, 0, THEN_1_MONTH, THEN_1_MONTH, null);
  static final Pod READY_NOW_HIGH_RESTARTS =
      pod("ready-high-restarts", "node", "Running", true, 9001, NOW, NOW, null);
  static final Pod READY_NOW_CREATED_THEN =
      pod("ready-now-created-then", "node", "Running", true, 0, NOW, THEN_1_MONTH, null);
  static final Pod LOW_DELETION_COST =
      pod(
          "low-deletion-cost",
          "node",
          "Running",
          true,
          0,
          NOW,
          THEN_1_MONTH,
          Map.of(PodUtil.POD_DELETION_COST, "10"));
  static final Pod HIGH_DELETION_COST =
      pod(
          "high-deletion-cost",
          "node",
          "Running",
          true,
          0,
          NOW,
          THEN_1_MONTH,
          Map.of(PodUtil.POD_DELETION_COST, "100"));
  static final Pod UNSCHEDULED_5_HOURS =
      pod("unscheduled-5-hours", "", "Pending", false, 0, THEN_5_HOURS, THEN_5_HOURS, null);
  static final Pod UNSCHEDULED_8_HOURS =
      pod("unscheduled-10-hours", "", "Pending", false, 0, THEN_8_HOURS, THEN_8_HOURS, null);
  static final Pod READY_2_HOURS =
      pod("ready-2-hours", "", "Running", true, 0, THEN_2_HOURS, THEN_1_MONTH, null);
  static final Pod READY_5_HOURS =
      pod("ready-5-hours", "", "Running", true, 0, THEN_5_HOURS, THEN_1_MONTH, null);
  static final Pod READY_10_HOURS =
      pod("ready-10-hours", "", "Running", true, 0, THEN_8_HOURS, THEN_1_MONTH, null);

  static Stream<Arguments> equal() {
    return Stream.of(
        Arguments.of(UNSCHEDULED, UNSCHEDULED),
        Arguments.of(SCHEDULED_PENDING, SCHEDULED_PENDING),
        Arguments.of(UNKNOWN_PHASE, UNKNOWN_PHASE),
        Arguments.of(RUNNING_NOT_READY, RUNNING_NOT_READY),
        Arguments.of(READY_NOW_CREATED_THEN, READY_NOW_CREATED_THEN),
        Arguments.of(READY_NOW, READY_NOW),
        Arguments.of(READY_THEN, READY_THEN),
        Arguments.of(READY_NOW_HIGH_RESTARTS, READY_NOW_HIGH_RESTARTS),
        Arguments.of(UNSCHEDULED_5_HOURS, UNSCHEDULED_8_HOURS),
        Arguments.of(READY_5_HOURS, READY_10_HOURS));
  }

  @ParameterizedTest(name = "{index}: {0} ~ {1}")
  @MethodSource("equal")
  void equivalentPods(Pod p1, Pod p2) {
    var a = new ActivePodsWithRanks.Ranked(p1, 1);
    var b = new ActivePodsWithRanks.Ranked(p2, 1);
    assertThat(ActivePodsWithRanks.less(a, b, NOW)).isFalse();
    assertThat(ActivePodsWithRanks.less(b, a, NOW)).isFalse();
  }

  static Stream<Arguments> ordered() {
    return Stream.of(
        Arguments.of(UNSCHEDULED, 1, SCHEDULED_PENDING, 2),
        Arguments.of(UNSCHEDULED, 2, SCHEDULED_PENDING, 1),
        Arguments.of(SCHEDULED_PENDING, 1, UNKNOWN_PHASE, 2),
        Arguments.of(UNKNOWN_PHASE, 1, RUNNING_NOT_READY, 2),
        Arguments.of(RUNNING_NOT_READY, 1, READY_NO_TRANSITION_TIME, 1),
        Arguments.of(READY_NO_TRANSITION_TIME, 1, READY_NOW, 1),
        Arguments.of(READY_NOW, 2, READY_NO_TRANSITION_TIME, 1),
        Arguments.of(READY_NOW, 1, READY_THEN, 1),
        Arguments.of(READY_NOW, 2, READY_THEN, 1),
        Arguments.of(READY_NOW_HIGH_RESTARTS, 1, READY_NOW, 1),
        Arguments.of(READY_NOW, 2, READY_NOW_HIGH_RESTARTS, 1),
        Arguments.of(READY_NOW, 1, READY_NOW_CREATED_THEN, 1),
        Arguments.of(READY_NOW_CREATED_THEN, 2, READY_NOW, 1),
        Arguments.of(LOW_DELETION_COST, 2, HIGH_DELETION_COST, 1),
        Arguments.of(READY_2_HOURS, 1, READY_5_HOURS, 1));
  }

  @ParameterizedTest(name = "{index}: {0} (rank {1}) before {2} (rank {3})")
  @MethodSource("ordered")
  void lesserGoesFirst(Pod lesser, int lesserRank, Pod greater, int greaterRank) {
    var a = new ActivePodsWithRanks.Ranked(lesser, lesserRank);
    var b = new ActivePodsWithRanks.Ranked(greater, greaterRank);
    assertThat(ActivePodsWithRanks.less(a, b, NOW)).isTrue();
    assertThat(ActivePodsWithRanks.less(b, a, NOW)).isFalse();
  }

  @Test
  void podsInTheSameAgeBucketAreOrderedByUid() {
    Pod older = new PodBuilder(READY_5_HOURS).editMetadata().withUid("b").endMetadata().build();
    Pod newer = new PodBuilder(READY_10_HOURS).editMetadata().withUid("a").endMetadata().build();
    List<Pod> sorted = ActivePodsWithRanks.sort(List.of(older, newer), List.of(0, 0), NOW);
    assertThat(sorted).extracting(p -> p.getMetadata().getUid()).containsExactly("a", "b");
  }

  @Test
  void sortPutsTheFirstToDeleteFirst() {
    List<Pod> pods = List.of(READY_THEN, READY_NOW, RUNNING_NOT_READY, UNSCHEDULED, UNKNOWN_PHASE);
    List<Pod> sorted = ActivePodsWithRanks.sort(pods, List.of(0, 0, 0, 0, 0), NOW);
    assertThat(sorted)
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("unscheduled", "unknown-phase", "not-ready", "ready-now", "ready-then");
  }
}
