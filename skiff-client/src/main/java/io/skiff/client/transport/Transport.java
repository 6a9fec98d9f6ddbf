package io.skiff.client.transport;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.skiff.api.ResourceType;
import io.skiff.api.errors.StatusError;
import io.skiff.api.patch.PatchType;
import io.skiff.client.ListOptions;
import io.skiff.client.ListPage;
import io.skiff.client.Watch;
import io.skiff.client.Watcher;

/**
 * How a {@link io.skiff.client.KubeClient} reaches the API: one method per REST verb. An
 * implementation behaves exactly as the HTTP API does, request for request: the same objects come
 * back and every failure is the {@link StatusError} the server would have answered with, so that
 * control loops cannot tell transports apart.
 *
 * <p>Contract for implementations:
 *
 * <ul>
 *   <li>Objects passed in are not changed. Objects returned, listed and delivered to watchers are
 *       new instances held by no one else.
 *   <li>{@code namespace} is null for cluster-scoped kinds, and for list and watch across all
 *       namespaces; callers check that namespaced named calls have one.
 *   <li>Failures to reach the server at all are {@link java.io.UncheckedIOException}s.
 * </ul>
 */
public interface Transport extends AutoCloseable {

  /**
   * @throws StatusError 404 when it does not exist
   */
  HasMetadata get(ResourceType type, String namespace, String name);

  ListPage<HasMetadata> list(ResourceType type, String namespace, ListOptions options);

  HasMetadata create(ResourceType type, String namespace, HasMetadata object);

  /**
   * PUT of {@code object}, named {@code name}, to the object or, with {@code status}, to its {@code
   * status} subresource.
   */
  HasMetadata update(
      ResourceType type, String namespace, String name, HasMetadata object, boolean status);

  /**
   * PUT of {@code object}, named {@code name}, to a subresource that stores part of it: {@code
   * status} or a Namespace's {@code finalize}. Transports that predate {@code finalize} only write
   * {@code status}.
   */
  default HasMetadata updateSubresource(
      ResourceType type, String namespace, String name, HasMetadata object, String subresource) {
    if (subresource.equals("status")) {
      return update(type, namespace, name, object, true);
    }
    throw new UnsupportedOperationException(getClass().getName() + " cannot write " + subresource);
  }

  HasMetadata patch(
      ResourceType type,
      String namespace,
      String name,
      PatchType patchType,
      String body,
      boolean status);

  void delete(ResourceType type, String namespace, String name, DeleteOptions options);

  /**
   * Starts a watch; see {@link io.skiff.client.Resources#watch}. Errors found before the stream
   * starts (a bad selector) are thrown; an expired revision goes to {@link Watcher#onClose}.
   */
  Watch watch(
      ResourceType type,
      String namespace,
      ListOptions options,
      long fromResourceVersion,
      Watcher<HasMetadata> watcher);

  Scale getScale(ResourceType type, String namespace, String name);

  Scale updateScale(ResourceType type, String namespace, String name, Scale scale);

  /**
   * POST of {@code body} to the object's {@code subresource} ({@code binding}, {@code eviction}),
   * whose answer is a success Status, not an object.
   */
  void createSubresource(
      ResourceType type, String namespace, String name, String subresource, HasMetadata body);

  /** Ends open watches and releases connections. */
  @Override
  default void close() {}
}
