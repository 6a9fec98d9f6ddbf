package io.skiff.client;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.skiff.api.ResourceType;
import io.skiff.api.errors.StatusError;
import io.skiff.api.patch.PatchType;
import io.skiff.client.transport.Transport;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link Resources} over a {@link Transport}: checks arguments the same way for every transport, so
 * that a transport only ever sees well-formed calls.
 */
final class TransportResources<T extends HasMetadata> implements Resources<T> {

  private final ResourceType type;
  private final Class<T> kind;
  private final Transport transport;

  TransportResources(ResourceType type, Class<T> kind, Transport transport) {
    this.type = type;
    this.kind = kind;
    this.transport = transport;
  }

  @Override
  public ResourceType type() {
    return type;
  }

  @Override
  public Optional<T> get(String namespace, String name) {
    try {
      return Optional.of(kind.cast(transport.get(type, namespace(namespace), name(name))));
    } catch (StatusError e) {
      if (e.code() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public ListPage<T> list(String namespace, ListOptions options) {
    ListPage<HasMetadata> page =
        transport.list(type, scope(namespace), options == null ? ListOptions.all() : options);
    List<T> items = page.items().stream().map(kind::cast).toList();
    return new ListPage<>(items, page.resourceVersion(), page.continueToken());
  }

  @Override
  public T create(T object) {
    return kind.cast(transport.create(type, namespace(object), object));
  }

  @Override
  public T update(T object) {
    return kind.cast(transport.update(type, namespace(object), name(object), object, false));
  }

  @Override
  public T updateStatus(T object) {
    return kind.cast(transport.update(type, namespace(object), name(object), object, true));
  }

  @Override
  public T updateSubresource(T object, String subresource) {
    Objects.requireNonNull(subresource, "subresource");
    return kind.cast(
        transport.updateSubresource(type, namespace(object), name(object), object, subresource));
  }

  @Override
  public T patch(String namespace, String name, PatchType patchType, String body) {
    return doPatch(namespace, name, patchType, body, false);
  }

  @Override
  public T patchStatus(String namespace, String name, PatchType patchType, String body) {
    return doPatch(namespace, name, patchType, body, true);
  }

  private T doPatch(
      String namespace, String name, PatchType patchType, String body, boolean status) {
    Objects.requireNonNull(patchType, "patchType");
    Objects.requireNonNull(body, "body");
    return kind.cast(
        transport.patch(type, namespace(namespace), name(name), patchType, body, status));
  }

  @Override
  public void delete(String namespace, String name, DeleteOptions options) {
    transport.delete(type, namespace(namespace), name(name), options);
  }

  @Override
  public Watch watch(
      String namespace, ListOptions options, long fromResourceVersion, Watcher<T> watcher) {
    Objects.requireNonNull(watcher, "watcher");
    if (fromResourceVersion < 0) {
      throw new IllegalArgumentException("negative resourceVersion: " + fromResourceVersion);
    }
    return transport.watch(
        type,
        scope(namespace),
        options == null ? ListOptions.all() : options,
        fromResourceVersion,
        new Watcher<>() {
          @Override
          public void onEvent(EventType eventType, HasMetadata object) {
            watcher.onEvent(eventType, kind.cast(object));
          }

          @Override
          public void onClose(StatusError error) {
            watcher.onClose(error);
          }

          @Override
          public boolean readsOnly() {
            return watcher.readsOnly();
          }
        });
  }

  @Override
  public Scale scale(String namespace, String name) {
    return transport.getScale(type, namespace(namespace), name(name));
  }

  @Override
  public Scale updateScale(String namespace, String name, Scale scale) {
    Objects.requireNonNull(scale, "scale");
    return transport.updateScale(type, namespace(namespace), name(name), scale);
  }

  @Override
  public void createSubresource(
      String namespace, String name, String subresource, HasMetadata body) {
    Objects.requireNonNull(subresource, "subresource");
    Objects.requireNonNull(body, "body");
    transport.createSubresource(type, namespace(namespace), name(name), subresource, body);
  }

  /** The namespace of a named call: required for namespaced kinds, dropped for the others. */
  private String namespace(String namespace) {
    if (!type.namespaced()) {
      return null;
    }
    if (namespace == null || namespace.isEmpty()) {
      throw new IllegalArgumentException(
          type.qualifiedResource() + " are namespaced: no namespace");
    }
    return namespace;
  }

  private String namespace(T object) {
    Objects.requireNonNull(object, "object");
    return namespace(object.getMetadata() == null ? null : object.getMetadata().getNamespace());
  }

  /** The namespace of a collection call: null (or empty) for all namespaces. */
  private String scope(String namespace) {
    return !type.namespaced() || namespace == null || namespace.isEmpty() ? null : namespace;
  }

  private static String name(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("no name");
    }
    return name;
  }

  private static String name(HasMetadata object) {
    return name(object.getMetadata() == null ? null : object.getMetadata().getName());
  }
}
