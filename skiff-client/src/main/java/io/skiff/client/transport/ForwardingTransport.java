package io.skiff.client.transport;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.skiff.api.ResourceType;
import io.skiff.api.patch.PatchType;
import io.skiff.client.ListOptions;
import io.skiff.client.ListPage;
import io.skiff.client.Watch;
import io.skiff.client.Watcher;
import java.util.Objects;

/**
 * A transport that passes every call on to another, as Guava's {@code Forwarding*} classes do: a
 * wrapper that changes a few calls (a rate limit, a recording, a fault) overrides those and
 * inherits the rest, so that a method added to {@link Transport} reaches the delegate of every
 * wrapper without each of them having to learn of it.
 *
 * <p>Every method forwards, defaults included: the delegate's own {@link #updateSubresource} may
 * write more than {@code status}. {@link #close()} closes the delegate too; a wrapper over a
 * transport that others share overrides it.
 */
public abstract class ForwardingTransport implements Transport {

  private final Transport delegate;

  protected ForwardingTransport(Transport delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /**
   * The transport to pass a call on to, asked once for every call, {@link #close()} included, just
   * before the call: a wrapper that acts on every call alike (a rate limit) overrides this alone.
   */
  protected Transport delegate() {
    return delegate;
  }

  @Override
  public HasMetadata get(ResourceType type, String namespace, String name) {
    return delegate().get(type, namespace, name);
  }

  @Override
  public ListPage<HasMetadata> list(ResourceType type, String namespace, ListOptions options) {
    return delegate().list(type, namespace, options);
  }

  @Override
  public HasMetadata create(ResourceType type, String namespace, HasMetadata object) {
    return delegate().create(type, namespace, object);
  }

  @Override
  public HasMetadata update(
      ResourceType type, String namespace, String name, HasMetadata object, boolean status) {
    return delegate().update(type, namespace, name, object, status);
  }

  @Override
  public HasMetadata updateSubresource(
      ResourceType type, String namespace, String name, HasMetadata object, String subresource) {
    return delegate().updateSubresource(type, namespace, name, object, subresource);
  }

  @Override
  public HasMetadata patch(
      ResourceType type,
      String namespace,
      String name,
      PatchType patchType,
      String body,
      boolean status) {
    return delegate().patch(type, namespace, name, patchType, body, status);
  }

  @Override
  public void delete(ResourceType type, String namespace, String name, DeleteOptions options) {
    delegate().delete(type, namespace, name, options);
  }

  @Override
  public Watch watch(
      ResourceType type,
      String namespace,
      ListOptions options,
      long fromResourceVersion,
      Watcher<HasMetadata> watcher) {
    return delegate().watch(type, namespace, options, fromResourceVersion, watcher);
  }

  @Override
  public Scale getScale(ResourceType type, String namespace, String name) {
    return delegate().getScale(type, namespace, name);
  }

  @Override
  public Scale updateScale(ResourceType type, String namespace, String name, Scale scale) {
    return delegate().updateScale(type, namespace, name, scale);
  }

  @Override
  public void createSubresource(
      ResourceType type, String namespace, String name, String subresource, HasMetadata body) {
    delegate().createSubresource(type, namespace, name, subresource, body);
  }

  @Override
  public void close() {
    delegate().close();
  }
}
