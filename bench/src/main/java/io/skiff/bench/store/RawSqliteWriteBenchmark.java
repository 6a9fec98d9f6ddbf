package io.skiff.bench.store;

import io.skiff.bench.BenchFiles;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The baseline the store's group commit has to beat: plain sqlite-jdbc, one INSERT per transaction
 * (autocommit), WAL and {@code synchronous=FULL}, so one fsync per row. With 16 writers each has
 * its own connection and SQLite's busy handler queues them on the write lock, which is the rate a
 * naive one-row-per-commit design gets under concurrency.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RawSqliteWriteBenchmark {

  static final int WRITERS = 16;
  static final int ROWS_PER_WRITER = 256;

  static final String TABLE =
      "CREATE TABLE kv (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, value BLOB)";

  /** The database file of one trial, in a fresh directory that is deleted afterwards. */
  @State(Scope.Benchmark)
  public static class Db {
    Path dir;
    SQLiteDataSource dataSource;
    final byte[] value = BenchFiles.value(DurableWriteBenchmark.VALUE_BYTES, 42);
    final AtomicInteger writers = new AtomicInteger();

    @Setup(Level.Trial)
    public void create() throws SQLException {
      dir = BenchFiles.freshDir("raw");
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
      // Waiting writers sleep in SQLite's busy handler instead of failing with SQLITE_BUSY.
      config.setBusyTimeout(60_000);
      dataSource = new SQLiteDataSource(config);
      dataSource.setUrl("jdbc:sqlite:" + dir.resolve("raw.db"));
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        s.execute(TABLE);
      }
    }

    @TearDown(Level.Trial)
    public void delete() {
      BenchFiles.delete(dir);
    }
  }

  /** One connection per writer, as separate processes or pools would have. */
  @State(Scope.Thread)
  public static class Writer {
    Connection connection;
    PreparedStatement insert;
    String prefix;
    long next;

    @Setup(Level.Trial)
    public void connect(Db db) throws SQLException {
      connection = db.dataSource.getConnection();
      try (Statement s = connection.createStatement()) {
        requirePragma(s, "journal_mode", "wal");
        // 2 is FULL.
        requirePragma(s, "synchronous", "2");
      }
      insert = connection.prepareStatement("INSERT INTO kv (name, value) VALUES (?, ?)");
      prefix = "/registry/bench/writer-" + db.writers.getAndIncrement() + "/key-";
    }

    @TearDown(Level.Trial)
    public void disconnect() throws SQLException {
      try {
        insert.close();
      } finally {
        connection.close();
      }
    }

    int insert(byte[] value) throws SQLException {
      insert.setString(1, prefix + next++);
      insert.setBytes(2, value);
      return insert.executeUpdate();
    }
  }

  private static void requirePragma(Statement s, String pragma, String expected)
      throws SQLException {
    try (ResultSet rs = s.executeQuery("PRAGMA " + pragma)) {
      String actual = rs.next() ? rs.getString(1) : null;
      if (!expected.equalsIgnoreCase(actual)) {
        throw new IllegalStateException(
            "PRAGMA " + pragma + " is " + actual + ", the baseline needs " + expected);
      }
    }
  }

  @Benchmark
  @Threads(1)
  public int insert1Writer(Db db, Writer w) throws SQLException {
    return w.insert(db.value);
  }

  /** The 16 writers' threads and connections, opened once per trial. */
  @State(Scope.Benchmark)
  public static class Writers {
    ExecutorService threads;
    final List<Writer> writers = new ArrayList<>();
    // Tests lower it; the score's operation count assumes the constant.
    int rowsPerWriter = ROWS_PER_WRITER;

    @Setup(Level.Trial)
    public void connect(Db db) throws SQLException {
      threads = Executors.newFixedThreadPool(WRITERS);
      for (int i = 0; i < WRITERS; i++) {
        Writer w = new Writer();
        w.connect(db);
        writers.add(w);
      }
    }

    @TearDown(Level.Trial)
    public void disconnect() throws SQLException {
      threads.shutdownNow();
      for (Writer w : writers) {
        w.disconnect();
      }
    }
  }

  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(WRITERS * ROWS_PER_WRITER)
  public int insert16Writers(Db db, Writers writers)
      throws InterruptedException, ExecutionException {
    List<Callable<Integer>> work = new ArrayList<>(WRITERS);
    for (Writer w : writers.writers) {
      work.add(
          () -> {
            int rows = 0;
            for (int i = 0; i < writers.rowsPerWriter; i++) {
              rows += w.insert(db.value);
            }
            return rows;
          });
    }
    int rows = 0;
    for (Future<Integer> f : writers.threads.invokeAll(work)) {
      rows += f.get();
    }
    return rows;
  }
}
