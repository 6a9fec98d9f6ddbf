package io.skiff.controllers.testcluster;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.skiff.api.ResourceType;
import io.skiff.api.patch.PatchType;
import io.skiff.client.ListOptions;
import io.skiff.client.ListPage;
import io.skiff.client.Watch;
import io.skiff.client.Watcher;
import io.skiff.client.transport.Transport;
import java.util.ArrayList;
import java.util.List;

/**
 * A transport that passes every call on and records the writes, so that tests can check which API
 * calls a controller made, with which bodies, preconditions and propagation policies.
 */
final class RecordingTransport implements Transport {

  private final Transport delegate;
  private final List<Action> actions = new ArrayList<>();

  RecordingTransport(Transport delegate) {
    this.delegate = delegate;
  }

  synchronized List<Action> actions() {
    return List.copyOf(actions);
  }

  synchronized void clear() {
    actions.clear();
  }

  private synchronized void record(Action a) {
    actions.add(a);
  }

  @Override
  public HasMetadata get(ResourceType type, String namespace, String name) {
    return delegate.get(type, namespace, name);
  }

  @Override
  public ListPage<HasMetadata> list(ResourceType type, String namespace, ListOptions options) {
    return delegate.list(type, namespace, options);
  }

  @Override
  public HasMetadata create(ResourceType type, String namespace, HasMetadata object) {
    record(
        new Action(
            "create", type.plural(), namespace, object.getMetadata().getName(), null, object));
    return delegate.create(type, namespace, object);
  }

  @Override
  public HasMetadata update(
      ResourceType type, String namespace, String name, HasMetadata object, boolean status) {
    record(new Action("update", type.plural(), namespace, name, status ? "status" : null, object));
    return delegate.update(type, namespace, name, object, status);
  }

  @Override
  public HasMetadata updateSubresource(
      ResourceType type, String namespace, String name, HasMetadata object, String subresource) {
    record(new Action("update", type.plural(), namespace, name, subresource, object));
    return delegate.updateSubresource(type, namespace, name, object, subresource);
  }

  @Override
  public HasMetadata patch(
      ResourceType type,
      String namespace,
      String name,
      PatchType patchType,
      String body,
      boolean status) {
    record(
        new Action(
            "patch",
            type.plural(),
            namespace,
            name,
            status ? "status" : null,
            patchType.mediaType() + " " + body));
    return delegate.patch(type, namespace, name, patchType, body, status);
  }

  @Override
  public void delete(ResourceType type, String namespace, String name, DeleteOptions options) {
    record(new Action("delete", type.plural(), namespace, name, null, options));
    delegate.delete(type, namespace, name, options);
  }

  @Override
  public Watch watch(
      ResourceType type,
      String namespace,
      ListOptions options,
      long fromResourceVersion,
      Watcher<HasMetadata> watcher) {
    return delegate.watch(type, namespace, options, fromResourceVersion, watcher);
  }

  @Override
  public Scale getScale(ResourceType type, String namespace, String name) {
    return delegate.getScale(type, namespace, name);
  }

  @Override
  public Scale updateScale(ResourceType type, String namespace, String name, Scale scale) {
    return delegate.updateScale(type, namespace, name, scale);
  }

  @Override
  public void createSubresource(
      ResourceType type, String namespace, String name, String subresource, HasMetadata body) {
    record(new Action("create", type.plural(), namespace, name, subresource, body));
    delegate.createSubresource(type, namespace, name, subresource, body);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
