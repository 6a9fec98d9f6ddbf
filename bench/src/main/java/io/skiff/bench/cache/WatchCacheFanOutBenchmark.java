package io.skiff.bench.cache;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.apiserver.cache.ListRead;
import io.skiff.apiserver.cache.WatchCacheConfig;
import io.skiff.apiserver.cache.WatchFeed;
import io.skiff.apiserver.cache.WatchRequest;
import io.skiff.apiserver.registry.Registry;
import io.skiff.apiserver.registry.ResourceStorage;
import io.skiff.apiserver.registry.WriteOptions;
import io.skiff.clock.Clock;
import io.skiff.store.memory.MemoryStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Watch fan-out from the API server's watch cache: 1,000 watchers of one resource's namespace, as a
 * thousand HTTP watches of configmaps, all fed by one store watch. Each invocation creates 100
 * configmaps through the resource storage (defaulting, validation, encoding) from 16 writers and
 * returns once every watcher has taken all 100 events and their JSON (encoded once, shared by every
 * watcher, as an HTTP watch writes it). JMH reports events delivered per second: one operation is
 * one event reaching one watcher, 1,000 × 100 per invocation. The memory store, so that the figure
 * is the cache's, not the disk's.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Threads(1)
@OperationsPerInvocation(WatchCacheFanOutBenchmark.WATCHERS * WatchCacheFanOutBenchmark.EVENTS)
public class WatchCacheFanOutBenchmark {

  static final int WATCHERS = 1000;
  static final int EVENTS = 100;
  static final int WRITERS = 16;
  static final String NAMESPACE = "default";

  /** Long enough for any sane cache; a watcher that never catches up fails the run. */
  private static final long DELIVERY_TIMEOUT_SECONDS = 60;

  MemoryStore store;
  Registry registry;
  ResourceStorage configMaps;
  ExecutorService writers;
  final List<WatchFeed> feeds = new ArrayList<>();
  private long nextName;

  /** Counted down once by each watcher when it has taken the current batch. */
  private volatile CountDownLatch round = new CountDownLatch(0);

  private volatile String failure;

  /** The JSON the watchers took, so that taking it cannot be optimised away. */
  final LongAdder jsonBytes = new LongAdder();

  @Setup(Level.Trial)
  public void open() {
    store = new MemoryStore();
    registry =
        new Registry(
            ResourceRegistry.builtin(),
            store,
            new ObjectCodec(),
            Clock.system(),
            WatchCacheConfig.defaults());
    registry.bootstrap();
    configMaps = registry.storage("", "v1", "configmaps").orElseThrow();
    writers = Executors.newFixedThreadPool(WRITERS);
    long from =
        registry
            .reads()
            .list(configMaps, NAMESPACE, null, null, 0, null, ListRead.of("", "", 0, null))
            .revision();
    for (int i = 0; i < WATCHERS; i++) {
      WatchFeed feed =
          registry
              .reads()
              .watch(
                  configMaps,
                  new WatchRequest(
                      NAMESPACE,
                      null,
                      null,
                      String.valueOf(from),
                      null,
                      false,
                      Duration.ofDays(1)));
      feeds.add(feed);
      Thread.ofVirtual().name("bench-watcher-" + i).start(() -> drain(feed));
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    feeds.forEach(WatchFeed::close);
    feeds.clear();
    if (writers != null) {
      writers.shutdownNow();
    }
    if (registry != null) {
      registry.watchCache().close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Benchmark
  public void writeAndDeliver() throws InterruptedException, ExecutionException {
    CountDownLatch delivered = new CountDownLatch(WATCHERS);
    round = delivered;
    long first = nextName;
    nextName += EVENTS;
    List<Callable<Void>> batch = new ArrayList<>(WRITERS);
    for (int w = 0; w < WRITERS; w++) {
      long start = first + w;
      batch.add(
          () -> {
            for (long n = start; n < first + EVENTS; n += WRITERS) {
              configMaps.create(
                  NAMESPACE,
                  new ConfigMapBuilder()
                      .withNewMetadata()
                      .withName("cm-" + n)
                      .endMetadata()
                      .addToData("key", "value-" + n)
                      .build(),
                  WriteOptions.DEFAULT);
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
      throw new IllegalStateException(failure);
    }
  }

  /** One watcher: takes every event and its JSON, and reports each complete batch. */
  private void drain(WatchFeed feed) {
    long seen = 0;
    try {
      while (true) {
        WatchFeed.Item item = feed.next();
        if (item instanceof WatchFeed.End end) {
          if (end.error() != null || !feeds.isEmpty()) {
            failure = "a watch ended: " + end;
            CountDownLatch r = round;
            while (r.getCount() > 0) {
              r.countDown();
            }
          }
          return;
        }
        if (item instanceof WatchFeed.Event e) {
          jsonBytes.add(e.object().json().length);
          seen++;
          if (seen % EVENTS == 0) {
            round.countDown();
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
