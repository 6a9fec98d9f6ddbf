package io.skiff.client;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.api.ResourceRegistry;
import io.skiff.client.transport.Transport;

/**
 * The typed client of the Kubernetes API that control loops use, whatever the transport: in the API
 * server's process (no HTTP, no JSON) or over HTTP.
 *
 * <pre>{@code
 * KubeClient client = KubeClient.over(transport);
 * Resources<Deployment> deployments = client.resources(Deployment.class);
 * Deployment d = deployments.get("default", "web").orElseThrow();
 * }</pre>
 */
public interface KubeClient extends AutoCloseable {

  /** A client of Skiff's built-in kinds over {@code transport}; closing it closes the transport. */
  static KubeClient over(Transport transport) {
    return new TransportKubeClient(ResourceRegistry.builtin(), transport);
  }

  /**
   * The verbs on {@code kind}.
   *
   * @throws IllegalArgumentException if the kind is not served
   */
  <T extends HasMetadata> Resources<T> resources(Class<T> kind);

  @Override
  void close();
}
