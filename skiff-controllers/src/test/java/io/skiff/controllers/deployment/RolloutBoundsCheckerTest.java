package io.skiff.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.skiff.client.EventType;
import io.skiff.clock.ManualClock;
import io.skiff.controllers.deployment.RolloutBoundsChecker.Amount;
import io.skiff.controllers.deployment.RolloutBoundsChecker.Strategy;
import io.skiff.controllers.runtime.Times;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The checker of {@link RolloutBoundsPropertyIT} on hand-made sequences of pod and ReplicaSet
 * states: it must catch a state out of bounds, and let the states a correct rollout goes through
 * pass, so that the property test can fail.
 */
class RolloutBoundsCheckerTest {

  private final ManualClock clock = new ManualClock();
  private final List<ReplicaSet> sets = new ArrayList<>();
  private long revision;

  /** Three replicas, maxSurge 1, maxUnavailable 0: at most 4 live, at least 3 available. */
  private final RolloutBoundsChecker checker =
      new RolloutBoundsChecker(
          Strategy.rollingUpdate(Amount.of(1), Amount.of(0)), 3, 0, clock, rv -> List.copyOf(sets));

  @ParameterizedTest(name = "{0}/{1} of {2} replicas: surge {3}, unavailable {4}")
  @CsvSource({
    "25%, 25%, 10, 3, 2",
    "39%, 39%, 10, 4, 3",
    "0%, 0%, 10, 0, 1",
    "0, 10%, 5, 0, 1",
    "2, 0, 7, 2, 0",
    "100%, 100%, 5, 5, 5",
    "0, 0%, 0, 0, 0",
    "3, 70%, 0, 3, 0",
  })
  void fencepostsRoundSurgeUpAndUnavailabilityDownAndNeverStall(
      String maxSurge, String maxUnavailable, int replicas, int surge, int unavailable) {
    Strategy s = Strategy.rollingUpdate(amount(maxSurge), amount(maxUnavailable));

    assertThat(s.surge(replicas)).isEqualTo(surge);
    assertThat(s.unavailable(replicas)).isEqualTo(unavailable);
  }

  @Test
  void recreateMaySurgeByNothingAndLoseEverything() {
    assertThat(Strategy.recreate().surge(6)).isZero();
    assertThat(Strategy.recreate().unavailable(6)).isEqualTo(6);
  }

  @Test
  void aRollingUpdateWithinItsBoundsPasses() throws Exception {
    settledOnThreePodsOfA();

    // One surge pod, ready; then an old one goes: never more than 4 live, never fewer than 3 ready.
    replicaSet("a", 3, "1");
    replicaSet("b", 1, "2");
    pod(EventType.ADDED, "b-1", "b", false);
    pod(EventType.MODIFIED, "b-1", "b", true);
    replicaSet("a", 2, "1");
    terminating("a-1", "a");
    pod(EventType.DELETED, "a-1", "a", true);

    assertThat(checker.violation()).isEmpty();
    assertThat(checker.armedEvents()).isEqualTo(4);
    assertThat(checker.surplusStates()).isZero();
  }

  @Test
  void oneLivePodTooManyIsCaughtWhenTheReplicaSetsAskedForIt() throws Exception {
    settledOnThreePodsOfA();

    replicaSet("b", 2, "2");
    pod(EventType.ADDED, "b-1", "b", false);
    pod(EventType.ADDED, "b-2", "b", false);

    assertThat(checker.violation())
        .hasValueSatisfying(
            v ->
                assertThat(v)
                    .startsWith("live pods 5 > 4")
                    .contains("their spec.replicas add up to 5")
                    .contains("ADDED b-2")
                    .contains("a: live 3 (ready 3, available 3)")
                    .contains("b: live 2 (ready 0, available 0)"));
  }

