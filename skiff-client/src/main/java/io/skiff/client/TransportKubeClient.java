package io.skiff.client;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.ResourceType;
import io.skiff.client.transport.Transport;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link KubeClient} over a {@link Transport}. */
final class TransportKubeClient implements KubeClient {

  private final Transport transport;
  private final Map<Class<?>, ResourceType> types = new HashMap<>();
  private final Map<Class<?>, Resources<?>> clients = new ConcurrentHashMap<>();

  TransportKubeClient(ResourceRegistry registry, Transport transport) {
    this.transport = transport;
    for (ResourceType t : registry.all()) {
      types.put(t.type(), t);
    }
  }

  @Override
  public <T extends HasMetadata> Resources<T> resources(Class<T> kind) {
    @SuppressWarnings("unchecked")
    Resources<T> r =
        (Resources<T>)
            clients.computeIfAbsent(
                kind,
                k -> {
                  ResourceType type = types.get(k);
                  if (type == null) {
                    throw new IllegalArgumentException("not a served kind: " + k.getName());
                  }
                  return new TransportResources<>(type, kind, transport);
                });
    return r;
  }

  @Override
  public void close() {
    transport.close();
  }
}
