package io.skiff.client.workqueue;

import static org.assertj.core.api.Assertions.assertThat;

import io.skiff.clock.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

  private final ManualClock clock = new ManualClock();
  private final WorkQueue<String> queue = WorkQueue.withDefaultRateLimiter(clock);

  @Test
  void anItemAddedTwiceIsProcessedOnce() throws Exception {
    queue.add("a");
    queue.add("b");
    queue.add("a");
    assertThat(queue.length()).isEqualTo(2);
    assertThat(queue.get()).contains("a");
    assertThat(queue.get()).contains("b");
    assertThat(queue.length()).isZero();
  }

  @Test
  void anItemAddedWhileProcessingIsQueuedAgainOnlyWhenDone() throws Exception {
    queue.add("a");
    String taken = queue.get().orElseThrow();
    queue.add("a");
    assertThat(queue.length()).as("not handed to a second worker while in process").isZero();
    queue.done(taken);
    assertThat(queue.length()).isEqualTo(1);
    assertThat(queue.get()).contains("a");
  }

  @Test
  void noItemIsEverProcessedByTwoWorkersAtOnce() throws Exception {
    ConcurrentHashMap<String, Boolean> inProcess = new ConcurrentHashMap<>();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger processed = new AtomicInteger();
    ExecutorService workers = Executors.newFixedThreadPool(4);
    for (int w = 0; w < 4; w++) {
      workers.submit(
          () -> {
            while (true) {
              Optional<String> item = queue.get();
              if (item.isEmpty()) {
                return null;
              }
              if (inProcess.putIfAbsent(item.get(), true) != null) {
                overlaps.incrementAndGet();
              }
              Thread.onSpinWait();
              inProcess.remove(item.get());
              processed.incrementAndGet();
              queue.done(item.get());
            }
          });
    }
    for (int i = 0; i < 20_000; i++) {
      queue.add("key-" + (i % 5));
    }
    queue.shutDownWithDrain();
    workers.shutdown();
    assertThat(overlaps).hasValue(0);
    assertThat(processed.get()).isBetween(5, 20_000);
  }

  @Test
  void getBlocksUntilAnItemArrivesAndEndsOnShutdown() throws Exception {
    CompletableFuture<Optional<String>> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return queue.get();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    queue.add("x");
    assertThat(waiting.get()).contains("x");
    CompletableFuture<Optional<String>> afterShutdown =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return queue.get();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    queue.shutDown();
    assertThat(afterShutdown.get()).isEmpty();
    queue.add("ignored");
    assertThat(queue.length()).isZero();
  }

  @Test
  void delayedItemsArriveOnTheClockAndTheEarliestDelayWins() throws Exception {
    queue.addAfter("a", Duration.ofSeconds(10));
    queue.addAfter("a", Duration.ofSeconds(3));
    queue.addAfter("a", Duration.ofSeconds(20));
    queue.addAfter("b", Duration.ZERO);
    assertThat(queue.length()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(2));
    assertThat(queue.length()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(queue.length()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(30));
    assertThat(queue.length()).as("a superseded delay does not add it again").isEqualTo(2);
  }

  @Test
  void failuresBackOffExponentiallyUntilForgotten() {
    queue.addRateLimited("a");
    queue.addRateLimited("a");
    queue.addRateLimited("a");
    assertThat(queue.numRequeues("a")).isEqualTo(3);
    // The earliest of 5, 10 and 20 ms wins for the one pending add.
    assertThat(clock.pendingDelays()).containsExactly(Duration.ofMillis(5));
    clock.advance(Duration.ofMillis(5));
    assertThat(queue.length()).isEqualTo(1);
    queue.forget("a");
    assertThat(queue.numRequeues("a")).isZero();
  }

  @Test
  void exponentialBackoffDoublesUpToTheCap() {
    ExponentialFailureRateLimiter<String> l =
        new ExponentialFailureRateLimiter<>(Duration.ofMillis(1), Duration.ofSeconds(1));
    List<Duration> one =
        List.of(l.when("one"), l.when("one"), l.when("one"), l.when("one"), l.when("one"));
    assertThat(one)
        .containsExactly(
            Duration.ofMillis(1),
            Duration.ofMillis(2),
            Duration.ofMillis(4),
            Duration.ofMillis(8),
            Duration.ofMillis(16));
    assertThat(l.numRequeues("one")).isEqualTo(5);
    assertThat(l.when("two")).isEqualTo(Duration.ofMillis(1));
    for (int i = 0; i < 100; i++) {
      l.when("big");
    }
    assertThat(l.when("big")).isEqualTo(Duration.ofSeconds(1));
    l.forget("one");
    assertThat(l.when("one")).isEqualTo(Duration.ofMillis(1));
  }

  @Test
  void theBucketLimitsAllItemsTogether() {
    BucketRateLimiter<String> bucket = new BucketRateLimiter<>(clock, 10, 100);
    for (int i = 0; i < 100; i++) {
      assertThat(bucket.when("item-" + i)).isZero();
    }
    assertThat(bucket.when("another")).isEqualTo(Duration.ofMillis(100));
    assertThat(bucket.when("and-another")).isEqualTo(Duration.ofMillis(200));
    clock.advance(Duration.ofSeconds(10));
    assertThat(bucket.when("later")).isZero();
  }

  @Test
  void delayedAddsAfterShutdownAreDropped() {
    queue.addAfter("a", Duration.ofSeconds(1));
    queue.shutDown();
    assertThat(clock.pendingTimers()).isZero();
    queue.addAfter("b", Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(2));
    assertThat(queue.length()).isZero();
    assertThat(queue.isShuttingDown()).isTrue();
  }
}