  @Test
  void deletionsTheReplicaSetControllerStillOwesExplainASurplus() throws Exception {
    settledOnThreePodsOfA();

    // The old set is scaled down to 2 and the new one up to 2 before the old pod is deleted.
    replicaSet("a", 2, "1");
    replicaSet("b", 2, "2");
    pod(EventType.ADDED, "b-1", "b", false);
    pod(EventType.ADDED, "b-2", "b", false);

    assertThat(checker.violation()).isEmpty();
    assertThat(checker.surplusStates()).isEqualTo(1);
  }

  @Test
  void availabilityIsCheckedInAStateWhoseSurplusIsExplained() throws Exception {
    settledOnThreePodsOfA();
    replicaSet("a", 2, "1");
    replicaSet("b", 2, "2");
    pod(EventType.ADDED, "b-1", "b", false);
    pod(EventType.ADDED, "b-2", "b", false);

    pod(EventType.MODIFIED, "a-1", "a", false);

    assertThat(checker.violation())
        .hasValueSatisfying(v -> assertThat(v).startsWith("available pods 2 < replicas 3"));
  }

  @Test
  void aReplicaSetWithMorePodsThanItWasEverAskedForIsCaught() throws Exception {
    settledOnThreePodsOfA();

    replicaSet("a", 2, "1");
    replicaSet("b", 1, "2");
    pod(EventType.ADDED, "b-1", "b", false);
    pod(EventType.ADDED, "b-2", "b", false);

    assertThat(checker.violation())
        .hasValueSatisfying(
            v -> assertThat(v).contains("ReplicaSet b has 2 live pods, more than it was ever"));
  }

  @Test
  void livePodsOfNoReplicaSetAreCaught() throws Exception {
    settledOnThreePodsOfA();

    replicaSet("a", 2, "1");
    pod(EventType.ADDED, "x-1", "x", false);
    pod(EventType.ADDED, "x-2", "x", false);

    assertThat(checker.violation())
        .hasValueSatisfying(v -> assertThat(v).contains("live pods of hash x have no ReplicaSet"));
  }

  @Test
  void anUnavailablePodBelowTheMinimumIsCaughtOnceArmed() throws Exception {
    settledOnThreePodsOfA();

    pod(EventType.MODIFIED, "a-2", "a", false);

    assertViolated(checker, "available pods 2 < replicas 3 - maxUnavailable 0", "MODIFIED a-2");
  }

  @Test
  void anAvailablePodDeletedOnAStaleSpecExplainsADeficit() throws Exception {
    settledOnThreePodsOfA();

    // Lowered and raised back; the ReplicaSet controller still deletes for the lower spec.
    replicaSet("a", 2, "1");
    replicaSet("a", 3, "1");
    terminating("a-1", "a");

    assertThat(checker.violation()).isEmpty();
    assertThat(checker.deficitStates()).isEqualTo(1);
  }

  @Test
  void anAvailablePodDeletedBelowEverySpecItsSetHadIsCaught() throws Exception {
    settledOnThreePodsOfA();

    terminating("a-1", "a");

    assertViolated(
        checker,
        "available pods 2 < replicas 3 - maxUnavailable 0",
        "a: live 2 (ready 2, available 2), terminating or done 1");
  }

  @Test
  void aStaleDeletionExplainsNoMoreThanItself() throws Exception {
    settledOnThreePodsOfA();
    replicaSet("a", 2, "1");
    replicaSet("a", 3, "1");
    terminating("a-1", "a");

    pod(EventType.MODIFIED, "a-2", "a", false);

    assertViolated(checker, "available pods 1 < replicas 3", "1 by deletions on a stale spec");
  }

  /** Four replicas, maxUnavailable 2: at least 2 available. */
  private final RolloutBoundsChecker four =
      new RolloutBoundsChecker(
          Strategy.rollingUpdate(Amount.of(0), Amount.of(2)), 4, 0, clock, rv -> List.copyOf(sets));

  private void settledOnFourPodsOfA() throws Exception {
    replicaSet("a", 4, "1");
    four.onReplicaSetEvent(EventType.ADDED, sets.getLast());
    for (String name : List.of("a-1", "a-2", "a-3", "a-4")) {
      four.onEvent(EventType.ADDED, pod(name, "a", true));
    }
    assertThat(four.settle("a", revision, podsNow(four))).isTrue();
  }

