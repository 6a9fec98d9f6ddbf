package io.skiff.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.skiff.clock.ManualClock;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class QueueControllerTest {

  private final ManualClock clock = new ManualClock();

  /** Answers each sync with the next scripted outcome. */
  private final class Scripted extends QueueController {
    final Deque<Object> outcomes = new ConcurrentLinkedDeque<>();
    final List<String> synced = new CopyOnWriteArrayList<>();
    int retries = UNLIMITED_RETRIES;
    Duration eachSyncTakes = Duration.ZERO;

    Scripted() {
      super("scripted", clock);
    }

    @Override
    protected Result sync(String key) throws Exception {
      synced.add(key);
      clock.advance(eachSyncTakes);
      Object next = outcomes.isEmpty() ? Result.done() : outcomes.poll();
      if (next instanceof Exception e) {
        throw e;
      }
      return (Result) next;
    }

    @Override
    protected int maxRetries() {
      return retries;
    }
  }

  @Test
  void aFailedSyncIsRetriedWithExponentialBackoffAndASuccessResetsIt() throws Exception {
    Scripted c = new Scripted();
    c.outcomes.add(new IllegalStateException("first"));
    c.outcomes.add(new IllegalStateException("second"));
    c.enqueue("ns/a");

    assertThat(c.processNextWorkItem()).isTrue();
    assertThat(c.queue().length()).isZero();
    assertThat(clock.pendingDelays()).containsExactly(Duration.ofMillis(5));
    clock.advance(Duration.ofMillis(5));
    assertThat(c.processNextWorkItem()).isTrue();
    assertThat(c.queue().numRequeues("ns/a")).isEqualTo(2);
    assertThat(clock.pendingDelays()).containsExactly(Duration.ofMillis(10));
    clock.advance(Duration.ofMillis(10));
    assertThat(c.processNextWorkItem()).isTrue();

    assertThat(c.synced).containsExactly("ns/a", "ns/a", "ns/a");
    assertThat(c.queue().numRequeues("ns/a")).as("forgotten after success").isZero();
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void aKeyIsDroppedAfterMaxRetries() throws Exception {
    Scripted c = new Scripted();
    c.retries = 1;
    c.outcomes.add(new IllegalStateException("first"));
    c.outcomes.add(new IllegalStateException("second"));
    c.enqueue("ns/a");
    c.processNextWorkItem();
    clock.advance(Duration.ofMillis(5));
    c.processNextWorkItem();
    assertThat(clock.pendingTimers()).as("not requeued again").isZero();
    assertThat(c.queue().length()).isZero();
    assertThat(c.queue().numRequeues("ns/a")).isZero();
  }

  @Test
  void requeueAfterForgetsTheBackoffAndAddsTheKeyAfterTheDelay() throws Exception {
    Scripted c = new Scripted();
    c.outcomes.add(new IllegalStateException("first"));
    c.outcomes.add(QueueController.Result.requeueAfter(Duration.ofSeconds(11)));
    c.enqueue("ns/a");
    c.processNextWorkItem();
    clock.advance(Duration.ofMillis(5));
    c.processNextWorkItem();
    assertThat(c.queue().numRequeues("ns/a")).isZero();
    assertThat(clock.pendingDelays()).containsExactly(Duration.ofSeconds(11));
    clock.advance(Duration.ofSeconds(11));
    assertThat(c.queue().length()).isEqualTo(1);
  }

  /**
   * Processes "ns/a" once, its sync taking {@code syncTakes} on the clock and returning {@code r}.
   */
  private Scripted syncOnce(Duration syncTakes, QueueController.Result r) throws Exception {
    Scripted c = new Scripted();
    c.eachSyncTakes = syncTakes;
    c.outcomes.add(r);
    c.enqueue("ns/a");
    c.processNextWorkItem();
    return c;
  }

  @Test
  void requeueAfterCountsFromTheEndOfTheSync() throws Exception {
    syncOnce(Duration.ofSeconds(4), QueueController.Result.requeueAfter(Duration.ofSeconds(5)));
    assertThat(clock.pendingDelays()).containsExactly(Duration.ofSeconds(5));
  }

  @Test
  void requeueAtWaitsUntilThatTimeWhateverTheSyncTook() throws Exception {
    syncOnce(Duration.ofSeconds(4), QueueController.Result.requeueAt(clock.now().plusSeconds(5)));
    assertThat(clock.pendingDelays()).containsExactly(Duration.ofSeconds(1));
  }

  @Test
  void aRequeueTimeThatPassedWhileTheSyncRanQueuesTheKeyAtOnce() throws Exception {
    // A test's clock jumped past a CronJob's next start time while its sync ran.
    Scripted c =
        syncOnce(
            Duration.ofMinutes(5),
            QueueController.Result.requeueAt(clock.now().plus(Duration.ofMinutes(4))));
    assertThat(clock.pendingTimers()).isZero();
    assertThat(c.queue().length()).isEqualTo(1);
  }

  @Test
  void requeueRateLimitedBacksOffWithoutAnError() throws Exception {
    Scripted c = new Scripted();
    c.outcomes.add(QueueController.Result.requeueRateLimited());
    c.enqueue("ns/a");
    c.processNextWorkItem();
    assertThat(c.queue().numRequeues("ns/a")).isEqualTo(1);
    assertThat(clock.pendingDelays()).containsExactly(Duration.ofMillis(5));
  }

  @Test
  void workersDrainTheQueueAndStopOnShutDown() throws Exception {
    Scripted c = new Scripted();
    c.enqueue("ns/a");
    c.enqueue("ns/b");
    c.run(2);
    org.awaitility.Awaitility.await().until(() -> c.synced.size() == 2);
    c.shutDown();
    assertThat(c.synced).containsExactlyInAnyOrder("ns/a", "ns/b");
    assertThat(c.queue().isShuttingDown()).isTrue();
  }

  /** A controller whose syncs report the cost the test says. */
  private final class Costly extends QueueController {
    volatile Duration cost = Duration.ZERO;

    Costly() {
      super("costly", clock);
    }

    @Override
    protected Result sync(String key) {
      recordSyncCost(key, cost);
      return Result.done();
    }
  }

  @Test
  void aKeyWhoseSyncIsCheapIsQueuedAtOnceOnEveryEvent() throws Exception {
    Costly c = new Costly();
    c.cost = Duration.ofMillis(0);
    c.enqueuePaced("ns/small");
    c.processNextWorkItem();
    c.enqueuePaced("ns/small");
    assertThat(c.queue().length()).isEqualTo(1);
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void aKeyWhoseSyncIsCostlyWaitsFourTimesItsLastCostAndEventsMeanwhileShareThatSync()
      throws Exception {
    Costly c = new Costly();
    c.cost = Duration.ofMillis(30);
    c.enqueuePaced("ns/large");
    assertThat(c.queue().length()).as("no cost known yet: at once").isEqualTo(1);
    c.processNextWorkItem();

    c.enqueuePaced("ns/large");
    c.enqueuePaced("ns/large");
    assertThat(c.queue().length()).isZero();
    assertThat(clock.pendingDelays()).containsExactly(Duration.ofMillis(120));
    clock.advance(Duration.ofMillis(120));
    assertThat(c.queue().length()).isEqualTo(1);

    // Cheap again (the set shrank): back to syncing on every event.
    c.cost = Duration.ZERO;
    c.processNextWorkItem();
    c.enqueuePaced("ns/large");
    assertThat(c.queue().length()).isEqualTo(1);
  }

  @Test
  void thePauseIsAtMostASecond() throws Exception {
    Costly c = new Costly();
    c.cost = Duration.ofSeconds(2);
    c.enqueue("ns/huge");
    c.processNextWorkItem();
    c.enqueuePaced("ns/huge");
    assertThat(clock.pendingDelays()).containsExactly(Duration.ofSeconds(1));
  }
}
