package io.skiff.apiserver.testing;

import io.skiff.store.Deleted;
import io.skiff.store.KeyValue;
import io.skiff.store.ListResult;
import io.skiff.store.Store;
import io.skiff.store.StoreException;
import io.skiff.store.Watch;
import io.skiff.store.WatchEvent;
import io.skiff.store.WatchListener;
import io.skiff.store.memory.MemoryStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A memory store that counts the watches opened on it, can hold a read or a write of one key until
 * the test lets it go, can make the next update of a key lose a race, and can hold the delivery of
 * watch events: how the tests see that watchers share one store watch, hold a request in flight,
 * retry a conflict, or make a watch fall behind, without timing.
 */
public final class InstrumentedStore implements Store {

  private final MemoryStore store;
  private final AtomicInteger watchesOpened = new AtomicInteger();
  private final AtomicInteger watchesOpen = new AtomicInteger();
  private volatile Gate gate;
  private volatile CountDownLatch paused;
  private volatile CountDownLatch holding = new CountDownLatch(1);
  private volatile String beaten;

  public InstrumentedStore() {
    this(10_000);
  }

  /** A store whose watchers are ended when {@code maxWatchBacklog} events behind. */
  public InstrumentedStore(int maxWatchBacklog) {
    this.store = new MemoryStore(maxWatchBacklog);
  }

  /**
   * Holds the delivery of watch events (as a slow listener would) until the returned latch is
   * counted down; writes go on meanwhile.
   */
  public CountDownLatch pauseWatchDelivery() {
    CountDownLatch latch = new CountDownLatch(1);
    holding = new CountDownLatch(1);
    paused = latch;
    return latch;
  }

  /**
   * Waits until a delivery is held by {@link #pauseWatchDelivery}: from then on the held watcher
   * has seen nothing written after the batch it holds.
   */
  public void awaitDeliveryHeld() throws InterruptedException {
    holding.await();
  }

  /** Holds the operations on one key until {@link #release()}; {@link #entered} counts down. */
  public static final class Gate {
    final String key;
    public final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch released = new CountDownLatch(1);

    Gate(String key) {
      this.key = key;
    }

    public void release() {
      released.countDown();
    }

    void pass(String k) {
      if (!k.equals(key)) {
        return;
      }
      entered.countDown();
      try {
        released.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** From now on, reads and writes of {@code key} wait for the gate's release. */
  public Gate hold(String key) {
    Gate g = new Gate(key);
    gate = g;
    return g;
  }

  /** Store watches opened so far. */
  public int watchesOpened() {
    return watchesOpened.get();
  }

  /** Store watches open now. */
  public int watchesOpen() {
    return watchesOpen.get();
  }

  private void pass(String key) {
    Gate g = gate;
    if (g != null) {
      g.pass(key);
    }
  }

  @Override
  public Optional<KeyValue> get(String key) {
    pass(key);
    return store.get(key);
  }

  @Override
  public ListResult list(String prefix, int limit, String continueAfter, long atRevision) {
    return store.list(prefix, limit, continueAfter, atRevision);
  }

  @Override
  public long count(String prefix) {
    return store.count(prefix);
  }

  @Override
  public KeyValue create(String key, byte[] value) {
    pass(key);
    return store.create(key, value);
  }

  /**
   * The next update of {@code key} finds that another writer got in first: just before it, the
   * key's current value is written again, so the update's compare-and-swap fails.
   */
  public void beatNextUpdateOf(String key) {
    beaten = key;
  }

  @Override
  public KeyValue update(String key, byte[] value, long expectedModRevision) {
    pass(key);
    if (key.equals(beaten)) {
      beaten = null;
      KeyValue current = store.get(key).orElseThrow();
      store.update(key, current.value(), current.modRevision());
    }
    return store.update(key, value, expectedModRevision);
  }

  @Override
  public Deleted delete(String key, long expectedModRevision) {
    pass(key);
    return store.delete(key, expectedModRevision);
  }

  @Override
  public Watch watch(String prefix, long fromRevision, WatchListener listener) {
    WatchListener held =
        new WatchListener() {
          @Override
          public void onEvents(List<WatchEvent> events) {
            CountDownLatch p = paused;
            if (p != null) {
              holding.countDown();
              try {
                p.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            listener.onEvents(events);
          }

          @Override
          public void onError(StoreException error) {
            listener.onError(error);
          }
        };
    Watch w = store.watch(prefix, fromRevision, held);
    watchesOpened.incrementAndGet();
    watchesOpen.incrementAndGet();
    AtomicInteger once = new AtomicInteger();
    return () -> {
      if (once.getAndIncrement() == 0) {
        watchesOpen.decrementAndGet();
      }
      w.close();
    };
  }

  @Override
  public void compact(long revision) {
    store.compact(revision);
  }

  @Override
  public long currentRevision() {
    return store.currentRevision();
  }

  @Override
  public long compactedRevision() {
    return store.compactedRevision();
  }

  @Override
  public void close() {
    store.close();
  }
}
