package io.skiff.scheduler;

import static io.skiff.scheduler.Fixtures.node;
import static io.skiff.scheduler.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.skiff.clock.ManualClock;
import io.skiff.scheduler.SchedulingQueue.Place;
import io.skiff.scheduler.framework.ClusterEvent;
import io.skiff.scheduler.framework.PodInfo;
import io.skiff.scheduler.plugins.DefaultProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SchedulingQueueTest {

  private final ManualClock clock = new ManualClock();
  private final SchedulingQueue queue =
      new SchedulingQueue(clock, DefaultProfile.create(new Random(0), 0).filters());

  private SchedulingQueue.Entry pop() throws InterruptedException {
    return queue.pop(false).orElseThrow();
  }

  private List<String> drainNames() throws InterruptedException {
    List<String> out = new ArrayList<>();
    for (var e = queue.pop(false); e.isPresent(); e = queue.pop(false)) {
      out.add(e.get().pod().name());
      queue.done(e.get());
    }
    return out;
  }

  @ParameterizedTest(name = "attempt {0}: {1}s")
  @CsvSource({"0, 0", "1, 1", "2, 2", "3, 4", "4, 8", "5, 10", "6, 10", "40, 10"})
  void backoffDoublesFromOneSecondToTen(int attempts, long seconds) {
    assertThat(SchedulingQueue.backoffDuration(attempts)).isEqualTo(Duration.ofSeconds(seconds));
  }

  @Test
  void higherPriorityFirstThenLongestWaiting() throws InterruptedException {
    queue.addOrUpdate(PodInfo.of(pod("a").build()));
    clock.advance(Duration.ofMillis(1));
    queue.addOrUpdate(PodInfo.of(pod("b").priority(100).build()));
    clock.advance(Duration.ofMillis(1));
    queue.addOrUpdate(PodInfo.of(pod("c").build()));
    queue.addOrUpdate(PodInfo.of(pod("d").priority(100).build()));
    assertThat(drainNames()).containsExactly("b", "d", "a", "c");
  }

  private SchedulingQueue.Entry failed(Pod pod, String... plugins) throws InterruptedException {
    queue.addOrUpdate(PodInfo.of(pod));
    SchedulingQueue.Entry e = pop();
    assertThat(queue.requeueUnschedulable(e, Set.of(plugins))).isTrue();
    return e;
  }

  @Test
  void unschedulablePodsWaitForAnEventTheirFilterCaresAbout() throws InterruptedException {
    Pod p = pod("p").nodeSelector("disk", "ssd").build();
    failed(p, "NodeAffinity");
    assertThat(queue.placeOf("uid-p")).isEqualTo(Place.UNSCHEDULABLE);
    assertThat(queue.pop(false)).isEmpty();

    queue.moveAll(new ClusterEvent.NodeAdded(node("n").build()));
    queue.moveAll(new ClusterEvent.AssignedPodDeleted(pod("x").build()));
    assertThat(queue.placeOf("uid-p")).isEqualTo(Place.UNSCHEDULABLE);

    queue.moveAll(
        new ClusterEvent.NodeUpdated(node("n").build(), node("n").label("disk", "ssd").build()));
    // Its backoff (1s after the first attempt) has not run out: backoff, not active.
    assertThat(queue.placeOf("uid-p")).isEqualTo(Place.BACKOFF);
  }

  @Test
  void podsMovedToBackoffAreTakenAtOnceWhenNothingIsActive() throws InterruptedException {
    failed(pod("p").cpu("1").build(), "NodeResourcesFit");
    queue.moveAll(new ClusterEvent.AssignedPodDeleted(pod("x").build()));
    assertThat(queue.placeOf("uid-p")).isEqualTo(Place.BACKOFF);
    queue.addOrUpdate(PodInfo.of(pod("q").build()));
    // Active pods go first; then the backoff queue is not left idle.
    assertThat(drainNames()).containsExactly("q", "p");
  }

  @Test
  void backoffRunsOutOnTheClock() throws InterruptedException {
    failed(pod("p").cpu("1").build(), "NodeResourcesFit");
    queue.moveAll(new ClusterEvent.AssignedPodDeleted(pod("x").build()));
    clock.advance(Duration.ofMillis(999));
    assertThat(queue.placeOf("uid-p")).isEqualTo(Place.BACKOFF);
    clock.advance(Duration.ofMillis(1));
    assertThat(queue.placeOf("uid-p")).isEqualTo(Place.ACTIVE);
  }

  @Test
  void anEventDuringTheCycleSendsTheFailedPodToBackoff() throws InterruptedException {
    queue.addOrUpdate(PodInfo.of(pod("p").nodeSelector("disk", "ssd").build()));
    SchedulingQueue.Entry e = pop();
    // The node gets its label while the pod is being scheduled (and rejected).
    queue.moveAll(
        new ClusterEvent.NodeUpdated(node("n").build(), node("n").label("disk", "ssd").build()));
    queue.requeueUnschedulable(e, Set.of("NodeAffinity"));
    assertThat(queue.placeOf("uid-p")).isEqualTo(Place.BACKOFF);
  }

  @Test
  void anIrrelevantEventDuringTheCycleDoesNot() throws InterruptedException {
    queue.addOrUpdate(PodInfo.of(pod("p").nodeSelector("disk", "ssd").build()));
    SchedulingQueue.Entry e = pop();
    queue.moveAll(new ClusterEvent.NodeAdded(node("other").build()));
    queue.requeueUnschedulable(e, Set.of("NodeAffinity"));
    assertThat(queue.placeOf("uid-p")).isEqualTo(Place.UNSCHEDULABLE);
  }

  @Test
  void podsRejectedForWantOfNodesAreRetriedOnAnyClusterEvent() throws InterruptedException {
    failed(pod("p").build());
    queue.moveAll(new ClusterEvent.NodeAdded(node("n").build()));
    assertThat(queue.placeOf("uid-p")).isEqualTo(Place.BACKOFF);
  }

  @Test
  void anUnschedulablePodThatNowToleratesIsRetried() throws InterruptedException {
    failed(pod("p").build(), "TaintToleration");
    queue.addOrUpdate(PodInfo.of(pod("p").build()));
    assertThat(queue.placeOf("uid-p")).isEqualTo(Place.UNSCHEDULABLE);
    queue.addOrUpdate(PodInfo.of(pod("p").toleration("k", "Exists", null, null).build()));
    assertThat(queue.placeOf("uid-p")).isEqualTo(Place.BACKOFF);
  }

  @Test
  void unschedulablePodsAreRetriedAfterFiveMinutesAnyway() throws InterruptedException {
    failed(pod("p").nodeSelector("disk", "ssd").build(), "NodeAffinity");
    clock.advance(Duration.ofSeconds(270));
    assertThat(queue.placeOf("uid-p")).isEqualTo(Place.UNSCHEDULABLE);
    clock.advance(Duration.ofSeconds(30));
    assertThat(queue.placeOf("uid-p")).isEqualTo(Place.ACTIVE);
  }

  @Test
  void gatedPodsWaitUntilTheirGatesAreRemoved() throws InterruptedException {
    Pod gated =
        new PodBuilder(pod("p").build())
            .editSpec()
            .addNewSchedulingGate("example.com/wait")
            .endSpec()
            .build();
    queue.addOrUpdate(PodInfo.of(gated));
    assertThat(queue.placeOf("uid-p")).isEqualTo(Place.GATED);
    assertThat(queue.pop(false)).isEmpty();
    queue.addOrUpdate(PodInfo.of(pod("p").build()));
    assertThat(drainNames()).containsExactly("p");
  }

  @Test
  void aPodDeletedWhileBeingScheduledIsDropped() throws InterruptedException {
    queue.addOrUpdate(PodInfo.of(pod("p").build()));
    SchedulingQueue.Entry e = pop();
    queue.delete("uid-p");
    assertThat(queue.requeueUnschedulable(e, Set.of("NodeAffinity"))).isFalse();
    assertThat(queue.placeOf("uid-p")).isNull();
  }

  @Test
  void aPodUpdatedWhileBeingScheduledIsRequeuedInItsNewVersion() throws InterruptedException {
    queue.addOrUpdate(PodInfo.of(pod("p").build()));
    SchedulingQueue.Entry e = pop();
    queue.addOrUpdate(PodInfo.of(pod("p").nodeSelector("a", "b").build()));
    queue.requeueUnschedulable(e, Set.of("NodeAffinity"));
    assertThat(e.pod().pod().getSpec().getNodeSelector()).containsEntry("a", "b");
  }

  @Test
  void bindingErrorsWaitOutTheirBackoff() throws InterruptedException {
    queue.addOrUpdate(PodInfo.of(pod("p").build()));
    SchedulingQueue.Entry e = pop();
    queue.done(e);
    queue.requeueAfterError(e, PodInfo.of(pod("p").build()));
    assertThat(queue.placeOf("uid-p")).isEqualTo(Place.ERROR_BACKOFF);
    // Not taken early, unlike pods moved by events.
    assertThat(queue.pop(false)).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(drainNames()).containsExactly("p");
  }

  @Test
  @Timeout(10)
  void closingWakesAWaitingPop() throws Exception {
    CompletableFuture<Optional<SchedulingQueue.Entry>> popped = new CompletableFuture<>();
    Thread t =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    popped.complete(queue.pop(true));
                  } catch (InterruptedException e) {
                    popped.completeExceptionally(e);
                  }
                });
    while (t.getState() != Thread.State.WAITING) {
      Thread.onSpinWait();
    }
    queue.close();
    assertThat(popped.get()).isEmpty();
  }
}
