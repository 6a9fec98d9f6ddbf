package io.skiff.apiserver.inprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.errors.StatusError;
import io.skiff.apiserver.registry.Registry;
import io.skiff.client.EventType;
import io.skiff.client.KubeClient;
import io.skiff.client.ListOptions;
import io.skiff.client.Resources;
import io.skiff.client.Watch;
import io.skiff.client.Watcher;
import io.skiff.client.informer.SharedInformer;
import io.skiff.clock.Clock;
import io.skiff.store.memory.MemoryStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * In-process watchers that read only share the watch cache's objects; the others get copies; and
 * the cache mutation detector catches a reader that changes a shared object.
 */
class SharedWatchObjectsTest {

  private MemoryStore store;
  private InProcessTransport transport;
  private Resources<ConfigMap> configMaps;

  @BeforeAll
  static void detectMutations() {
    // Read once at start-up: the root pom sets it for every test JVM.
    assertThat(Boolean.getBoolean("skiff.cacheMutationDetector"))
        .as("-Dskiff.cacheMutationDetector=true, as the build runs every test")
        .isTrue();
  }

  @BeforeEach
  void start() {
    store = new MemoryStore();
    Registry registry =
        new Registry(ResourceRegistry.builtin(), store, new ObjectCodec(), Clock.system());
    registry.bootstrap();
    transport = new InProcessTransport(registry);
    configMaps = KubeClient.over(transport).resources(ConfigMap.class);
  }

  @AfterEach
  void stop() {
    store.close();
  }

  @Test
  void informersShareOneObjectAndOtherWatchersGetTheirOwn() {
    SharedInformer<ConfigMap> first =
        new SharedInformer<>(configMaps, Clock.system(), Duration.ZERO);
    SharedInformer<ConfigMap> second =
        new SharedInformer<>(configMaps, Clock.system(), Duration.ZERO);
    first.start();
    second.start();
    await().until(() -> first.hasSynced() && second.hasSynced());
    List<ConfigMap> plain = new CopyOnWriteArrayList<>();
    Watch watch = configMaps.watch("default", ListOptions.all(), 0, collect(plain::add, false));

    configMaps.create(configMap("a"));

    await().until(() -> first.lister().get("default", "a").isPresent());
    await().until(() -> second.lister().get("default", "a").isPresent());
    await().until(() -> !plain.isEmpty());
    ConfigMap shared = first.lister().get("default", "a").orElseThrow();
    assertThat(second.lister().get("default", "a").orElseThrow()).isSameAs(shared);
    assertThat(plain.get(0)).isNotSameAs(shared).isEqualTo(shared);

    // A plain watcher owns its object: changing it is fine and changes nothing cached.
    plain.get(0).getData().put("k", "changed");
    watch.close();
    first.stop();
    second.stop();
    transport.close();
    assertThat(shared.getData()).containsEntry("k", "v");
  }

  @Test
  void aReaderThatChangesASharedObjectFailsTheClose() {
    List<ConfigMap> seen = new CopyOnWriteArrayList<>();
    Watch watch = configMaps.watch("default", ListOptions.all(), 0, collect(seen::add, true));
    configMaps.create(configMap("a"));
    await().until(() -> !seen.isEmpty());

    seen.get(0).getData().put("k", "changed by a reader");
    watch.close();

    assertThatThrownBy(transport::close)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/configmaps/default/a")
        .hasMessageContaining("changed by a reader");
  }

  @Test
  void readersThatOnlyReadCloseCleanly() {
    List<ConfigMap> seen = new CopyOnWriteArrayList<>();
    Watch watch = configMaps.watch("default", ListOptions.all(), 0, collect(seen::add, true));
    configMaps.create(configMap("a"));
    configMaps.update(
        new ConfigMapBuilder(configMaps.get("default", "a").orElseThrow())
            .addToData("k", "v2")
            .build());
    await().until(() -> seen.size() == 2);
    watch.close();

    transport.close();
    assertThat(seen.get(1).getData()).containsEntry("k", "v2");
  }

  private static ConfigMap configMap(String name) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .addToData("k", "v")
        .build();
  }

  private static Watcher<ConfigMap> collect(Consumer<ConfigMap> sink, boolean readsOnly) {
    return new Watcher<>() {
      @Override
      public void onEvent(EventType type, ConfigMap object) {
        sink.accept(object);
      }

      @Override
      public void onClose(StatusError error) {}

      @Override
      public boolean readsOnly() {
        return readsOnly;
      }
    };
  }
}
