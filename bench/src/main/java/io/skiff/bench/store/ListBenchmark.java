package io.skiff.bench.store;

import io.skiff.bench.BenchFiles;
import io.skiff.store.ListResult;
import io.skiff.store.Store;
import io.skiff.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Listing one prefix of 10,000 keys of about 1 KiB each, the way the API server serves an
 * unpaginated {@code kubectl get} of a big collection, whole and in pages of 500.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Threads(1)
public class ListBenchmark {

  static final int KEYS = 10_000;
  static final int VALUE_BYTES = 1024;
  static final int PAGE = 500;
  static final String PREFIX = "/registry/configmaps/";
  private static final int FILLERS = 16;

  @Param({"memory", "sqlite"})
  public String backend;

  Path dir;
  Store store;

  @Setup(Level.Trial)
  public void fill() throws InterruptedException, ExecutionException {
    dir = BenchFiles.freshDir("list");
    Backend b = Backend.of(backend);
    // The fill is not what is measured: synchronous=NORMAL spares thousands of fsyncs, and the
    // store is then reopened with the default, durable options for the reads.
    SqliteStore.Options fast =
        new SqliteStore.Options(false, SqliteStore.Options.defaults().maxBatch());
    Store filling = b.open(dir, fast);
    try {
      fill(filling, KEYS);
      if (b == Backend.SQLITE) {
        filling.close();
        filling = b.open(dir);
      }
    } catch (InterruptedException | ExecutionException | RuntimeException e) {
      filling.close();
      BenchFiles.delete(dir);
      throw e;
    }
    store = filling;
    int listed = store.list(PREFIX, 0, null, Store.LATEST).items().size();
    if (listed != KEYS) {
      throw new IllegalStateException("filled " + KEYS + " keys but list returned " + listed);
    }
  }

  /** Creates {@code keys} keys under {@link #PREFIX} from several threads, for group commit. */
  static void fill(Store store, int keys) throws InterruptedException, ExecutionException {
    byte[] value = BenchFiles.value(VALUE_BYTES, 7);
    ExecutorService pool = Executors.newFixedThreadPool(FILLERS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < FILLERS; t++) {
        int first = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = first; i < keys; i += FILLERS) {
                    store.create(key(i), value);
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Namespaced like Kubernetes keys, so that list order is not insertion order. */
  static String key(int i) {
    return PREFIX + "ns-" + (i % 10) + "/cm-" + String.format("%05d", i);
  }

  @TearDown(Level.Trial)
  public void close() {
    try {
      if (store != null) {
        store.close();
      }
    } finally {
      BenchFiles.delete(dir);
    }
  }

  @Benchmark
  public ListResult listAll() {
    return store.list(PREFIX, 0, null, Store.LATEST);
  }

  /** Every page of 500 at one snapshot revision, as a paginating client reads them. */
  @Benchmark
  public int listPaged() {
    ListResult page = store.list(PREFIX, PAGE, null, Store.LATEST);
    int items = page.items().size();
    while (page.more()) {
      page = store.list(PREFIX, PAGE, page.continueAfter(), page.revision());
      items += page.items().size();
    }
    return items;
  }
}
