package io.skiff.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.skiff.api.errors.StatusError;
import io.skiff.client.workqueue.WorkQueue;
import io.skiff.clock.ManualClock;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The worker loop, run on the test thread: over a shut-down queue it syncs what is queued and
 * returns.
 */
class WorkLoopTest {

  private final WorkQueue<String> queue = WorkQueue.withDefaultRateLimiter(new ManualClock());
  private final AtomicInteger inHand = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final List<String> synced = new ArrayList<>();
  private final RecordingLogger log = new RecordingLogger();

  private void run(Consumer<String> sync) {
    WorkLoop.run(
        queue,
        key -> {
          synced.add(key);
          sync.accept(key);
        },
        closed::get,
        inHand,
        log);
  }

  @Test
  void aKeyThatSyncsIsForgottenAndAFailedOneQueuedAgainWithBackoff() {
    queue.addRateLimited("ok");
    for (String key : List.of("ok", "conflict", "unavailable", "broken")) {
      queue.add(key);
    }
    queue.shutDown();

    run(
        key -> {
          switch (key) {
            case "conflict" -> throw StatusError.of(409, "Conflict", "changed", null);
            case "unavailable" -> throw StatusError.of(503, "ServiceUnavailable", "down", null);
            case "broken" -> throw new IllegalStateException("bug");
            default -> {}
          }
        });

    assertThat(synced).containsExactly("ok", "conflict", "unavailable", "broken");
    assertThat(queue.numRequeues("ok")).isZero();
    assertThat(queue.numRequeues("conflict")).isOne();
    assertThat(queue.numRequeues("unavailable")).isOne();
    assertThat(queue.numRequeues("broken")).isOne();
    // Conflicts are routine; server errors and bugs are worth seeing.
    assertThat(log.records)
        .extracting(Record::level, Record::message)
        .containsExactly(
            tuple(Level.DEBUG, "retrying conflict: changed"),
            tuple(Level.WARNING, "retrying unavailable: down"),
            tuple(Level.WARNING, "syncing broken failed; retrying"));
    assertThat(inHand).hasValue(0);
  }

  @Test
  void aFailureFromClosingIsNotRetriedAndTheLoopEnds() {
    queue.add("a");
    queue.add("b");

    run(
        key -> {
          closed.set(true);
          throw new IllegalStateException("informer stopped");
        });

    assertThat(synced).containsExactly("a");
    assertThat(queue.numRequeues("a")).isZero();
    assertThat(log.records).isEmpty();
    assertThat(queue.length()).isOne();
    assertThat(inHand).hasValue(0);
  }

  @Test
  void stopWakesAWorkerWaitingOnAnEmptyQueueAndWaitsForItsEnd() {
    Thread worker = Thread.ofVirtual().start(() -> run(key -> {}));

    WorkLoop.stop(List.of(worker));

    assertThat(worker.isAlive()).isFalse();
    assertThat(synced).isEmpty();
  }

  record Record(Level level, String message) {}

  private static final class RecordingLogger implements System.Logger {
    final List<Record> records = new CopyOnWriteArrayList<>();

    @Override
    public String getName() {
      return "test";
    }

    @Override
    public boolean isLoggable(Level level) {
      return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      records.add(new Record(level, msg));
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      records.add(new Record(level, format));
    }
  }
}
