package io.skiff.client.events;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.client.KubeClient;
import io.skiff.clock.Clock;

/**
 * Records core/v1 Events about objects, as client-go's {@code record.EventRecorder}: what {@code
 * kubectl describe} shows under Events. Recording never blocks and never fails the caller; events
 * are written in the background, and repeats of the same event become one Event whose {@code count}
 * and {@code lastTimestamp} move.
 */
public interface EventRecorder {

  /** Records nothing. */
  EventRecorder NONE = (involved, type, reason, message) -> {};

  /**
   * Records an event about {@code involved}.
   *
   * @param type {@code Normal} or {@code Warning}
   * @param reason a short UpperCamelCase machine-readable reason, e.g. {@code FailedScheduling}
   * @param message the human-readable text
   */
  void event(HasMetadata involved, String type, String reason, String message);

  /**
   * Records an event about a part of {@code involved}, e.g. {@code spec.containers{nginx}}, as the
   * kubelet does for container events.
   */
  default void event(
      HasMetadata involved, String fieldPath, String type, String reason, String message) {
    event(involved, type, reason, message);
  }

  /**
   * A recorder that writes through {@code client} in the background, with upstream's correlation
   * (repeats counted, floods of similar events combined, per-object spam limit).
   *
   * @param component the reporting component, e.g. {@code default-scheduler}, {@code kubelet}
   * @param host the reporting host (a node name for the kubelet), or null
   */
  static EventRecorder create(KubeClient client, String component, String host, Clock clock) {
    return ClientEventRecorder.background(client, component, host, clock);
  }
}
