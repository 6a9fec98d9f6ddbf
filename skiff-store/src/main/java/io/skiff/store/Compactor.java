package io.skiff.store;

import io.skiff.clock.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts a store in the background so that it keeps a window of history: at least {@code window}
 * of time and at least {@code minRevisions} revisions, like the API server's periodic etcd
 * compaction. Every {@code interval} it notes the current revision; it compacts to the newest noted
 * revision that is older than the window and more than {@code minRevisions} behind the head.
 */
public final class Compactor implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Compactor.class);

  private final Store store;
  private final Clock clock;
  private final Duration window;
  private final long minRevisions;
  private final Duration interval;
  private final Executor executor;
  private final ArrayDeque<Sample> samples = new ArrayDeque<>();
  private Clock.Timer timer;
  private boolean closed;

  private record Sample(Instant at, long revision) {}

  /**
   * @param executor runs each compaction step: compacting a large store takes a while and must not
   *     hold up the clock's timer thread
   */
  public Compactor(
      Store store,
      Clock clock,
      Duration window,
      long minRevisions,
      Duration interval,
      Executor executor) {
    this.store = store;
    this.clock = clock;
    this.window = window;
    this.minRevisions = minRevisions;
    this.interval = interval;
    this.executor = executor;
  }

  /**
   * The defaults of {@code skiff up}: five minutes and 1,000 revisions, checked every 30 s, on a
   * virtual thread.
   */
  public static Compactor withDefaults(Store store, Clock clock) {
    return new Compactor(
        store,
        clock,
        Duration.ofMinutes(5),
        1000,
        Duration.ofSeconds(30),
        Thread.ofVirtual().name("skiff-compactor")::start);
  }

  public synchronized Compactor start() {
    tick();
    return this;
  }

  /**
   * Notes the current revision and compacts if a noted revision has left the window. Returns the
   * revision compacted to, or 0 if nothing was compacted.
   */
  public synchronized long tick() {
    if (closed) {
      return 0;
    }
    long compactedTo = 0;
    try {
      Instant now = clock.now();
      long head = store.currentRevision();
      samples.addLast(new Sample(now, head));
      Instant cutoff = now.minus(window);
      long target = 0;
      while (!samples.isEmpty() && !samples.peekFirst().at().isAfter(cutoff)) {
        target = samples.pollFirst().revision();
      }
      target = Math.min(target, head - minRevisions);
      if (target > store.compactedRevision()) {
        store.compact(target);
        compactedTo = target;
        log.debug("compacted store to revision {} (head {})", target, head);
      }
    } catch (StoreClosedException e) {
      closed = true;
      return 0;
    } catch (StoreException e) {
      log.warn("compaction failed; will try again in {}", interval, e);
    }
    timer = clock.schedule(interval, () -> executor.execute(this::tick));
    return compactedTo;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (timer != null) {
      timer.cancel();
    }
  }
}
