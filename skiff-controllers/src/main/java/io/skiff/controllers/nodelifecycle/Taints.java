package io.skiff.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.skiff.api.scheduling.Tolerations;
import io.skiff.client.informer.SharedInformer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Taint keys and the toleration time of NoExecute taints, as upstream's taint utilities. */
final class Taints {

  private Taints() {}

  static final String NO_EXECUTE = "NoExecute";
  static final String NO_SCHEDULE = "NoSchedule";

  static final String NOT_READY = "node.kubernetes.io/not-ready";
  static final String UNREACHABLE = "node.kubernetes.io/unreachable";
  static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
  static final String MEMORY_PRESSURE = "node.kubernetes.io/memory-pressure";
  static final String DISK_PRESSURE = "node.kubernetes.io/disk-pressure";
  static final String PID_PRESSURE = "node.kubernetes.io/pid-pressure";
  static final String NETWORK_UNAVAILABLE = "node.kubernetes.io/network-unavailable";

  /** The index of pods by {@code spec.nodeName}, shared by both controllers of this package. */
  static final String NODE_NAME_INDEX = "spec.nodeName";

  static void addNodeNameIndex(SharedInformer<Pod> pods) {
    try {
      pods.addIndex(
          NODE_NAME_INDEX,
          pod -> {
            String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
            return node == null || node.isEmpty() ? List.of() : List.of(node);
          });
    } catch (IllegalArgumentException alreadyThere) {
      // The other controller of this package indexed the shared informer the same way.
    }
  }

  static List<Taint> taintsOf(Node node) {
    return node.getSpec() == null || node.getSpec().getTaints() == null
        ? List.of()
        : node.getSpec().getTaints();
  }

  static List<Taint> noExecuteTaints(Node node) {
    return taintsOf(node).stream().filter(t -> NO_EXECUTE.equals(t.getEffect())).toList();
  }

  static List<Toleration> tolerationsOf(Pod pod) {
    return pod.getSpec() == null || pod.getSpec().getTolerations() == null
        ? List.of()
        : pod.getSpec().getTolerations();
  }

  /**
   * How long the pod may stay with these NoExecute taints (upstream's {@code
   * getMatchingTolerations} and {@code getMinTolerationTime}): empty when it tolerates them for
   * ever; zero when some taint is not tolerated at all, else the least {@code tolerationSeconds} of
   * the first toleration matching each taint.
   */
  static Optional<Duration> tolerationTime(List<Toleration> tolerations, List<Taint> taints) {
    Optional<List<Toleration>> matching = Tolerations.matchingTolerations(taints, tolerations);
    if (matching.isEmpty()) {
      return Optional.of(Duration.ZERO);
    }
    long min = -1;
    for (Toleration t : matching.get()) {
      if (t.getTolerationSeconds() != null) {
        long seconds = Math.max(0, t.getTolerationSeconds());
        min = min < 0 ? seconds : Math.min(min, seconds);
      }
    }
    return min < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(min));
  }
}
