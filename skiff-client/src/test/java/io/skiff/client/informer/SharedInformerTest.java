package io.skiff.client.informer;

import static io.skiff.client.Fixtures.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.skiff.api.errors.StatusError;
import io.skiff.client.EventType;
import io.skiff.client.Fixtures;
import io.skiff.client.informer.ScriptedResources.OpenWatch;
import io.skiff.clock.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reflector and informer against scripted answers: paging, resuming a watch, relisting after
 * 410, backoff, and the notifications each of those must produce.
 */
class SharedInformerTest {

  private final ManualClock clock = new ManualClock();
  private final ScriptedResources<ConfigMap> resources = new ScriptedResources<>(ConfigMap.class);
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final SharedInformer<ConfigMap> informer =
      new SharedInformer<>(resources, clock, Duration.ZERO);

  @AfterEach
  void stop() throws InterruptedException {
    informer.stop();
    informer.join();
  }

  private static ConfigMap cm(String name, long rv) {
    ConfigMap cm = Fixtures.configMap("ns", name);
    cm.getMetadata().setResourceVersion(String.valueOf(rv));
    return cm;
  }

  private final class Recorder implements ResourceEventHandler<ConfigMap> {
    @Override
    public void onAdd(ConfigMap obj) {
      seen.add("add " + name(obj));
    }

    @Override
    public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
      seen.add("update " + name(oldObj) + "->" + name(newObj));
    }

    @Override
    public void onDelete(ConfigMap obj) {
      seen.add("delete " + name(obj));
    }

