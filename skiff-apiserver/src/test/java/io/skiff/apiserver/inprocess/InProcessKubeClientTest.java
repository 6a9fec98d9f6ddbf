package io.skiff.apiserver.inprocess;

import io.skiff.api.ResourceRegistry;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.apiserver.registry.Registry;
import io.skiff.client.KubeClient;
import io.skiff.client.KubeClientContractTest;
import io.skiff.clock.Clock;
import io.skiff.store.memory.MemoryStore;

/** The client contract over {@link InProcessTransport}: straight on a registry, no server. */
class InProcessKubeClientTest extends KubeClientContractTest {

  private MemoryStore store;

  @Override
  protected KubeClient startCluster() {
    store = new MemoryStore();
    Registry registry =
        new Registry(ResourceRegistry.builtin(), store, new ObjectCodec(), Clock.system());
    registry.bootstrap();
    return KubeClient.over(new InProcessTransport(registry));
  }

  @Override
  protected void compactHistory() {
    store.compact(store.currentRevision());
  }

  @Override
  protected void stopCluster() {
    store.close();
  }
}
