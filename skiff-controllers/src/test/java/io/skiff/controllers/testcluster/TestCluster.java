package io.skiff.controllers.testcluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.apiserver.inprocess.InProcessTransport;
import io.skiff.apiserver.registry.Registry;
import io.skiff.client.KubeClient;
import io.skiff.client.ListOptions;
import io.skiff.clock.ManualClock;
import io.skiff.store.memory.MemoryStore;
import java.util.List;
import java.util.Optional;

/**
 * The API server's registry over a memory store, reached through the in-process transport, on a
 * {@link ManualClock}: the real admission, strategies, validation and deletion semantics, without
 * threads or HTTP. Writes through {@link #client} are recorded ({@link #actions()}).
 */
public final class TestCluster implements AutoCloseable {

  public final ManualClock clock = new ManualClock();
  private final MemoryStore store = new MemoryStore();
  private final RecordingTransport transport;
  public final KubeClient client;

  public TestCluster() {
    Registry registry = new Registry(ResourceRegistry.builtin(), store, new ObjectCodec(), clock);
    registry.bootstrap();
    transport = new RecordingTransport(new InProcessTransport(registry));
    client = KubeClient.over(transport);
  }

  /** The writes made through {@link #client} since the last {@link #clearActions()}. */
  public List<Action> actions() {
    return transport.actions();
  }

  public void clearActions() {
    transport.clear();
  }

  /** Creates {@code obj} and returns what the server stored. */
  @SuppressWarnings("unchecked")
  public <T extends HasMetadata> T create(T obj) {
    return client.resources((Class<T>) obj.getClass()).create(obj);
  }

  public <T extends HasMetadata> Optional<T> get(Class<T> kind, String namespace, String name) {
    return client.resources(kind).get(namespace, name);
  }

  /** The object as stored now (it must exist). */
  @SuppressWarnings("unchecked")
  public <T extends HasMetadata> T reread(T obj) {
    return get(
            (Class<T>) obj.getClass(),
            obj.getMetadata().getNamespace(),
            obj.getMetadata().getName())
        .orElseThrow(() -> new AssertionError(obj.getMetadata().getName() + " is gone"));
  }

  public <T extends HasMetadata> List<T> list(Class<T> kind, String namespace) {
    return client.resources(kind).list(namespace, ListOptions.all()).items();
  }

  @Override
  public void close() {
    client.close();
    store.close();
  }
}