  /** A ReplicaSet event of the four-replica checker: a spec write or a status write. */
  private void fourSees(String hash, int spec, long generation, int available) {
    replicaSet(hash, spec, "1", generation, available);
    four.onReplicaSetEvent(EventType.MODIFIED, sets.getLast());
  }

  private void goneOnFour(String name) throws Exception {
    Pod p = pod(name, "a", true);
    p.getMetadata().setDeletionTimestamp(Times.format(clock.now()));
    four.onEvent(EventType.MODIFIED, p);
  }

  /**
   * Scaled to 2 (generation 2) while the status reports {@code available}; scaled to 0 on that
   * status; three pods go.
   */
  private void scaledToZeroOnAStatusOf(int available) throws Exception {
    settledOnFourPodsOfA();
    fourSees("a", 2, 2, available);
    fourSees("a", 0, 3, available);
    for (String name : List.of("a-1", "a-2", "a-3")) {
      goneOnFour(name);
    }
  }

  @Test
  void aScaleDownOnAStatusThatClaimedMoreThanItsSpecExplainsADeficit() throws Exception {
    scaledToZeroOnAStatusOf(4);

    assertThat(four.violation()).isEmpty();
    assertThat(four.deficitStates()).isEqualTo(1);
  }

  /**
   * a lowered to 2 while its status still claims 4, then its status catches up; then, with a status
   * write of b between them only when {@code statusWriteBetween}, b raised and a lowered to 0, and
   * a's pods go.
   */
  private void lateScaleDown(boolean statusWriteBetween) throws Exception {
    settledOnFourPodsOfA();
    fourSees("b", 1, 1, 0);
    fourSees("a", 2, 2, 4);
    fourSees("a", 2, 2, 2);
    fourSees("b", 2, 2, 0);
    if (statusWriteBetween) {
      fourSees("b", 2, 2, 1);
    }
    fourSees("a", 0, 3, 2);
    for (String name : List.of("a-1", "a-2", "a-3", "a-4")) {
      goneOnFour(name);
    }
  }

  @Test
  void oneSyncsScaleDownMayCountAStatusFromBeforeItsFirstWrite() throws Exception {
    // b raised and a lowered in one sync, on the status a had before it caught up: 2 beyond spec.
    lateScaleDown(false);

    assertThat(four.violation()).isEmpty();
    assertThat(four.deficitStates()).isEqualTo(2);
  }

  @Test
  void aScaleDownInALaterSyncThanTheStatusThatCaughtUpIsCaught() throws Exception {
    // A status write between b's raise and a's scale-down: a later sync, whose cache had the
    // status that caught up, since it had b's raise.
    lateScaleDown(true);

    assertViolated(
        four,
        "available pods 1 < replicas 4 - maxUnavailable 2",
        "explained: 0 by availability the ReplicaSets reported");
  }

  @Test
  void aScaleDownOnAStatusThatClaimedNothingExtraIsCaught() throws Exception {
    scaledToZeroOnAStatusOf(2);

    assertViolated(
        four,
        "available pods 1 < replicas 4 - maxUnavailable 2",
        "explained: 0 by availability the ReplicaSets reported");
  }

  /** Three replicas, maxSurge 2, maxUnavailable 0, minReadySeconds 1: at least 3 available. */
  private final RolloutBoundsChecker ranked =
      new RolloutBoundsChecker(
          Strategy.rollingUpdate(Amount.of(2), Amount.of(0)), 3, 1, clock, rv -> List.copyOf(sets));

