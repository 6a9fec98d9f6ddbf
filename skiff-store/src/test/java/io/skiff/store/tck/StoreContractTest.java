package io.skiff.store.tck;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.skiff.store.CompactedException;
import io.skiff.store.ConflictException;
import io.skiff.store.Deleted;
import io.skiff.store.FutureRevisionException;
import io.skiff.store.InvalidRequestException;
import io.skiff.store.KeyExistsException;
import io.skiff.store.KeyNotFoundException;
import io.skiff.store.KeyValue;
import io.skiff.store.ListResult;
import io.skiff.store.Store;
import io.skiff.store.StoreClosedException;
import io.skiff.store.StoreException;
import io.skiff.store.Watch;
import io.skiff.store.WatchEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The storage contract of {@link Store}, run unchanged by every backend: extend this class and
 * implement {@link #openStore(Path)}. Backends that persist also override {@link #persistent()} so
 * that the reopen cases run.
 */
public abstract class StoreContractTest {

  @TempDir protected Path dir;
  protected Store store;

  /** Opens the backend's store in {@code dir}; called again on the same dir by reopen cases. */
  protected abstract Store openStore(Path dir);

  /** Whether the backend keeps data across close and reopen. */
  protected boolean persistent() {
    return false;
  }

  @BeforeEach
  void open() {
    store = openStore(dir);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  protected static byte[] v(String s) {
    return s.getBytes(UTF_8);
  }

  protected static String s(byte[] b) {
    return b == null ? null : new String(b, UTF_8);
  }

  // ---- revisions and single-key writes ----

  @Test
  void everyWriteTakesTheNextRevision() {
    assertThat(store.currentRevision()).isZero();
    KeyValue a = store.create("/a", v("1"));
    KeyValue b = store.create("/b", v("2"));
    KeyValue a2 = store.update("/a", v("3"), a.modRevision());
    Deleted d = store.delete("/b", b.modRevision());

    assertThat(a).isEqualTo(new KeyValue("/a", v("1"), 1, 1));
    assertThat(b).isEqualTo(new KeyValue("/b", v("2"), 2, 2));
    assertThat(a2).isEqualTo(new KeyValue("/a", v("3"), 1, 3));
    assertThat(d.revision()).isEqualTo(4);
    assertThat(d.previous()).isEqualTo(b);
    assertThat(store.currentRevision()).isEqualTo(4);
    assertThat(store.get("/a")).contains(a2);
    assertThat(store.get("/b")).isEmpty();
  }

  @Test
  void aKeyCreatedAgainAfterDeletionGetsANewCreateRevision() {
    KeyValue first = store.create("/k", v("x"));
    store.delete("/k", Store.ANY_REVISION);
    KeyValue second = store.create("/k", v("y"));
    assertThat(second.createRevision()).isEqualTo(3).isNotEqualTo(first.createRevision());
    assertThat(store.update("/k", v("z"), 3).createRevision()).isEqualTo(3);
  }

  @Test
  void unconditionalWritesIgnoreTheRevision() {
    store.create("/k", v("1"));
    store.update("/k", v("2"), Store.ANY_REVISION);
    assertThat(s(store.get("/k").orElseThrow().value())).isEqualTo("2");
    assertThat(store.delete("/k", Store.ANY_REVISION).previous().modRevision()).isEqualTo(2);
  }

  /** A failing write: what to do to a store holding /k (mod 1) and what must be thrown. */
  record FailingWrite(String name, Consumer<Store> write, Class<? extends StoreException> error) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<FailingWrite> failingWrites() {
    return Stream.of(
        new FailingWrite(
            "create existing", s -> s.create("/k", v("new")), KeyExistsException.class),
        new FailingWrite("update stale", s -> s.update("/k", v("new"), 7), ConflictException.class),
        new FailingWrite("delete stale", s -> s.delete("/k", 7), ConflictException.class),
        new FailingWrite(
            "update missing", s -> s.update("/nope", v("n"), 1), KeyNotFoundException.class),
        new FailingWrite(
            "update missing any",
            s -> s.update("/nope", v("n"), Store.ANY_REVISION),
            KeyNotFoundException.class),
        new FailingWrite("delete missing", s -> s.delete("/nope", 1), KeyNotFoundException.class),
        new FailingWrite(
            "delete missing any",
            s -> s.delete("/nope", Store.ANY_REVISION),
            KeyNotFoundException.class),
        new FailingWrite("empty key", s -> s.create("", v("x")), InvalidRequestException.class),
        new FailingWrite(
            "key too long",
            s -> s.create("/" + "k".repeat(Store.MAX_KEY_BYTES), v("x")),
            InvalidRequestException.class),
        new FailingWrite(
            "key with space", s -> s.create("/a b", v("x")), InvalidRequestException.class),
        new FailingWrite(
            "key not ascii", s -> s.create("/caf\u00e9", v("x")), InvalidRequestException.class),
        new FailingWrite("null value", s -> s.create("/n", null), InvalidRequestException.class),
        new FailingWrite(
            "value too large",
            s -> s.create("/big", new byte[Store.MAX_VALUE_BYTES + 1]),
            InvalidRequestException.class),
        new FailingWrite(
            "update too large",
            s -> s.update("/k", new byte[Store.MAX_VALUE_BYTES + 1], 1),
            InvalidRequestException.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failingWrites")
  void aFailedWriteChangesNothing(FailingWrite c) {
    KeyValue k = store.create("/k", v("old"));
    RecordingListener watcher = new RecordingListener();
    try (Watch w = store.watch("", store.currentRevision(), watcher)) {
      assertThatThrownBy(() -> c.write().accept(store)).isInstanceOf(c.error());

      assertThat(store.currentRevision()).isEqualTo(1);
      assertThat(store.get("/k")).contains(k);
      assertThat(store.list("", 0, null, Store.LATEST).items()).containsExactly(k);
      // The next write still gets revision 2: a failure consumed no revision.
      assertThat(store.create("/after", v("x")).modRevision()).isEqualTo(2);
      assertThat(watcher.awaitCount(1)).extracting(WatchEvent::key).containsExactly("/after");
    }
  }

  @Test
  void aConflictCarriesTheCurrentValue() {
    store.create("/k", v("1"));
    KeyValue now = store.update("/k", v("2"), 1);
    assertThatThrownBy(() -> store.update("/k", v("3"), 1))
        .isInstanceOfSatisfying(
            ConflictException.class,
            e -> {
              assertThat(e.current()).isEqualTo(now);
              assertThat(e.expectedModRevision()).isEqualTo(1);
            });
  }

  @Test
  void valuesUpToTheLimitRoundTrip() {
    byte[] big = new byte[Store.MAX_VALUE_BYTES];
    new Random(42).nextBytes(big);
    store.create("/big", big);
    assertThat(store.get("/big").orElseThrow().value()).isEqualTo(big);
    byte[] empty = new byte[0];
    store.create("/empty", empty);
    assertThat(store.get("/empty").orElseThrow().value()).isEmpty();
    assertThat(store.list("/", 0, null, Store.LATEST).items())
        .extracting(kv -> kv.value().length)
        .containsExactly(Store.MAX_VALUE_BYTES, 0);
  }

  @Test
  void theStoreCopiesTheValuesHandedToIt() {
    byte[] value = v("original");
    store.create("/k", value);
    value[0] = 'X';
    assertThat(s(store.get("/k").orElseThrow().value())).isEqualTo("original");
  }

  // ---- list and count ----

  @Test
  void listReturnsThePrefixInKeyOrder() {
    for (String k :
        List.of("/pods/ns2/b", "/pods/ns1/z", "/pods/ns1/a", "/podsx/a", "/pod", "/pods/ns1/a-1")) {
      store.create(k, v(k));
    }
    assertThat(keys(store.list("/pods/", 0, null, Store.LATEST)))
        .containsExactly("/pods/ns1/a", "/pods/ns1/a-1", "/pods/ns1/z", "/pods/ns2/b");
    assertThat(keys(store.list("/pods/ns1/", 0, null, Store.LATEST)))
        .containsExactly("/pods/ns1/a", "/pods/ns1/a-1", "/pods/ns1/z");
    assertThat(keys(store.list("", 0, null, Store.LATEST))).hasSize(6).isSorted();
    assertThat(store.count("/pods/")).isEqualTo(4);
    assertThat(store.count("/pods")).isEqualTo(5);
    assertThat(store.count("/nothing/")).isZero();
    store.delete("/pods/ns1/z", Store.ANY_REVISION);
    assertThat(store.count("/pods/")).isEqualTo(3);
  }

  @Test
  void pagesShowOneSnapshotWhileWritesGoOn() {
    for (int i = 0; i < 10; i++) {
      store.create(String.format("/k/%02d", i), v("v" + i));
    }
    ListResult first = store.list("/k/", 4, null, Store.LATEST);
    assertThat(first.revision()).isEqualTo(10);
    assertThat(first.more()).isTrue();
    assertThat(keys(first)).containsExactly("/k/00", "/k/01", "/k/02", "/k/03");

    // Writes between pages: an update, a delete and a create inside the remaining range.
    store.update("/k/05", v("changed"), Store.ANY_REVISION);
    store.delete("/k/06", Store.ANY_REVISION);
    store.create("/k/04a", v("new"));

    List<KeyValue> all = new ArrayList<>(first.items());
    ListResult page = first;
    while (page.more()) {
      page = store.list("/k/", 4, page.continueAfter(), page.revision());
      assertThat(page.revision()).isEqualTo(10);
      all.addAll(page.items());
    }
    assertThat(all)
        .extracting(KeyValue::key)
        .containsExactly(
            "/k/00", "/k/01", "/k/02", "/k/03", "/k/04", "/k/05", "/k/06", "/k/07", "/k/08",
            "/k/09");
    assertThat(all)
        .extracting(kv -> s(kv.value()))
        .contains("v5", "v6")
        .doesNotContain("changed", "new");
    assertThat(page.continueAfter()).isNull();

    ListResult latest = store.list("/k/", 0, null, Store.LATEST);
    assertThat(latest.revision()).isEqualTo(13);
    assertThat(keys(latest)).contains("/k/04a").doesNotContain("/k/06");
  }

  @Test
  void aLimitThatFitsExactlySaysNoMore() {
    store.create("/a", v("1"));
    store.create("/b", v("2"));
    ListResult r = store.list("/", 2, null, Store.LATEST);
    assertThat(r.items()).hasSize(2);
    assertThat(r.more()).isFalse();
    assertThat(store.list("/", 1, "/a", Store.LATEST).items())
        .extracting(KeyValue::key)
        .containsExactly("/b");
  }

  @Test
  void listAtAnOldRevisionShowsThePast() {
    store.create("/a", v("a1"));
    store.create("/b", v("b1"));
    store.update("/a", v("a2"), 1);
    store.delete("/b", 2);
    store.create("/c", v("c1"));

    Map<Long, Map<String, String>> expected =
        Map.of(
            1L, Map.of("/a", "a1"),
            2L, Map.of("/a", "a1", "/b", "b1"),
            3L, Map.of("/a", "a2", "/b", "b1"),
            4L, Map.of("/a", "a2"),
            5L, Map.of("/a", "a2", "/c", "c1"));
    expected.forEach(
        (rev, state) -> {
          ListResult r = store.list("/", 0, null, rev);
          assertThat(r.revision()).isEqualTo(rev);
          assertThat(asMap(r)).as("state at revision %d", rev).isEqualTo(new TreeMap<>(state));
        });
    assertThat(store.list("/", 0, null, 3).items())
        .filteredOn(kv -> kv.key().equals("/a"))
        .singleElement()
        .isEqualTo(new KeyValue("/a", v("a2"), 1, 3));
  }

  @Test
  void listInTheFutureFails() {
    store.create("/a", v("1"));
    assertThatThrownBy(() -> store.list("/", 0, null, 2))
        .isInstanceOfSatisfying(
            FutureRevisionException.class, e -> assertThat(e.currentRevision()).isEqualTo(1));
  }

  @Test
  void badListArgumentsAreRejected() {
    assertThatThrownBy(() -> store.list("/", -1, null, Store.LATEST))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> store.list("/\u00e9", 0, null, Store.LATEST))
        .isInstanceOf(InvalidRequestException.class);
  }

  // ---- compaction ----

  @Test
  void compactionKeepsTheStateAtItsRevisionAndForgetsTheRest() {
    store.create("/a", v("a1")); // 1
    store.create("/b", v("b1")); // 2
    store.update("/a", v("a2"), 1); // 3
    store.delete("/b", 2); // 4
    store.create("/c", v("c1")); // 5
    store.update("/a", v("a3"), 3); // 6

    store.compact(4);
    assertThat(store.compactedRevision()).isEqualTo(4);
    assertThat(store.currentRevision()).isEqualTo(6);
    assertThat(asMap(store.list("/", 0, null, 4))).isEqualTo(new TreeMap<>(Map.of("/a", "a2")));
    assertThat(asMap(store.list("/", 0, null, 5)))
        .isEqualTo(new TreeMap<>(Map.of("/a", "a2", "/c", "c1")));
    assertThat(asMap(store.list("/", 0, null, Store.LATEST)))
        .isEqualTo(new TreeMap<>(Map.of("/a", "a3", "/c", "c1")));
    assertThatThrownBy(() -> store.list("/", 0, null, 3))
        .isInstanceOfSatisfying(
            CompactedException.class, e -> assertThat(e.compactedRevision()).isEqualTo(4));

    // Compacting lower again is a no-op; writes go on with the next revision.
    store.compact(2);
    assertThat(store.compactedRevision()).isEqualTo(4);
    assertThat(store.create("/b", v("b2")).modRevision()).isEqualTo(7);
    assertThatThrownBy(() -> store.compact(8)).isInstanceOf(FutureRevisionException.class);
  }

  @Test
  void compactingEverythingKeepsTheLiveKeys() {
    for (int i = 0; i < 50; i++) {
      store.create("/k/" + i, v("0"));
      for (int u = 1; u <= 3; u++) {
        store.update("/k/" + i, v(String.valueOf(u)), Store.ANY_REVISION);
      }
      if (i % 2 == 0) {
        store.delete("/k/" + i, Store.ANY_REVISION);
      }
    }
    long head = store.currentRevision();
    store.compact(head);
    ListResult r = store.list("/k/", 0, null, Store.LATEST);
    assertThat(r.items()).hasSize(25).allSatisfy(kv -> assertThat(s(kv.value())).isEqualTo("3"));
    assertThat(store.count("/k/")).isEqualTo(25);
    assertThat(store.get("/k/1").orElseThrow().createRevision()).isEqualTo(6);
    RecordingListener l = new RecordingListener();
    try (Watch w = store.watch("/k/", head, l)) {
      store.update("/k/1", v("4"), Store.ANY_REVISION);
      WatchEvent e = l.awaitCount(1).getFirst();
      assertThat(s(e.prevKv().value())).isEqualTo("3");
    }
  }

  // ---- watch ----

  @Test
  void watchDeliversLiveChangesWithPreviousValues() {
    RecordingListener l = new RecordingListener();
    try (Watch w = store.watch("/p/", store.currentRevision(), l)) {
      store.create("/p/a", v("1"));
      store.create("/other", v("x"));
      store.update("/p/a", v("2"), 1);
      store.delete("/p/a", 3);
      List<WatchEvent> events = l.awaitCount(3);
      assertThat(events)
          .extracting(WatchEvent::type, WatchEvent::revision)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(WatchEvent.Type.CREATED, 1L),
              org.assertj.core.groups.Tuple.tuple(WatchEvent.Type.UPDATED, 3L),
              org.assertj.core.groups.Tuple.tuple(WatchEvent.Type.DELETED, 4L));
      assertThat(events.get(0).prevKv()).isNull();
      assertThat(events.get(0).kv()).isEqualTo(new KeyValue("/p/a", v("1"), 1, 1));
      assertThat(events.get(1).prevKv()).isEqualTo(new KeyValue("/p/a", v("1"), 1, 1));
      assertThat(events.get(1).kv()).isEqualTo(new KeyValue("/p/a", v("2"), 1, 3));
      assertThat(events.get(2).kv().value()).isNull();
      assertThat(events.get(2).kv().modRevision()).isEqualTo(4);
      assertThat(events.get(2).prevKv()).isEqualTo(new KeyValue("/p/a", v("2"), 1, 3));
      assertThat(l.violations()).isEmpty();
    }
  }

  @Test
  void watchFromAnOldRevisionReplaysHistoryThenGoesLive() {
    store.create("/a", v("1")); // 1
    store.create("/b", v("1")); // 2
    store.update("/a", v("2"), 1); // 3
    store.delete("/b", 2); // 4
    RecordingListener l = new RecordingListener();
    try (Watch w = store.watch("/", 1, l)) {
      store.create("/c", v("1")); // 5
      List<WatchEvent> events = l.awaitRevision(5);
      assertThat(events).extracting(WatchEvent::revision).containsExactly(2L, 3L, 4L, 5L);
      assertThat(events.get(1).prevKv()).isEqualTo(new KeyValue("/a", v("1"), 1, 1));
      assertThat(events.get(2).type()).isEqualTo(WatchEvent.Type.DELETED);
      assertThat(events.get(2).prevKv()).isEqualTo(new KeyValue("/b", v("1"), 2, 2));
    }
    RecordingListener fromZero = new RecordingListener();
    try (Watch w = store.watch("/a", 0, fromZero)) {
      assertThat(fromZero.awaitRevision(3))
          .extracting(WatchEvent::revision)
          .containsExactly(1L, 3L);
    }
  }

  @Test
  void watchJoinsHistoryAndLiveWithoutGapOrDuplicateUnderConcurrentWrites() throws Exception {
    int writes = 2000;
    ExecutorService writers = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(
            writers.submit(
                () -> {
                  for (int i = 0; i < writes / 4; i++) {
                    store.create("/w/" + thread + "/" + i, v("x"));
                  }
                }));
      }
      List<RecordingListener> listeners = new ArrayList<>();
      List<Watch> watches = new ArrayList<>();
      // Start watchers from various points while the writers run.
      for (int i = 0; i < 8; i++) {
        RecordingListener l = new RecordingListener();
        listeners.add(l);
        watches.add(store.watch("/w/", 0, l));
      }
      for (Future<?> f : done) {
        f.get();
      }
      for (RecordingListener l : listeners) {
        List<WatchEvent> events = l.awaitCount(writes);
        assertThat(events).hasSize(writes);
        assertThat(events).extracting(WatchEvent::revision).doesNotHaveDuplicates().isSorted();
        assertThat(l.violations()).isEmpty();
      }
      watches.forEach(Watch::close);
    } finally {
      writers.shutdownNow();
    }
  }

  @Test
  void everyWatcherSeesTheSameSequence() {
    List<RecordingListener> ls = new ArrayList<>();
    List<Watch> ws = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      RecordingListener l = new RecordingListener();
      ls.add(l);
      ws.add(store.watch("/", 0, l));
    }
    for (int i = 0; i < 100; i++) {
      store.create("/k" + (i % 7) + "/" + i, v(String.valueOf(i)));
    }
    List<WatchEvent> reference = ls.getFirst().awaitCount(100);
    for (RecordingListener l : ls) {
      assertThat(l.awaitCount(100)).isEqualTo(reference);
    }
    ws.forEach(Watch::close);
  }

  @Test
  void aClosedWatchGetsNothingMore() {
    RecordingListener l = new RecordingListener();
    Watch w = store.watch("/", 0, l);
    store.create("/a", v("1"));
    l.awaitCount(1);
    w.close();
    store.create("/b", v("1"));
    // A later watcher sees /b, so it has been published; the closed one must still have only /a.
    RecordingListener probe = new RecordingListener();
    try (Watch p = store.watch("/", 1, probe)) {
      probe.awaitRevision(2);
    }
    assertThat(l.events()).extracting(WatchEvent::key).containsExactly("/a");
  }

  @Test
  void watchFromACompactedRevisionFails() {
    for (int i = 0; i < 5; i++) {
      store.create("/k" + i, v("x"));
    }
    store.compact(3);
    assertThatThrownBy(() -> store.watch("/", 2, new RecordingListener()))
        .isInstanceOfSatisfying(
            CompactedException.class,
            e -> {
              assertThat(e.requestedRevision()).isEqualTo(2);
              assertThat(e.compactedRevision()).isEqualTo(3);
            });
    RecordingListener fromCompacted = new RecordingListener();
    try (Watch w = store.watch("/", 3, fromCompacted)) {
      assertThat(fromCompacted.awaitRevision(5))
          .extracting(WatchEvent::revision)
          .containsExactly(4L, 5L);
    }
  }

  @Test
  void watchFromTheFutureWaitsForIt() {
    store.create("/a", v("1"));
    RecordingListener l = new RecordingListener();
    try (Watch w = store.watch("/", 2, l)) {
      store.create("/b", v("1")); // 2: not after 2, so not delivered
      store.create("/c", v("1")); // 3
      assertThat(l.awaitRevision(3)).extracting(WatchEvent::key).containsExactly("/c");
    }
  }

  // ---- concurrency ----

  @Test
  void concurrentCompareAndSwapWritersLoseNoUpdate() throws Exception {
    int threads = 8;
    int incrementsPerThread = 200;
    int counters = 3;
    for (int c = 0; c < counters; c++) {
      store.create("/counter/" + c, v("0"));
    }
    Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        futures.add(
            pool.submit(
                () -> {
                  Random r = new Random(seed);
                  for (int i = 0; i < incrementsPerThread; i++) {
                    String key = "/counter/" + r.nextInt(counters);
                    while (true) {
                      KeyValue cur = store.get(key).orElseThrow();
                      int n = Integer.parseInt(s(cur.value()));
                      try {
                        KeyValue next =
                            store.update(key, v(String.valueOf(n + 1)), cur.modRevision());
                        if (!acknowledged.add(next.modRevision())) {
                          throw new AssertionError("revision handed out twice: " + next);
                        }
                        break;
                      } catch (ConflictException e) {
                        // Someone else won; read again.
                      }
                    }
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    int total = 0;
    for (int c = 0; c < counters; c++) {
      total += Integer.parseInt(s(store.get("/counter/" + c).orElseThrow().value()));
    }
    assertThat(total).isEqualTo(threads * incrementsPerThread);
    assertThat(acknowledged).hasSize(threads * incrementsPerThread);
    assertThat(store.currentRevision()).isEqualTo(counters + (long) threads * incrementsPerThread);
  }

  @Test
  void concurrentCreatesOfOneKeyHaveExactlyOneWinner() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 20; round++) {
        String key = "/race/" + round;
        List<Future<Boolean>> results = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          results.add(
              pool.submit(
                  () -> {
                    try {
                      store.create(key, v("x"));
                      return true;
                    } catch (KeyExistsException e) {
                      return false;
                    }
                  }));
        }
        int winners = 0;
        for (Future<Boolean> f : results) {
          winners += f.get() ? 1 : 0;
        }
        assertThat(winners).as("winners of %s", key).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- lifecycle ----

  @Test
  void aClosedStoreRefusesWorkAndEndsWatches() {
    store.create("/a", v("1"));
    RecordingListener l = new RecordingListener();
    store.watch("/", 1, l);
    store.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> l.error() != null);
    assertThat(l.error()).isInstanceOf(StoreClosedException.class);
    assertThatThrownBy(() -> store.create("/b", v("1"))).isInstanceOf(StoreClosedException.class);
    assertThatThrownBy(() -> store.get("/a")).isInstanceOf(StoreClosedException.class);
    assertThatThrownBy(() -> store.list("/", 0, null, 0)).isInstanceOf(StoreClosedException.class);
  }

  @Test
  void dataAndRevisionsSurviveReopening() {
    org.junit.jupiter.api.Assumptions.assumeTrue(persistent(), "backend is not persistent");
    store.create("/a", v("1"));
    store.create("/b", v("2"));
    store.update("/a", v("3"), 1);
    store.delete("/b", 2);
    store.compact(2);
    store.close();
    store = openStore(dir);
    assertThat(store.currentRevision()).isEqualTo(4);
    assertThat(store.compactedRevision()).isEqualTo(2);
    assertThat(asMap(store.list("/", 0, null, Store.LATEST)))
        .isEqualTo(new TreeMap<>(Map.of("/a", "3")));
    assertThat(asMap(store.list("/", 0, null, 3)))
        .isEqualTo(new TreeMap<>(Map.of("/a", "3", "/b", "2")));
    assertThat(store.create("/b", v("again")).modRevision()).isEqualTo(5);
    RecordingListener l = new RecordingListener();
    try (Watch w = store.watch("/", 2, l)) {
      assertThat(l.awaitRevision(5)).extracting(WatchEvent::revision).containsExactly(3L, 4L, 5L);
    }
  }

  protected static List<String> keys(ListResult r) {
    return r.items().stream().map(KeyValue::key).toList();
  }

  protected static Map<String, String> asMap(ListResult r) {
    Map<String, String> m = new TreeMap<>();
    for (KeyValue kv : r.items()) {
      m.put(kv.key(), s(kv.value()));
    }
    return m;
  }
}
