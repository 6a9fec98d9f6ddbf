package io.skiff.apiserver.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.errors.StatusError;
import io.skiff.api.selector.FieldSelector;
import io.skiff.api.selector.LabelSelector;
import io.skiff.apiserver.registry.Registry;
import io.skiff.apiserver.registry.ResourceStorage;
import io.skiff.apiserver.registry.WriteOptions;
import io.skiff.apiserver.testing.InstrumentedStore;
import io.skiff.clock.ManualClock;
import io.skiff.store.WatchEvent;
import io.skiff.store.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The watch cache against the store it caches: events in the store's order without gaps or
 * duplicates, resumption inside and outside the window, selectors applied from the cache, one store
 * watch for any number of watchers, slow watchers ended alone, bookmarks and timeouts on a manual
 * clock, and lists with upstream's resourceVersion semantics.
 */
@Timeout(60)
class WatchCacheTest {

  private static final String NS = "default";
  private static final Duration LONG = Duration.ofHours(1);

  private InstrumentedStore store = new InstrumentedStore();
  private final ManualClock clock = new ManualClock();
  private Registry registry;
  private ResourceStorage configMaps;
  private ResourceStorage pods;
  private CachedReads reads;
  private final List<WatchFeed> feeds = new ArrayList<>();

  private void start(WatchCacheConfig config) {
    registry = new Registry(ResourceRegistry.builtin(), store, new ObjectCodec(), clock, config);
    registry.bootstrap();
    configMaps = registry.storage("", "v1", "configmaps").orElseThrow();
    pods = registry.storage("", "v1", "pods").orElseThrow();
    reads = registry.reads();
  }

  private void start() {
    start(WatchCacheConfig.defaults());
  }

  @AfterEach
  void stop() {
    feeds.forEach(WatchFeed::close);
    if (registry != null) {
      registry.watchCache().close();
    }
    store.close();
  }

  // ---- helpers ----