  /**
   * Settled on three available pods of a; a raised to 5 and two more pods, ready now (so not yet
   * available) when {@code readyNow}, else not ready; then a lowered back to 3.
   */
  private void raisedAndLoweredBack(boolean readyNow) throws Exception {
    replicaSet("a", 3, "1");
    ranked.onReplicaSetEvent(EventType.ADDED, sets.getLast());
    for (String name : List.of("a-1", "a-2", "a-3")) {
      ranked.onEvent(EventType.ADDED, pod(name, "a", true));
    }
    clock.advance(Duration.ofSeconds(2));
    assertThat(ranked.settle("a", revision, podsNow(ranked))).isTrue();
    replicaSet("a", 5, "1", 2, 3);
    ranked.onReplicaSetEvent(EventType.MODIFIED, sets.getLast());
    ranked.onEvent(EventType.ADDED, pod("a-4", "a", readyNow));
    ranked.onEvent(EventType.ADDED, pod("a-5", "a", readyNow));
    replicaSet("a", 3, "1", 3, 3);
    ranked.onReplicaSetEvent(EventType.MODIFIED, sets.getLast());
  }

  @Test
  void anAvailablePodDeletedBeforeAReadyOneNotYetAvailableExplainsADeficit() throws Exception {
    raisedAndLoweredBack(true);

    // Upstream's ranking deletes by readiness, not availability: a-1 may go before a-4 and a-5.
    Pod gone = pod("a-1", "a", true);
    gone.getMetadata().setDeletionTimestamp(Times.format(clock.now()));
    ranked.onEvent(EventType.MODIFIED, gone);

    assertThat(ranked.violation()).isEmpty();
    assertThat(ranked.deficitStates()).isEqualTo(1);
  }

  @Test
  void anAvailablePodDeletedBeforeOnesNotReadyIsCaught() throws Exception {
    raisedAndLoweredBack(false);

    // Pods not ready rank first for deletion: deleting an available pod instead is a violation.
    Pod gone = pod("a-1", "a", true);
    gone.getMetadata().setDeletionTimestamp(Times.format(clock.now()));
    ranked.onEvent(EventType.MODIFIED, gone);

    assertViolated(
        ranked,
        "available pods 2 < replicas 3 - maxUnavailable 0",
        "0 by available pods deleted before ready ones not yet available");
  }

  @Test
  void availabilityIsNotCheckedBeforeTheFirstSettledStateNorAfterAScaleChange() throws Exception {
    replicaSet("a", 3, "1");
    pod(EventType.ADDED, "a-1", "a", false);
    assertThat(checker.armed()).isFalse();

    settledOnThreePodsOfA();
    checker.scaling(5);
    pod(EventType.MODIFIED, "a-2", "a", false);

    assertThat(checker.armed()).isFalse();
    assertThat(checker.violation()).isEmpty();
  }

  @Test
  void aScaleDownKeepsTheLargerLiveBoundUntilSettled() throws Exception {
    settledOnThreePodsOfA();

    checker.scaling(1);
    replicaSet("a", 1, "1");
    replicaSet("b", 1, "2");
    pod(EventType.ADDED, "b-1", "b", false);

    assertThat(checker.violation()).isEmpty();
  }

  @Test
  void settlingNeedsThePodViewToAgree() throws Exception {
    replicaSet("a", 3, "1");
    for (String name : List.of("a-1", "a-2", "a-3")) {
      pod(EventType.ADDED, name, "a", true);
    }
    pod(EventType.ADDED, "b-1", "b", true);
    assertThat(checker.settle("a", revision, podsNow(checker)))
        .as("a pod of another template")
        .isFalse();

    terminating("b-1", "b");
    pod(EventType.MODIFIED, "a-3", "a", false);
    assertThat(checker.settle("a", revision, podsNow(checker))).as("a pod not available").isFalse();

    pod(EventType.MODIFIED, "a-3", "a", true);
    assertThat(checker.settle("a", revision, podsNow(checker))).isTrue();
    assertThat(checker.armed()).isTrue();
  }

