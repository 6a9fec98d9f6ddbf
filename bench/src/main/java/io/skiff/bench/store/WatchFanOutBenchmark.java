package io.skiff.bench.store;

import io.skiff.bench.BenchFiles;
import io.skiff.store.Store;
import io.skiff.store.StoreException;
import io.skiff.store.Watch;
import io.skiff.store.WatchEvent;
import io.skiff.store.WatchListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Watch fan-out: 100 watchers of one prefix, as many informers watching one resource. Each
 * invocation writes a batch of 100 keys and returns once every watcher has received all 100 events,
 * so its time runs from the first write to the last delivery. JMH reports events delivered per
 * second (one operation is one event reaching one watcher: 100 × 100 per invocation).
 *
 * <p>The batch is written by 16 concurrent writers, as by the API server's request threads; on the
 * sqlite backend its writes are therefore group-committed, and the figure includes their fsyncs.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Threads(1)
@OperationsPerInvocation(WatchFanOutBenchmark.WATCHERS * WatchFanOutBenchmark.EVENTS)
public class WatchFanOutBenchmark {

  static final int WATCHERS = 100;
  static final int EVENTS = 100;
  static final int WRITERS = 16;
  static final String PREFIX = "/registry/pods/";

  /** Long enough for any sane store; a watcher that never catches up fails the run. */
  private static final long DELIVERY_TIMEOUT_SECONDS = 60;

  @Param({"memory", "sqlite"})
  public String backend;

  Path dir;
  Store store;
  ExecutorService writers;
  final List<Watch> watches = new ArrayList<>();
  final byte[] value = BenchFiles.value(DurableWriteBenchmark.VALUE_BYTES, 42);
  private long nextKey;

  /** Counted down once by each watcher when it has received the current batch. */
  private volatile CountDownLatch round = new CountDownLatch(0);

  private volatile StoreException failure;

  @Setup(Level.Trial)
  public void open() {
    dir = BenchFiles.freshDir("watch");
    store = Backend.of(backend).open(dir);
    writers = Executors.newFixedThreadPool(WRITERS);
    long from = store.currentRevision();
    for (int i = 0; i < WATCHERS; i++) {
      watches.add(store.watch(PREFIX, from, new Counter()));
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    try {
      // Watches first: closing the store would end them with an error that is no failure here.
      watches.forEach(Watch::close);
      watches.clear();
      if (writers != null) {
        writers.shutdownNow();
      }
      if (store != null) {
        store.close();
      }
    } finally {
      BenchFiles.delete(dir);
    }
  }

  @Benchmark
  public void writeAndDeliver() throws InterruptedException, ExecutionException {
    CountDownLatch delivered = new CountDownLatch(WATCHERS);
    round = delivered;
    long first = nextKey;
    nextKey += EVENTS;
    List<Callable<Void>> batch = new ArrayList<>(WRITERS);
    for (int w = 0; w < WRITERS; w++) {
      long start = first + w;
      batch.add(
          () -> {
            for (long k = start; k < first + EVENTS; k += WRITERS) {
              store.create(PREFIX + "pod-" + k, value);
            }
            return null;
          });
    }
    for (Future<Void> f : writers.invokeAll(batch)) {
      f.get();
    }
    if (!delivered.await(DELIVERY_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          delivered.getCount() + " of " + WATCHERS + " watchers did not receive the batch");
    }
    if (failure != null) {
      throw new IllegalStateException("a watch ended", failure);
    }
  }

  /** Counts one watcher's events and reports each complete batch. */
  private final class Counter implements WatchListener {
    // Touched only by this watch's deliveries, which never overlap.
    private long seen;
    private long nextBatchEnd = EVENTS;

    @Override
    public void onEvents(List<WatchEvent> events) {
      seen += events.size();
      while (seen >= nextBatchEnd) {
        round.countDown();
        nextBatchEnd += EVENTS;
      }
    }

    @Override
    public void onError(StoreException error) {
      failure = error;
      CountDownLatch r = round;
      // Release the waiting benchmark at once; it then reports the failure.
      while (r.getCount() > 0) {
        r.countDown();
      }
    }
  }
}
