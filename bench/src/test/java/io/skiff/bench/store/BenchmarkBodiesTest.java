package io.skiff.bench.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs each benchmark body a few times outside JMH, on the memory backend and raw sqlite, so that a
 * broken benchmark fails the build instead of a benchmark run. Nothing here measures anything.
 */
class BenchmarkBodiesTest {

  @Test
  void durableWritesGiveEachWriterItsOwnKeys() {
    DurableWriteBenchmark.Db db = new DurableWriteBenchmark.Db();
    db.backend = "memory";
    db.open();
    try {
      DurableWriteBenchmark bench = new DurableWriteBenchmark();
      DurableWriteBenchmark.Writer a = new DurableWriteBenchmark.Writer();
      DurableWriteBenchmark.Writer b = new DurableWriteBenchmark.Writer();
      a.name(db);
      b.name(db);
      for (int i = 0; i < 3; i++) {
        bench.create1Writer(db, a);
        bench.create16Writers(db, b);
      }
      assertThat(db.store.count("/registry/bench/")).isEqualTo(6);
      assertThat(db.store.get("/registry/bench/writer-1/key-2").orElseThrow().value())
          .hasSize(DurableWriteBenchmark.VALUE_BYTES);
    } finally {
      db.close();
    }
    assertThat(db.dir).doesNotExist();
  }

  @Test
  void rawInsertsCommitOneRowEach() throws Exception {
    RawSqliteWriteBenchmark.Db db = new RawSqliteWriteBenchmark.Db();
    db.create();
    try {
      RawSqliteWriteBenchmark bench = new RawSqliteWriteBenchmark();
      RawSqliteWriteBenchmark.Writer one = new RawSqliteWriteBenchmark.Writer();
      one.connect(db);
      assertThat(bench.insert1Writer(db, one)).isEqualTo(1);
      one.disconnect();
      RawSqliteWriteBenchmark.Writers sixteen = new RawSqliteWriteBenchmark.Writers();
      sixteen.connect(db);
      sixteen.rowsPerWriter = 2;
      assertThat(bench.insert16Writers(db, sixteen)).isEqualTo(32);
      sixteen.disconnect();
      try (Connection c = db.dataSource.getConnection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*), max(length(value)) FROM kv")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(33);
        assertThat(rs.getInt(2)).isEqualTo(DurableWriteBenchmark.VALUE_BYTES);
      }
    } finally {
      db.delete();
    }
    assertThat(db.dir).doesNotExist();
  }

  @Test
  void listsReturnEveryKeyWholeAndPaged() throws Exception {
    ListBenchmark bench = new ListBenchmark();
    bench.backend = "memory";
    bench.fill();
    try {
      assertThat(bench.listAll().items()).hasSize(ListBenchmark.KEYS);
      assertThat(bench.listPaged()).isEqualTo(ListBenchmark.KEYS);
    } finally {
      bench.close();
    }
  }

  @Test
  void fanOutReturnsOnceEveryWatcherHasTheBatch() throws Exception {
    WatchFanOutBenchmark bench = new WatchFanOutBenchmark();
    bench.backend = "memory";
    bench.open();
    try {
      for (int i = 0; i < 3; i++) {
        bench.writeAndDeliver();
      }
      assertThat(bench.store.count(WatchFanOutBenchmark.PREFIX))
          .isEqualTo(3L * WatchFanOutBenchmark.EVENTS);
    } finally {
      bench.close();
    }
  }

  @Test
  void summaryShowsMissingFiguresAsNotAvailable() {
    StoreBenchmarks.Summary summary = new StoreBenchmarks.Summary(List.of());
    String table = summary.table();
    assertThat(table).contains("durable writes, store sqlite, 16 writers").contains("n/a");
    assertThat(summary.missing()).isEqualTo(11);
  }
}
