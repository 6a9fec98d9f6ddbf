package io.skiff.bench.store;

import io.skiff.bench.BenchFiles;
import io.skiff.store.KeyValue;
import io.skiff.store.Store;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Acknowledged durable writes per second: each operation is one {@link Store#create} of a fresh key
 * with a 512-byte value, which returns only once the write is fsynced. With 16 writers the sqlite
 * backend's group commit should put many writes behind each fsync.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DurableWriteBenchmark {

  static final int VALUE_BYTES = 512;

  /** One store per trial, in a fresh directory that is deleted afterwards. */
  @State(Scope.Benchmark)
  public static class Db {
    /** {@code sqlite} (default options: synchronous FULL) or {@code memory}, for comparison. */
    @Param({"sqlite"})
    public String backend;

    Path dir;
    Store store;
    final byte[] value = BenchFiles.value(VALUE_BYTES, 42);
    final AtomicInteger writers = new AtomicInteger();

    @Setup(Level.Trial)
    public void open() {
      dir = BenchFiles.freshDir("writes");
      store = Backend.of(backend).open(dir);
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
  }

  /** A writer's own key space, so that no two writers ever race for a key. */
  @State(Scope.Thread)
  public static class Writer {
    String prefix;
    long next;

    @Setup(Level.Trial)
    public void name(Db db) {
      prefix = "/registry/bench/writer-" + db.writers.getAndIncrement() + "/key-";
    }

    String nextKey() {
      return prefix + next++;
    }
  }

  @Benchmark
  @Threads(1)
  public KeyValue create1Writer(Db db, Writer w) {
    return db.store.create(w.nextKey(), db.value);
  }

  @Benchmark
  @Threads(16)
  public KeyValue create16Writers(Db db, Writer w) {
    return db.store.create(w.nextKey(), db.value);
  }
}
