package io.skiff.client;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.skiff.api.ResourceType;
import io.skiff.api.errors.StatusError;
import io.skiff.api.patch.PatchType;
import java.util.Optional;

/**
 * The verbs on one kind, as client-go's typed clients offer them. Every failure the server reports
 * is a {@link StatusError} with upstream's code, reason and message, the same on every transport.
 *
 * <p>Objects passed in are not changed; objects returned are new and the caller's to change.
 *
 * <p>For namespaced kinds every call that names an object needs its namespace ({@link
 * IllegalArgumentException} otherwise); for cluster-scoped kinds the namespace is ignored. For list
 * and watch, a null namespace means all namespaces.
 *
 * @param <T> the fabric8 model class of the kind
 */
public interface Resources<T extends HasMetadata> {

  /** The resource this client serves. */
  ResourceType type();

  /** The object, or empty if it does not exist. */
  Optional<T> get(String namespace, String name);

  /**
   * One page of the objects of {@code namespace} (all when null) that match {@code options} (null:
   * everything).
   *
   * @throws StatusError 400 for a malformed or unsupported selector, 410 for an expired continue
   *     token
   */
  ListPage<T> list(String namespace, ListOptions options);

  /**
   * Creates the object in its {@code metadata.namespace}.
   *
   * @throws StatusError 409 AlreadyExists, 404 when the namespace does not exist, 422 Invalid
   */
  T create(T object);

  /**
   * Replaces the object (PUT), compare-and-swap on its {@code metadata.resourceVersion} when set.
   *
   * @throws StatusError 409 Conflict when the resourceVersion is stale, 404 when it is gone
   */
  T update(T object);

  /** Replaces the object's status through the {@code status} subresource (spec is ignored). */
  T updateStatus(T object);

  /**
   * Replaces the part of the object a subresource stores: {@code status}, or a Namespace's {@code
   * finalize} ({@code spec.finalizers}, which only the namespace controller removes);
   * compare-and-swap on its {@code metadata.resourceVersion} when set.
   *
   * @throws StatusError 404 when the object, or the kind's subresource, does not exist; 409 when
   *     the resourceVersion is stale
   */
  default T updateSubresource(T object, String subresource) {
    throw new UnsupportedOperationException(getClass().getName() + " cannot write " + subresource);
  }

  /** Patches the object; {@link PatchType#APPLY_PATCH} is not served (415). */
  T patch(String namespace, String name, PatchType type, String body);

  /** Patches the object's status through the {@code status} subresource. */
  T patchStatus(String namespace, String name, PatchType type, String body);

  /**
   * Deletes the object, or marks it for deletion when finalizers or a grace period keep it.
   *
   * @param options propagation policy, preconditions, grace period; null for the defaults
   * @throws StatusError 404 when it does not exist, 409 when a precondition fails
   */
  void delete(String namespace, String name, DeleteOptions options);

  /**
   * Watches the objects of {@code namespace} (all when null) matching {@code options}' selectors.
   *
   * @param fromResourceVersion deliver every change after this revision (a list's {@link
   *     ListPage#resourceVersion()}, or the last one seen); 0 first delivers the current objects as
   *     {@link EventType#ADDED}, then the changes
   * @throws StatusError 400 for a malformed selector; an expired revision is reported to {@link
   *     Watcher#onClose} as 410
   */
  Watch watch(String namespace, ListOptions options, long fromResourceVersion, Watcher<T> watcher);

  /** The {@code autoscaling/v1 Scale} of a Deployment, ReplicaSet, StatefulSet or RC. */
  Scale scale(String namespace, String name);

  /**
   * Writes {@code spec.replicas} through the {@code scale} subresource; a resourceVersion in the
   * Scale is compared with the object's (409 when stale).
   */
  Scale updateScale(String namespace, String name, Scale scale);

  /**
   * POSTs {@code body} to a subresource that acts rather than stores: a Pod's {@code binding}
   * (assigns it to a node) and {@code eviction} (deletes it if its disruption budget allows).
   *
   * @throws StatusError as the server answers: 404 when the object does not exist, 409 when a pod
   *     is already bound, 429 when a disruption budget forbids an eviction
   */
  void createSubresource(String namespace, String name, String subresource, HasMetadata body);
}
