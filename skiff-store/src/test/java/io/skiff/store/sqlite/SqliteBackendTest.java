package io.skiff.store.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.skiff.store.KeyValue;
import io.skiff.store.ListResult;
import io.skiff.store.StorageFailureException;
import io.skiff.store.Store;
import io.skiff.store.StoreClosedException;
import io.skiff.store.Watch;
import io.skiff.store.WatchEvent;
import io.skiff.store.tck.RecordingListener;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the contract suite cannot see: the file, group commit, compaction's space, bad files. */
class SqliteBackendTest {

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("skiff.db");
  }

  private SqliteStore open() {
    return SqliteStore.open(file(), SqliteStore.Options.defaults());
  }

  @Test
  void concurrentWritersShareCommits() throws Exception {
    try (SqliteStore store = open()) {
      int writes = writeConcurrently(store);
      assertThat(store.commits()).isLessThan(writes / 2);
    }
  }

  @Test
  void aBatchTakesAtMostMaxBatchWrites() throws Exception {
    try (SqliteStore store = SqliteStore.open(file(), new SqliteStore.Options(false, 1))) {
      int writes = writeConcurrently(store);
      assertThat(store.commits()).isEqualTo(writes);
    }
  }

  /** Creates keys from 16 threads at once; returns how many. */
  private static int writeConcurrently(SqliteStore store) throws Exception {
    int threads = 16;
    int perThread = 25;
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      CountDownLatch start = new CountDownLatch(1);
      Set<Long> revisions = ConcurrentHashMap.newKeySet();
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    revisions.add(store.create("/g/" + thread + "/" + i, v("x")).modRevision());
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
      int writes = threads * perThread;
      assertThat(revisions).hasSize(writes).allMatch(r -> r >= 1 && r <= writes);
      return writes;
    }
  }

  @Test
  void dataAndRevisionsSurviveReopeningEvenWhenTheNewestRowsWereCompactedAway() throws Exception {
    byte[] big = new byte[Store.MAX_VALUE_BYTES];
    new Random(7).nextBytes(big);
    try (SqliteStore store = open()) {
      store.create("/big", big);
      store.create("/gone", v("x"));
      store.delete("/gone", 2);
      store.compact(3);
    }
    assertThat(logRows()).isEqualTo(1);
    try (SqliteStore store = open()) {
      assertThat(store.currentRevision()).isEqualTo(3);
      assertThat(store.compactedRevision()).isEqualTo(3);
      assertThat(store.get("/big").orElseThrow().value()).isEqualTo(big);
      assertThat(store.get("/gone")).isEmpty();
      assertThat(store.create("/gone", v("again")))
          .isEqualTo(new KeyValue("/gone", v("again"), 4, 4));
    }
  }

  @Test
  void compactionDeletesHistoryGivesSpaceBackAndKeepsTheStateAtItsRevision() throws Exception {
    byte[] value = new byte[16 << 10];
    try (SqliteStore store = open()) {
      for (int k = 0; k < 50; k++) {
        store.create("/c/" + k, value);
        for (int u = 0; u < 9; u++) {
          store.update("/c/" + k, value, Store.ANY_REVISION);
        }
        if (k % 5 == 0) {
          store.delete("/c/" + k, Store.ANY_REVISION);
        }
      }
      long head = store.currentRevision();
      ListResult before = store.list("/c/", 0, null, head);
      long pagesBefore = pragma("page_count");

      store.compact(head);

      assertThat(logRows()).isEqualTo(40);
      assertThat(pragma("freelist_count")).isZero();
      assertThat(pragma("page_count")).isLessThan(pagesBefore / 5);
      assertThat(store.list("/c/", 0, null, head)).isEqualTo(before);
      assertThat(store.count("/c/")).isEqualTo(40);
    }
  }

  @Test
  void aCompactionCutShortIsFinishedOnTheNextOpen() throws Exception {
    long head;
    try (SqliteStore store = open()) {
      for (int i = 0; i < 20; i++) {
        store.create("/k/" + i, v("0"));
        store.update("/k/" + i, v("1"), Store.ANY_REVISION);
      }
      head = store.currentRevision();
    }
    // As if the process died right after recording the compaction, before purging anything.
    sql("UPDATE meta SET value = " + head + " WHERE key = 'compacted'");
    try (SqliteStore store = open()) {
      assertThat(store.compactedRevision()).isEqualTo(head);
      await().atMost(Duration.ofSeconds(10)).until(() -> logRows() == 20);
      assertThat(store.list("/k/", 0, null, Store.LATEST).items())
          .hasSize(20)
          .allSatisfy(kv -> assertThat(kv.value()).isEqualTo(v("1")));
    }
  }

  @Test
  void aWatchReplayingPastACompactedDeletionSeesACreateWithoutPrevious() {
    try (SqliteStore store = open()) {
      store.create("/k", v("1")); // 1
      store.delete("/k", 1); // 2
      store.create("/k", v("2")); // 3
      store.compact(2);
      RecordingListener l = new RecordingListener();
      try (Watch w = store.watch("/", 2, l)) {
        WatchEvent e = l.awaitRevision(3).getFirst();
        assertThat(e.type()).isEqualTo(WatchEvent.Type.CREATED);
        assertThat(e.kv()).isEqualTo(new KeyValue("/k", v("2"), 3, 3));
        assertThat(e.prevKv()).isNull();
      }
    }
  }

  @Test
  void aFailedCommitFailsItsWritesAndLeavesTheStoreInStepWithTheFile() throws Exception {
    try (SqliteStore store = open()) {
      store.create("/a", v("1"));
      RecordingListener l = new RecordingListener();
      try (Watch w = store.watch("/", 1, l)) {
        store.execOnWriter("PRAGMA max_page_count = " + pragma("page_count"));

        assertThatThrownBy(() -> store.create("/big", new byte[1 << 20]))
            .isInstanceOf(StorageFailureException.class)
            .hasMessageContaining(file().toString())
            .hasMessageContaining("full");
        assertThat(store.currentRevision()).isEqualTo(1);
        assertThat(store.get("/big")).isEmpty();

        store.execOnWriter("PRAGMA max_page_count = 1073741823");
        assertThat(store.create("/next", v("2")).modRevision()).isEqualTo(2);
        assertThat(l.awaitRevision(2)).extracting(WatchEvent::key).containsExactly("/next");
      }
    }
  }

  @Test
  void theDatabaseItselfRefusesARowThatDoesNotFollowItsKeysLatestRow() {
    try (SqliteStore store = open()) {
      store.create("/k", v("1"));
      KeyValue latest = store.update("/k", v("2"), 1);
      // Rows written past the writer's check: one based on the key's first row, as a lost update
      // would be, and a second create of the key.
      for (String row : List.of("(3, '/k', 0, 0, 1, 1, x'00')", "(3, '/k', 1, 0, 3, 0, x'00')")) {
        assertThatThrownBy(() -> store.execOnWriter("INSERT INTO log VALUES " + row))
            .hasMessageContaining("a row must follow its key's latest row");
      }
      assertThat(store.get("/k")).contains(latest);
      assertThat(store.update("/k", v("3"), 2).modRevision()).isEqualTo(3);
    }
  }

  @Test
  void aVersion1StoreIsUpgradedInPlaceWithItsData() throws Exception {
    try (SqliteStore store = open()) {
      store.create("/a", v("1"));
      store.update("/a", v("2"), 1);
      store.create("/b", v("x"));
    }
    // What version 1 had instead of the trigger.
    sql("DROP TRIGGER log_follows_latest");
    sql("CREATE UNIQUE INDEX log_name_prev ON log (name, prev_revision)");
    sql("PRAGMA user_version = 1");

    try (SqliteStore store = open()) {
      assertThat(store.get("/a").orElseThrow()).isEqualTo(new KeyValue("/a", v("2"), 1, 2));
      assertThat(store.currentRevision()).isEqualTo(3);
      assertThat(store.update("/b", v("y"), 3).modRevision()).isEqualTo(4);
    }
    assertThat(pragma("user_version")).isEqualTo(Schema.VERSION);
    assertThat(schemaObjects()).contains("log_follows_latest").doesNotContain("log_name_prev");
  }

  @Test
  void closeFinishesQueuedWritesAndRefusesLaterOnes() throws Exception {
    Map<String, Long> written = new ConcurrentHashMap<>();
    List<Throwable> endings = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      SqliteStore store = open();
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        writers.add(
            pool.submit(
                () -> {
                  for (int i = 0; ; i++) {
                    String key = "/w/" + thread + "/" + i;
                    written.put(key, store.create(key, v("x")).modRevision());
                  }
                }));
      }
      await().until(() -> written.size() >= 100);
      store.close();
      for (Future<?> f : writers) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          endings.add(e.getCause());
        }
      }
    }
    assertThat(endings).hasSize(8).allMatch(e -> e instanceof StoreClosedException);
    try (SqliteStore store = open()) {
      assertThat(store.count("/w/")).isEqualTo(written.size());
      written.forEach(
          (key, rev) -> assertThat(store.get(key).orElseThrow().modRevision()).isEqualTo(rev));
    }
  }

  @Test
  void theFileIsMarkedAsSkiffsAndSetUpForWalAndIncrementalVacuum() throws Exception {
    open().close();
    assertThat(pragma("application_id")).isEqualTo(Schema.APPLICATION_ID);
    assertThat(pragma("user_version")).isEqualTo(Schema.VERSION);
    assertThat(pragma("auto_vacuum")).isEqualTo(2);
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
      assertThat(rs.getString(1)).isEqualTo("wal");
    }
  }

  @Test
  void anEmptyFileOrAMissingDirectoryGetsAFreshStore() throws Exception {
    Files.createFile(file());
    try (SqliteStore store = open()) {
      assertThat(store.create("/a", v("1")).modRevision()).isEqualTo(1);
    }
    Path nested = dir.resolve("a/b/skiff.db");
    try (SqliteStore store = SqliteStore.open(nested, SqliteStore.Options.defaults())) {
      assertThat(store.currentRevision()).isZero();
    }
  }

  @Test
  void garbageIsNotTakenForAStore() throws Exception {
    byte[] garbage = new byte[8192];
    new Random(1).nextBytes(garbage);
    Files.write(file(), garbage);
    assertRefused("is not a SQLite database");
    assertThat(Files.readAllBytes(file())).isEqualTo(garbage);

    Files.writeString(file(), "hello, I am a text file\n");
    assertRefused("is not a SQLite database");
  }

  @Test
  void anotherApplicationsDatabaseIsLeftAlone() throws Exception {
    sql("CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT)");
    sql("INSERT INTO accounts (owner) VALUES ('alice')");
    byte[] before = Files.readAllBytes(file());
    assertRefused("another application");
    assertThat(Files.readAllBytes(file())).isEqualTo(before);
  }

  @Test
  void aStoreOfAnotherSchemaVersionIsRefused() throws Exception {
    open().close();
    sql("PRAGMA user_version = 99");
    assertRefused("schema version 99");
  }

  @Test
  void aTruncatedStoreIsReportedCorrupted() throws Exception {
    writeSomeData();
    try (RandomAccessFile f = new RandomAccessFile(file().toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    assertRefused("is corrupted");
  }

  @Test
  void aStoreWithDamagedPagesIsReportedCorrupted() throws Exception {
    writeSomeData();
    byte[] bytes = Files.readAllBytes(file());
    Random random = new Random(3);
    // Past the header and the first pages, into the tables' and indexes' pages.
    for (int i = 4 * 4096; i < bytes.length; i += 4096) {
      for (int j = 0; j < 64; j++) {
        bytes[i + j] = (byte) random.nextInt();
      }
    }
    Files.write(file(), bytes);
    assertRefused("is corrupted");
    assertThat(Files.readAllBytes(file())).isEqualTo(bytes);
  }

  private void writeSomeData() {
    try (SqliteStore store = open()) {
      for (int i = 0; i < 200; i++) {
        store.create("/d/" + i, new byte[3000]);
      }
    }
  }

  private void assertRefused(String what) {
    assertThatThrownBy(this::open)
        .isInstanceOf(StorageFailureException.class)
        .hasMessageContaining(file().toString())
        .hasMessageContaining(what);
  }

  private static byte[] v(String s) {
    return s.getBytes(UTF_8);
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file());
  }

  private long logRows() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM log")) {
      return rs.getLong(1);
    }
  }

  private List<String> schemaObjects() throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT name FROM sqlite_schema")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  private long pragma(String name) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      return rs.getLong(1);
    }
  }

  private void sql(String sql) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