  @Test
  void availabilityWaitsForMinReadySeconds() throws Exception {
    RolloutBoundsChecker slow =
        new RolloutBoundsChecker(
            Strategy.rollingUpdate(Amount.of(1), Amount.of(0)),
            1,
            1,
            clock,
            rv -> List.copyOf(sets));
    slow.onEvent(EventType.ADDED, pod("a-1", "a", true));

    clock.advance(Duration.ofMillis(1000));
    assertThat(slow.settle("a", revision, podsNow(slow)))
        .as("ready for exactly minReadySeconds")
        .isFalse();

    clock.advance(Duration.ofMillis(1));
    assertThat(slow.settle("a", revision, podsNow(slow))).isTrue();
  }

  /** The pods at the settle's revision, when the checker's view is up to date with them. */
  private static List<Pod> podsNow(RolloutBoundsChecker c) {
    return c.pods();
  }

  @Test
  void settlingNeedsThePodsAtTheSettledRevisionToAgreeToo() throws Exception {
    replicaSet("a", 3, "1");
    for (String name : List.of("a-1", "a-2", "a-3")) {
      pod(EventType.ADDED, name, "a", true);
    }
    // Created before that revision on an older spec, not yet delivered by the pod watch.
    List<Pod> listed = new ArrayList<>(checker.pods());
    listed.add(pod("b-1", "b", false));

    assertThat(checker.settle("a", revision, listed)).isFalse();
    assertThat(checker.armed()).isFalse();
  }

  private void settledOnThreePodsOfA() throws Exception {
    replicaSet("a", 3, "1");
    for (String name : List.of("a-1", "a-2", "a-3")) {
      pod(EventType.ADDED, name, "a", true);
    }
    assertThat(checker.settle("a", revision, podsNow(checker))).isTrue();
  }

  /** The ReplicaSet of {@code hash} is now at {@code spec}: stored, and seen by its watch. */
  private void replicaSet(String hash, int spec, String deploymentRevision) {
    replicaSet(hash, spec, deploymentRevision, 1, spec);
  }

  /** The same, with the generation its spec is at and the availability its status reports. */
  private void replicaSet(
      String hash, int spec, String deploymentRevision, long generation, int available) {
    ReplicaSet rs =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withName("web-" + hash)
            .withResourceVersion(String.valueOf(++revision))
            .withGeneration(generation)
            .withLabels(Map.of("pod-template-hash", hash))
            .withAnnotations(Map.of("deployment.kubernetes.io/revision", deploymentRevision))
            .endMetadata()
            .withNewSpec()
            .withReplicas(spec)
            .endSpec()
            .withNewStatus()
            .withAvailableReplicas(available)
            .endStatus()
            .build();
    sets.removeIf(s -> s.getMetadata().getName().equals(rs.getMetadata().getName()));
    sets.add(rs);
    checker.onReplicaSetEvent(EventType.MODIFIED, rs);
  }

  private void pod(EventType type, String name, String hash, boolean ready) throws Exception {
    checker.onEvent(type, pod(name, hash, ready));
  }

  private void terminating(String name, String hash) throws Exception {
    Pod p = pod(name, hash, true);
    p.getMetadata().setDeletionTimestamp(Times.format(clock.now()));
    checker.onEvent(EventType.MODIFIED, p);
  }

  private Pod pod(String name, String hash, boolean ready) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withResourceVersion(String.valueOf(++revision))
        .withLabels(Map.of("pod-template-hash", hash))
        .endMetadata()
        .withNewStatus()
        .withPhase("Running")
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .withLastTransitionTime(Times.format(clock.now()))
        .endCondition()
        .endStatus()
        .build();
  }

  /** The checker found a violation: its message starts so and has that detail. */
  private static void assertViolated(RolloutBoundsChecker c, String start, String detail) {
    assertThat(c.violation())
        .hasValueSatisfying(v -> assertThat(v).startsWith(start).contains(detail));
  }

  private static Amount amount(String s) {
    return s.endsWith("%")
        ? Amount.percent(Integer.parseInt(s.substring(0, s.length() - 1)))
        : Amount.of(Integer.parseInt(s));
  }
}
