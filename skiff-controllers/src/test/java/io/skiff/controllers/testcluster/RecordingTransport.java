package io.skiff.controllers.testcluster;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.api.ResourceType;
import io.skiff.api.patch.PatchType;
import io.skiff.client.transport.ForwardingTransport;
import io.skiff.client.transport.Transport;
import java.util.ArrayList;
import java.util.List;

/**
 * A transport that passes every call on and records the writes, so that tests can check which API
 * calls a controller made, with which bodies, preconditions and propagation policies.
 */
final class RecordingTransport extends ForwardingTransport {

  private final List<Action> actions = new ArrayList<>();

  RecordingTransport(Transport delegate) {
    super(delegate);
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
  public HasMetadata create(ResourceType type, String namespace, HasMetadata object) {
    record(
        new Action(
            "create", type.plural(), namespace, object.getMetadata().getName(), null, object));
    return super.create(type, namespace, object);
  }

  @Override
  public HasMetadata update(
      ResourceType type, String namespace, String name, HasMetadata object, boolean status) {
    record(new Action("update", type.plural(), namespace, name, status ? "status" : null, object));
    return super.update(type, namespace, name, object, status);
  }

  @Override
  public HasMetadata updateSubresource(
      ResourceType type, String namespace, String name, HasMetadata object, String subresource) {
    record(new Action("update", type.plural(), namespace, name, subresource, object));
    return super.updateSubresource(type, namespace, name, object, subresource);
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
    return super.patch(type, namespace, name, patchType, body, status);
  }

  @Override
  public void delete(ResourceType type, String namespace, String name, DeleteOptions options) {
    record(new Action("delete", type.plural(), namespace, name, null, options));
    super.delete(type, namespace, name, options);
  }

  @Override
  public void createSubresource(
      ResourceType type, String namespace, String name, String subresource, HasMetadata body) {
    record(new Action("create", type.plural(), namespace, name, subresource, body));
    super.createSubresource(type, namespace, name, subresource, body);
  }
}
