package io.skiff.controllers.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.client.events.EventRecorder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records events as {@code "<Kind> <name>: <type> <reason> <message>"} lines, client-go's
 * FakeRecorder with the involved object in front.
 */
public final class RecordingEventRecorder implements EventRecorder {

  private final List<String> events = new CopyOnWriteArrayList<>();

  @Override
  public void event(HasMetadata involved, String type, String reason, String message) {
    events.add(
        involved.getKind()
            + " "
            + involved.getMetadata().getName()
            + ": "
            + type
            + " "
            + reason
            + " "
            + message);
  }

  public List<String> events() {
    return List.copyOf(events);
  }

  public void clear() {
    events.clear();
  }
}