  private static ConfigMap configMap(String name, Map<String, String> labels) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .addToData("k", "v")
        .build();
  }

  private long create(String name) {
    return create(NS, name, Map.of());
  }

  private long create(String ns, String name, Map<String, String> labels) {
    return rv(configMaps.create(ns, configMap(name, labels), WriteOptions.DEFAULT));
  }

  private long relabel(String name, Map<String, String> labels) {
    return rv(
        configMaps.guaranteedUpdate(
            NS,
            name,
            cm -> {
              cm.getMetadata().setLabels(labels);
              return cm;
            },
            WriteOptions.DEFAULT,
            true));
  }

  private long change(String name, String value) {
    return rv(
        configMaps.guaranteedUpdate(
            NS,
            name,
            cm -> {
              ((ConfigMap) cm).getData().put("k", value);
              return cm;
            },
            WriteOptions.DEFAULT,
            true));
  }

  private static long rv(HasMetadata obj) {
    return Long.parseLong(obj.getMetadata().getResourceVersion());
  }

  private CachedReads.Page list(ListRead read, int limit) {
    return reads.list(configMaps, NS, null, null, limit, null, read);
  }

  /** Lists at the latest revision, which also waits until the cache has caught up. */
  private long latest() {
    return list(new ListRead(ListRead.Mode.CONSISTENT, 0), 0).revision();
  }

  private WatchFeed watch(String rv) {
    return watch(new WatchRequest(NS, null, null, rv, null, false, LONG));
  }

  private WatchFeed watch(WatchRequest r) {
    WatchFeed feed = reads.watch(configMaps, r);
    feeds.add(feed);
    return feed;
  }

  private static WatchFeed.Item next(WatchFeed feed) throws InterruptedException {
    return feed.next();
  }

  private static String brief(WatchFeed.Item item) {
    return switch (item) {
      case WatchFeed.Event e ->
          e.type()
              + " "
              + e.object().object().getMetadata().getName()
              + "@"
              + e.object().revision();
      case WatchFeed.Bookmark b -> "BOOKMARK@" + b.revision() + (b.initialEventsEnd() ? "!" : "");
      case WatchFeed.End end -> "END" + (end.error() == null ? "" : " " + end.error().code());
    };
  }

  private static List<String> take(WatchFeed feed, int n) throws InterruptedException {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(brief(feed.next()));
    }
    return out;
  }

  // ---- peek ----

  @Test
  void peekGivesTheCachedObjectOnlyAtTheStoredVersionAndLoadsNothing() {
    start();
    WatchCache cache = registry.watchCache();
    String key = configMaps.type().key(NS, "a");
    long first = create("a");
    assertThat(cache.peek(configMaps.type(), key, first)).as("before any list").isEmpty();

    latest();
    HasMetadata cached = list(new ListRead(ListRead.Mode.ANY, 0), 0).items().getFirst().object();
    assertThat(cache.peek(configMaps.type(), key, first)).containsSame(cached);

    long second = change("a", "v2");
    latest();
    assertThat(cache.peek(configMaps.type(), key, first)).isEmpty();
    assertThat(cache.peek(configMaps.type(), key, second).orElseThrow().getMetadata())
        .extracting(m -> m.getResourceVersion())
        .isEqualTo(String.valueOf(second));
    assertThat(cache.peek(pods.type(), pods.type().key(NS, "a"), second)).isEmpty();
  }

  // ---- order ----

  @Test
  void aWatchSeesExactlyTheStoresEventsInOrder() throws Exception {
    start();
    long from = latest();
    int total = 4 * (10 * 3 + 5);
    List<String> expected = new CopyOnWriteArrayList<>();
    CountDownLatch recorded = new CountDownLatch(total);
    WatchListener recorder =
        new WatchListener() {
          @Override
          public void onEvents(List<WatchEvent> events) {
            for (WatchEvent e : events) {
              String type =
                  switch (e.type()) {
                    case CREATED -> "ADDED";
                    case UPDATED -> "MODIFIED";
                    case DELETED -> "DELETED";
                  };
              String name = e.key().substring(e.key().lastIndexOf('/') + 1);
              expected.add(type + " " + name + "@" + e.revision());
              recorded.countDown();
            }
          }
        };
    store.watch(configMaps.type().keyPrefix(NS), from, recorder);
    WatchFeed feed = watch(String.valueOf(from));

    // Four writers at once: creates, two updates each, and deletes of half of them.
    ExecutorService writers = Executors.newFixedThreadPool(4);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      int writer = w;
      done.add(
          writers.submit(
              () -> {
                for (int i = 0; i < 10; i++) {
                  String name = "cm-" + writer + "-" + i;
                  create(name);
                  change(name, "1");
                  change(name, "2");
                  if (i % 2 == 0) {
                    configMaps.delete(NS, name, null, false);
                  }
                }
              }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    writers.shutdown();

    List<String> seen = take(feed, total);
    long last = latest();
    // The store's own watch of the same prefix delivers on its own thread.
    recorded.await();
    assertThat(expected).hasSize(total);
    assertThat(seen).containsExactlyElementsOf(expected);
    // Nothing more was queued: the next thing the watch yields is the next write.
    long marker = create("marker");
    assertThat(marker).isGreaterThan(last);
    assertThat(brief(next(feed))).isEqualTo("ADDED marker@" + marker);
  }

  @Test
  void aWatchResumedAtTheLastVersionSeenContinuesWithoutGapOrDuplicate() throws Exception {
    start();
    long from = latest();
    List<Long> revisions = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      revisions.add(create("cm-" + i));
    }
    WatchFeed first = watch(String.valueOf(from));
    List<String> firstTen = take(first, 10);
    first.close();
    assertThat(brief(next(first))).isEqualTo("END");

    WatchFeed resumed = watch(String.valueOf(revisions.get(9)));
    List<String> rest = take(resumed, 10);
    List<String> all = new ArrayList<>(firstTen);
    all.addAll(rest);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      expected.add("ADDED cm-" + i + "@" + revisions.get(i));
    }
    assertThat(all).containsExactlyElementsOf(expected);
    long live = create("live");
    assertThat(brief(next(resumed))).isEqualTo("ADDED live@" + live);

    // At the newest revision there is nothing to replay: the next event is the next write.
    WatchFeed atHead = watch(String.valueOf(live));
    long after = create("after");
    assertThat(brief(next(atHead))).isEqualTo("ADDED after@" + after);
  }

  @Test
  void everyWatcherGetsTheSameDecodedObject() throws Exception {
    start();
    long from = latest();
    WatchFeed one = watch(String.valueOf(from));
    WatchFeed two = watch(String.valueOf(from));
    create("shared");
    WatchFeed.Event a = (WatchFeed.Event) next(one);
    WatchFeed.Event b = (WatchFeed.Event) next(two);
    assertThat(a.object()).isSameAs(b.object());
    assertThat(a.object().json()).isSameAs(b.object().json());
  }

  // ---- the window ----

  @Test
  void resumingFromBeforeTheWindowIs410WithUpstreamsText() throws Exception {
    start(WatchCacheConfig.defaults().withHistory(4, 4));
    latest();
    List<Long> revisions = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      revisions.add(create("cm-" + i));
    }
    latest();
    // The window holds the last four; history after the sixth is complete.
    long lastDropped = revisions.get(5);
    WatchFeed edge = watch(String.valueOf(lastDropped));
    assertThat(take(edge, 4))
        .containsExactly(
            "ADDED cm-6@" + revisions.get(6),
            "ADDED cm-7@" + revisions.get(7),
            "ADDED cm-8@" + revisions.get(8),
            "ADDED cm-9@" + revisions.get(9));

    long tooOld = revisions.get(4);
    WatchFeed.End end = (WatchFeed.End) next(watch(String.valueOf(tooOld)));
    assertThat(end.error().code()).isEqualTo(410);
    assertThat(end.error().status().getReason()).isEqualTo("Expired");
    assertThat(end.error().getMessage())
        .isEqualTo("too old resource version: " + tooOld + " (" + lastDropped + ")");
  }

  @Test
  void compactedHistoryIsGoneForTheCacheToo() throws Exception {
    start();
    long from = latest();
    create("a");
    create("b");
    store.compact(store.currentRevision());
    WatchFeed.End end = (WatchFeed.End) next(watch(String.valueOf(from)));
    assertThat(end.error().code()).isEqualTo(410);
    assertThat(end.error().getMessage())
        .isEqualTo("too old resource version: " + from + " (" + store.currentRevision() + ")");
  }

  @Test
  void historyFromBeforeTheCacheWasLoadedComesFromTheStore() throws Exception {
    start();
    long before = store.currentRevision();
    long a = create("a");
    latest();
    int watches = store.watchesOpened();
    long b = create("b");
    WatchFeed feed = watch(String.valueOf(before));
    assertThat(take(feed, 2)).containsExactly("ADDED a@" + a, "ADDED b@" + b);
    assertThat(store.watchesOpened()).isEqualTo(watches + 1);
  }

  @Test
  void theStoresWatchAlsoDeletesAnObjectLeavingTheSelectorAsItWas() throws Exception {
    start();
    long before = store.currentRevision();
    long a = create(NS, "a", Map.of("app", "web"));
    latest();
    long leaves = relabel("a", Map.of("app", "db"));
    WatchFeed web =
        watch(
            new WatchRequest(
                NS,
                LabelSelector.parse("app=web"),
                null,
                String.valueOf(before),
                null,
                false,
                LONG));
    assertThat(brief(next(web))).isEqualTo("ADDED a@" + a);
    WatchFeed.Event deleted = (WatchFeed.Event) next(web);
    assertThat(brief(deleted)).isEqualTo("DELETED a@" + leaves);
    assertThat(deleted.object().object().getMetadata().getLabels()).containsEntry("app", "web");
  }

  // ---- selectors ----

  @Test
  void selectorsAreAppliedToEachChangeAsUpstreamsWatcherDoes() throws Exception {
    start();
    create(NS, "a", Map.of("app", "web"));
    long from = latest();
    WatchFeed web =
        watch(
            new WatchRequest(
                NS, LabelSelector.parse("app=web"), null, String.valueOf(from), null, false, LONG));
    long leaves = relabel("a", Map.of("app", "db"));
    create(NS, "b", Map.of("app", "db"));
    long enters = relabel("b", Map.of("app", "web"));
    long changes = change("b", "2");
    assertThat(take(web, 3))
        .containsExactly("DELETED a@" + leaves, "ADDED b@" + enters, "MODIFIED b@" + changes);
  }

  @Test
  void anObjectLeavingTheSelectorIsDeletedAsItWasWithTheChangesVersion() throws Exception {
    start();
    create(NS, "a", Map.of("app", "web"));
    long from = latest();
    WatchFeed web =
        watch(
            new WatchRequest(
                NS, LabelSelector.parse("app=web"), null, String.valueOf(from), null, false, LONG));
    long leaves = relabel("a", Map.of("app", "db"));
    WatchFeed.Event deleted = (WatchFeed.Event) next(web);
    assertThat(deleted.type()).isEqualTo("DELETED");
    assertThat(deleted.object().object().getMetadata().getLabels()).containsEntry("app", "web");
    assertThat(deleted.object().object().getMetadata().getResourceVersion())
        .isEqualTo(String.valueOf(leaves));
    // The cached object itself keeps its own version.
    assertThat(
            list(new ListRead(ListRead.Mode.CONSISTENT, 0), 0)
                .items()
                .getFirst()
                .object()
                .getMetadata()
                .getLabels())
        .containsEntry("app", "db");
  }

  @Test
  void namespaceAndFieldSelectorsComeFromTheCache() throws Exception {
    start();
    registry
        .storage("", "v1", "namespaces")
        .orElseThrow()
        .create(
            null,
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName("other")
                .endMetadata()
                .build(),
            WriteOptions.DEFAULT);
    long from = latest();
    WatchFeed other = watch(new WatchRequest("other", null, null, "" + from, null, false, LONG));
    WatchFeed named =
        watch(
            new WatchRequest(
                null,
                null,
                FieldSelector.parse("metadata.name=x"),
                String.valueOf(from),
                null,
                false,
                LONG));
    create(NS, "y", Map.of());
    long xOther = create("other", "x", Map.of());
    long xDefault = create(NS, "x", Map.of());
    long yOther = create("other", "y", Map.of());
    assertThat(take(named, 2)).containsExactly("ADDED x@" + xOther, "ADDED x@" + xDefault);
    assertThat(take(other, 2)).containsExactly("ADDED x@" + xOther, "ADDED y@" + yOther);
  }

  // ---- fan-out ----

  @Test
  void thousandsOfWatchersShareOneStoreWatch() throws Exception {
    start();
    long from = latest();
    List<WatchFeed> many = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      many.add(watch(i % 2 == 0 ? String.valueOf(from) : ""));
    }
    assertThat(store.watchesOpened()).isEqualTo(1);
    assertThat(registry.watchCache().stats())
        .filteredOn(s -> s.resource().equals("configmaps"))
        .singleElement()
        .satisfies(s -> assertThat(s.watchers()).isEqualTo(2000));
    long a = create("a");
    for (WatchFeed f : many) {
      assertThat(brief(f.next())).isEqualTo("ADDED a@" + a);
    }
    many.forEach(WatchFeed::close);
    assertThat(registry.watchCache().stats())
        .filteredOn(s -> s.resource().equals("configmaps"))
        .singleElement()
        .satisfies(s -> assertThat(s.watchers()).isZero());
    assertThat(store.watchesOpen()).isEqualTo(1);
  }

  @Test
  void aWatcherThatCannotKeepUpIsEndedAndNobodyElseWaits() throws Exception {
    start(WatchCacheConfig.defaults().withWatcherBuffer(3));
    long from = latest();
    WatchFeed slow = watch(String.valueOf(from));
    WatchFeed fast = watch(String.valueOf(from));
    List<String> expected = new ArrayList<>();
    for (int batch = 0; batch < 2; batch++) {
      List<String> written = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String name = "cm-" + batch + "-" + i;
        written.add("ADDED " + name + "@" + create(name));
      }
      assertThat(take(fast, 3)).containsExactlyElementsOf(written);
      expected.addAll(written);
    }
    // The slow one never read: its fourth event found its queue full, and it was ended cleanly.
    assertThat(brief(next(slow))).isEqualTo("END");
    assertThat(registry.watchCache().stats())
        .filteredOn(s -> s.resource().equals("configmaps"))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.terminatedWatchers()).isEqualTo(1);
              assertThat(s.watchers()).isEqualTo(1);
            });
    // Its client resumes from the last version it received and misses nothing.
    WatchFeed again = watch(from + "");
    assertThat(take(again, 6)).containsExactlyElementsOf(expected);
  }

  /** A store that ends its watchers 50 events behind, so that the cache's can fall behind. */
  private void startFallingBehind() {
    store.close();
    store = new InstrumentedStore(50);
    start();
  }

  @Test
  void theCacheResumesItsStoreWatchWhenItFellBehindAndLosesNothing() throws Exception {
    startFallingBehind();
    long from = latest();
    WatchFeed feed = watch(String.valueOf(from));
    CountDownLatch paused = store.pauseWatchDelivery();
    List<String> written = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      written.add("ADDED cm-" + i + "@" + create("cm-" + i));
    }
    paused.countDown();
    assertThat(take(feed, 120)).containsExactlyElementsOf(written);
    // Resumed at least once; more when the resumed watch's replay, still held, fell behind again:
    // which happens depends on when the store ends the held watch, not on the cache.
    assertThat(store.watchesOpened()).isGreaterThanOrEqualTo(2);
    assertThat(store.watchesOpen()).isEqualTo(1);
  }

  @Test
  void whenTheHistoryToResumeFromIsCompactedEveryWatcherEndsAndTheCacheReloads() throws Exception {
    startFallingBehind();
    long from = latest();
    WatchFeed feed = watch(String.valueOf(from));
    CountDownLatch paused = store.pauseWatchDelivery();
    // The cache's store watch is held at the first create, so the revision it would resume from
    // comes before the compaction below. Were the delivery thread late to take its first batch,
    // the batch could reach past the compaction, and the cache would resume instead of reloading.
    create("cm-0");
    store.awaitDeliveryHeld();
    // Compacted while the cache's store watch is still within its backlog, then pushed past it:
    // whenever the store ends that watch, the history to resume from is already gone.
    for (int i = 1; i < 40; i++) {
      create("cm-" + i);
    }
    store.compact(store.currentRevision());
    for (int i = 40; i < 120; i++) {
      create("cm-" + i);
    }
    paused.countDown();
    // Whatever it got before the cache was dropped, the watch ends cleanly; the client relists.
    WatchFeed.Item item;
    do {
      item = next(feed);
    } while (item instanceof WatchFeed.Event);
    assertThat(brief(item)).isEqualTo("END");
    CachedReads.Page page = list(new ListRead(ListRead.Mode.CONSISTENT, 0), 0);
    assertThat(page.items()).hasSize(120);
    assertThat(page.revision()).isEqualTo(store.currentRevision());
    long after = create("after");
    WatchFeed again = watch(String.valueOf(page.revision()));
    assertThat(brief(next(again))).isEqualTo("ADDED after@" + after);
  }

  // ---- bookmarks, the watch-list protocol, timeouts ----

  @Test
  void bookmarksComeEveryMinuteAndBeforeTheDeadlineWithTheStoresRevision() throws Exception {
    start();
    long from = latest();
    WatchFeed feed =
        watch(
            new WatchRequest(
                NS, null, null, String.valueOf(from), null, true, Duration.ofSeconds(150)));
    // A write to another resource moves the revision the cache is current at.
    pods.create(
        NS,
        new PodBuilder()
            .withNewMetadata()
            .withName("p")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("c")
            .withImage("nginx")
            .endContainer()
            .endSpec()
            .build(),
        WriteOptions.DEFAULT);
    long revision = latest();
    assertThat(revision).isEqualTo(store.currentRevision()).isGreaterThan(from);

    clock.advance(Duration.ofSeconds(59));
    assertThat(feed.ready()).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(brief(next(feed))).isEqualTo("BOOKMARK@" + revision);
    long a = create("a");
    latest();
    clock.advance(Duration.ofSeconds(60));
    assertThat(take(feed, 2)).containsExactly("ADDED a@" + a, "BOOKMARK@" + a);
    // The last one 2 s before the deadline, then the end.
    clock.advance(Duration.ofSeconds(27));
    assertThat(feed.ready()).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(brief(next(feed))).isEqualTo("BOOKMARK@" + a);
    assertThat(feed.ready()).isFalse();
    clock.advance(Duration.ofSeconds(2));
    assertThat(brief(next(feed))).isEqualTo("END");
  }

  @Test
  void withoutBookmarksAllowedThereAreNone() throws Exception {
    start();
    long from = latest();
    WatchFeed feed =
        watch(new WatchRequest(NS, null, null, String.valueOf(from), null, false, LONG));
    clock.advance(Duration.ofMinutes(10));
    long a = create("a");
    assertThat(brief(next(feed))).isEqualTo("ADDED a@" + a);
  }

  @Test
  void theWatchListProtocolSendsTheStateThenAnAnnotatedBookmark() throws Exception {
    start();
    long a = create("a");
    long b = create("b");
    WatchFeed feed = watch(new WatchRequest(NS, null, null, "", true, true, LONG));
    long revision = store.currentRevision();
    assertThat(take(feed, 3))
        .containsExactly("ADDED a@" + a, "ADDED b@" + b, "BOOKMARK@" + revision + "!");
    long c = create("c");
    assertThat(brief(next(feed))).isEqualTo("ADDED c@" + c);
  }

  @Test
  void aWatchListForAVersionTheStoreHasNotReachedFailsWith504() throws Exception {
    start();
    long ahead = store.currentRevision() + 10;
    WatchFeed.End end =
        (WatchFeed.End) next(watch(new WatchRequest(NS, null, null, "" + ahead, true, true, LONG)));
    assertThat(end.error().code()).isEqualTo(504);
    assertThat(end.error().getMessage()).startsWith("Too large resource version: " + ahead);
  }

  @Test
  void theTimeoutEndsTheWatchCleanly() throws Exception {
    start();
    WatchFeed feed =
        watch(new WatchRequest(NS, null, null, "", null, false, Duration.ofSeconds(30)));
    clock.advance(Duration.ofSeconds(29));
    assertThat(feed.ready()).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(brief(next(feed))).isEqualTo("END");
  }

  @Test
  void withoutTimeoutSecondsTheServerPicksBetweenTheMinimumAndTwiceIt() {
    start(WatchCacheConfig.defaults().withMinRequestTimeout(Duration.ofMinutes(10)));
    for (int i = 0; i < 200; i++) {
      Duration t = reads.watchTimeout(0);
      assertThat(t)
          .isGreaterThanOrEqualTo(Duration.ofMinutes(10))
          .isLessThan(Duration.ofMinutes(20));
    }
    assertThat(reads.watchTimeout(7)).isEqualTo(Duration.ofSeconds(7));
  }

  // ---- lists ----

  @Test
  void aListWithoutResourceVersionSeesEveryWriteBeforeIt() {
    start();
    latest();
    create("a");
    long b = create("b");
    CachedReads.Page page = list(new ListRead(ListRead.Mode.CONSISTENT, 0), 0);
    assertThat(page.items())
        .extracting(o -> o.object().getMetadata().getName())
        .containsExactly("a", "b");
    assertThat(page.revision()).isEqualTo(b);
  }

  @Test
  void aListAtZeroIsServedWholeFromTheCache() {
    start();
    for (int i = 0; i < 5; i++) {
      create("cm-" + i);
    }
    latest();
    CachedReads.Page page = list(ListRead.of("0", "", 2, null), 2);
    assertThat(page.items()).hasSize(5);
    assertThat(page.continueToken()).isNull();
  }

  @Test
  void aPagedListStartsInTheCacheAndContinuesInTheStoreAtTheSameRevision() {
    start();
    for (String name : List.of("a", "b", "c", "d")) {
      create(name);
    }
    CachedReads.Page first = list(ListRead.of("", "", 2, null), 2);
    create("bb");
    CachedReads.Page second =
        reads.list(
            configMaps,
            NS,
            null,
            null,
            2,
            first.continueToken(),
            ListRead.of("", "", 2, first.continueToken()));
    assertThat(first.items())
        .extracting(o -> o.object().getMetadata().getName())
        .containsExactly("a", "b");
    assertThat(second.items())
        .extracting(o -> o.object().getMetadata().getName())
        .containsExactly("c", "d");
    assertThat(second.revision()).isEqualTo(first.revision());
    assertThat(second.continueToken()).isNull();
  }

  @Test
  void aListNotOlderThanAVersionTheStoreHasNotReachedIs504() {
    start();
    long ahead = store.currentRevision() + 5;
    StatusError e =
        catchThrowableOfType(
            StatusError.class,
            () -> list(ListRead.of(String.valueOf(ahead), "NotOlderThan", 0, null), 0));
    assertThat(e.code()).isEqualTo(504);
  }
}
