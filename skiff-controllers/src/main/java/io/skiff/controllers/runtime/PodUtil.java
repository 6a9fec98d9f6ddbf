package io.skiff.controllers.runtime;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What controllers ask of pods: upstream's {@code pkg/api/v1/pod} helpers and the pod filters of
 * {@code pkg/controller/controller_utils.go}.
 */
public final class PodUtil {

  /** The annotation that orders pods for deletion on scale-down (lower goes first). */
  public static final String POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

  public static final String PHASE_PENDING = "Pending";
  public static final String PHASE_RUNNING = "Running";
  public static final String PHASE_SUCCEEDED = "Succeeded";
  public static final String PHASE_FAILED = "Failed";
  public static final String PHASE_UNKNOWN = "Unknown";

  private PodUtil() {}

  /** The pod's condition of {@code type}, if it has one. */
  public static Optional<PodCondition> condition(Pod pod, String type) {
    return Optional.ofNullable(find(pod, type));
  }

  /** The pod's first condition of {@code type}, or null. */
  private static PodCondition find(Pod pod, String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return null;
    }
    for (PodCondition c : pod.getStatus().getConditions()) {
      if (type.equals(c.getType())) {
        return c;
      }
    }
    return null;
  }

  /** Whether the pod's {@code Ready} condition is {@code True}. */
  public static boolean isPodReady(Pod pod) {
    return trueReadyCondition(pod) != null;
  }

  /**
   * The pod's {@code Ready} condition when it is {@code True}, else null: for callers that count
   * ready and available pods with one walk over the conditions (a 10,000-pod set's status is mostly
   * the cache misses of that walk).
   */
  public static PodCondition trueReadyCondition(Pod pod) {
    PodCondition ready = find(pod, "Ready");
    return ready != null && "True".equals(ready.getStatus()) ? ready : null;
  }

  /**
   * Whether the pod is available: ready, and either {@code minReadySeconds} is 0 or it has been
   * ready since strictly before {@code now - minReadySeconds}. A Ready condition without a
   * transition time never becomes available with a positive {@code minReadySeconds}.
   */
  public static boolean isPodAvailable(Pod pod, int minReadySeconds, Instant now) {
    return isAvailable(trueReadyCondition(pod), minReadySeconds, now);
  }

  /**
   * {@link #isPodAvailable} for a pod whose {@link #trueReadyCondition} is {@code ready} (null: not
   * ready).
   */
  public static boolean isAvailable(PodCondition ready, int minReadySeconds, Instant now) {
    if (ready == null) {
      return false;
    }
    if (minReadySeconds == 0) {
      return true;
    }
    Instant since = Times.parse(ready.getLastTransitionTime());
    return since != null && since.plus(Duration.ofSeconds(minReadySeconds)).isBefore(now);
  }

  /**
   * When the pod last became ready, or null when it is not ready or the time is unknown (Go's zero
   * time).
   */
  public static Instant readyTime(Pod pod) {
    PodCondition ready = trueReadyCondition(pod);
    return ready == null ? null : Times.parse(ready.getLastTransitionTime());
  }

  public static String phase(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getPhase() == null
        ? ""
        : pod.getStatus().getPhase();
  }

  /** Succeeded or Failed: the pod's containers will not run again. */
  public static boolean isPodTerminal(Pod pod) {
    String phase = phase(pod);
    return PHASE_SUCCEEDED.equals(phase) || PHASE_FAILED.equals(phase);
  }

  /** Neither terminal nor being deleted: the pod counts towards a controller's replicas. */
  public static boolean isPodActive(Pod pod) {
    return !isPodTerminal(pod) && pod.getMetadata().getDeletionTimestamp() == null;
  }

  /** Being deleted but still running. */
  public static boolean isPodTerminating(Pod pod) {
    return !isPodTerminal(pod) && pod.getMetadata().getDeletionTimestamp() != null;
  }

  /** The active pods of {@code pods}, in their order. */
  public static List<Pod> filterActivePods(List<Pod> pods) {
    List<Pod> active = new ArrayList<>(pods.size());
    for (Pod p : pods) {
      if (isPodActive(p)) {
        active.add(p);
      }
    }
    return active;
  }

  /** The most restarts of any of the pod's containers. */
  public static int maxContainerRestarts(Pod pod) {
    int most = 0;
    if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
      for (ContainerStatus c : pod.getStatus().getContainerStatuses()) {
        if (c.getRestartCount() != null) {
          most = Math.max(most, c.getRestartCount());
        }
      }
    }
    return most;
  }

  /**
   * The pod's deletion cost: its {@link #POD_DELETION_COST} annotation as an int32, 0 when absent
   * or invalid (upstream rejects a leading {@code +} and leading zeros).
   */
  public static int deletionCost(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(POD_DELETION_COST);
    if (value == null || value.isEmpty()) {
      return 0;
    }
    char first = value.charAt(0);
    boolean validFirst = first == '-' || value.equals("0") || (first >= '1' && first <= '9');
    if (!validFirst) {
      return 0;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