    private static String name(ConfigMap c) {
      return c.getMetadata().getName() + "@" + c.getMetadata().getResourceVersion();
    }
  }

  private OpenWatch<ConfigMap> startSynced(List<ConfigMap> items, long rv) throws Exception {
    informer.addEventHandler(new Recorder());
    resources.answerList(items, rv, null);
    informer.start();
    OpenWatch<ConfigMap> watch = resources.nextWatch();
    assertThat(informer.hasSynced()).isTrue();
    return watch;
  }

  @Test
  void theFirstListIsReadInPagesAndTheWatchStartsAtItsVersion() throws Exception {
    informer.addEventHandler(new Recorder());
    resources.answerList(List.of(cm("a", 3), cm("b", 5)), 9, "token-1");
    resources.answerList(List.of(cm("c", 7)), 9, null);

    informer.start();
    OpenWatch<ConfigMap> watch = resources.nextWatch();

    assertThat(watch.from()).isEqualTo(9);
    assertThat(resources.listCalls)
        .extracting(o -> o.limit() + " " + o.continueToken())
        .containsExactly(Reflector.PAGE_SIZE + " null", Reflector.PAGE_SIZE + " token-1");
    assertThat(informer.hasSynced()).isTrue();
    assertThat(informer.indexer().keys()).containsExactlyInAnyOrder("ns/a", "ns/b", "ns/c");
    eventually().until(() -> seen.size() == 3);
    assertThat(seen).containsExactly("add a@3", "add b@5", "add c@7");
  }

  @Test
  void watchEventsUpdateTheCacheAndNotify() throws Exception {
    OpenWatch<ConfigMap> watch = startSynced(List.of(cm("a", 3)), 3);

    watch.watcher().onEvent(EventType.ADDED, cm("b", 4));
    watch.watcher().onEvent(EventType.MODIFIED, cm("a", 5));
    watch.watcher().onEvent(EventType.DELETED, cm("b", 6));

    eventually().until(() -> seen.size() == 4);
    assertThat(seen).containsExactly("add a@3", "add b@4", "update a@3->a@5", "delete b@6");
    assertThat(informer.indexer().keys()).containsExactly("ns/a");
    assertThat(informer.lastSyncResourceVersion()).isEqualTo(6);
  }

  @Test
  void aWatchThatEndsIsResumedFromTheLastVersionSeenWithoutAList() throws Exception {
    OpenWatch<ConfigMap> first = startSynced(List.of(cm("a", 3)), 4);
    first.watcher().onEvent(EventType.MODIFIED, cm("a", 8));

    first.watcher().onClose(null);
    OpenWatch<ConfigMap> second = resources.nextWatch();

    assertThat(second.from()).isEqualTo(8);
    assertThat(first.closed()).isTrue();
    assertThat(resources.listCalls).hasSize(1);
  }

  @Test
  void a410RelistsAndReplacesTheCacheWithAddsUpdatesAndDeletes() throws Exception {
    OpenWatch<ConfigMap> watch = startSynced(List.of(cm("a", 1), cm("b", 2), cm("c", 3)), 3);
    eventually().until(() -> seen.size() == 3);
    seen.clear();
    resources.answerList(List.of(cm("a", 1), cm("b", 7), cm("d", 8)), 9, null);

    watch.watcher().onClose(StatusError.expired("too old resource version: 3 (5)"));
    OpenWatch<ConfigMap> next = resources.nextWatch();

    assertThat(next.from()).isEqualTo(9);
    eventually().until(() -> seen.size() == 3);
    assertThat(seen).containsExactly("update b@2->b@7", "add d@8", "delete c@3");
    assertThat(informer.indexer().keys()).containsExactlyInAnyOrder("ns/a", "ns/b", "ns/d");
  }

  @Test
  void anExpiredContinueTokenRelistsInOnePiece() throws Exception {
    informer.addEventHandler(new Recorder());
    resources.answerList(List.of(cm("a", 1)), 5, "token-1");
    resources.failList(StatusError.expired("The provided continue parameter is too old"));
    resources.answerList(List.of(cm("a", 1), cm("b", 6)), 6, null);

    informer.start();
    OpenWatch<ConfigMap> watch = resources.nextWatch();

    assertThat(watch.from()).isEqualTo(6);
    assertThat(resources.listCalls).extracting(o -> o.limit()).containsExactly(500, 500, 0);
    eventually().until(() -> seen.size() == 2);
  }

  @Test
  void aFailedListIsRetriedAfterABackoffOnTheClock() throws Exception {
    resources.failList(StatusError.internal("store down"));
    informer.start();

    eventually().until(() -> clock.pendingTimers() == 1);
    assertThat(clock.nextTimerIn()).isEqualTo(Reflector.INITIAL_BACKOFF);
    assertThat(informer.hasSynced()).isFalse();
    resources.failList(StatusError.internal("store still down"));
    clock.advance(Reflector.INITIAL_BACKOFF);

    eventually().until(() -> clock.pendingTimers() == 1);
    assertThat(clock.nextTimerIn()).isEqualTo(Reflector.INITIAL_BACKOFF.multipliedBy(2));
    resources.answerList(List.of(cm("a", 1)), 1, null);
    clock.advance(Reflector.INITIAL_BACKOFF.multipliedBy(2));

    assertThat(resources.nextWatch().from()).isEqualTo(1);
    assertThat(informer.hasSynced()).isTrue();
  }

  @Test
  void aWatchThatFailsOtherwiseRelistsAfterABackoff() throws Exception {
    OpenWatch<ConfigMap> watch = startSynced(List.of(cm("a", 1)), 1);

    watch.watcher().onClose(StatusError.internal("boom"));

    eventually().until(() -> clock.pendingTimers() == 1);
    assertThat(resources.noWatchOpened()).isTrue();
    resources.answerList(List.of(cm("a", 1)), 2, null);
    clock.advance(Reflector.INITIAL_BACKOFF);
    assertThat(resources.nextWatch().from()).isEqualTo(2);
    assertThat(resources.listCalls).hasSize(2);
  }

  @Test
  void aHandlerThatThrowsDoesNotStarveTheOthers() throws Exception {
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(ConfigMap obj) {
            throw new IllegalStateException("broken handler");
          }
        });
    OpenWatch<ConfigMap> watch = startSynced(List.of(cm("a", 1)), 1);
    watch.watcher().onEvent(EventType.ADDED, cm("b", 2));

    eventually().until(() -> seen.size() == 2);
    assertThat(seen).containsExactly("add a@1", "add b@2");
  }

  @Test
  void resyncWaitsForTheFirstList() throws Exception {
    SharedInformer<ConfigMap> resyncing =
        new SharedInformer<>(resources, null, null, clock, Duration.ofMinutes(1));
    List<String> updates = new CopyOnWriteArrayList<>();
    resyncing.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
            updates.add(newObj.getMetadata().getName() + (oldObj == newObj ? " same" : ""));
          }
        });
    try {
      resyncing.start();
      clock.advance(Duration.ofMinutes(1));
      eventually().until(() -> clock.pendingTimers() == 1);
      assertThat(updates).isEmpty();

      resources.answerList(List.of(cm("a", 1)), 1, null);
      resources.nextWatch();
      clock.advance(Duration.ofMinutes(1));
      eventually().until(() -> updates.size() == 1);
      assertThat(updates).containsExactly("a same");
    } finally {
      resyncing.stop();
      resyncing.join();
    }
  }

  @Test
  void stopClosesTheWatchAndEndsTheThreads() throws Exception {
    OpenWatch<ConfigMap> watch = startSynced(List.of(cm("a", 1)), 1);

    informer.stop();
    informer.join();

    assertThat(watch.closed()).isTrue();
    watch.watcher().onEvent(EventType.ADDED, cm("late", 2));
    assertThat(informer.indexer().get("ns", "late")).isEmpty();
  }

  @Test
  void aLabelledCacheIsReadByTheLister() throws Exception {
    ConfigMap web = Fixtures.configMap("ns", "web", Map.of("app", "web"));
    web.getMetadata().setResourceVersion("1");
    startSynced(List.of(web, cm("other", 2)), 2);

    assertThat(informer.lister().list("ns", io.skiff.api.selector.LabelSelector.parse("app=web")))
        .containsExactly(web);
  }
}
