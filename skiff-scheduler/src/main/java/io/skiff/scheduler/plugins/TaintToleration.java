package io.skiff.scheduler.plugins;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.skiff.api.scheduling.Tolerations;
import io.skiff.scheduler.framework.ClusterEvent;
import io.skiff.scheduler.framework.FilterPlugin;
import io.skiff.scheduler.framework.NodeInfo;
import io.skiff.scheduler.framework.PodInfo;
import io.skiff.scheduler.framework.ScorePlugin;
import io.skiff.scheduler.framework.Status;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps pods off nodes with a {@code NoSchedule} or {@code NoExecute} taint they do not tolerate,
 * and prefers nodes with fewer untolerated {@code PreferNoSchedule} taints.
 */
public final class TaintToleration implements FilterPlugin, ScorePlugin {

  public static final String NAME = "TaintToleration";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int weight() {
    return 3;
  }

  @Override
  public Status filter(PodInfo pod, NodeInfo node) {
    Optional<Taint> taint =
        Tolerations.findMatchingUntoleratedTaint(
            node.taints(), pod.tolerations(), TaintToleration::isNoScheduleOrNoExecute);
    return taint
        .map(
            t ->
                Status.unresolvable(
                    "node(s) had untolerated taint {"
                        + t.getKey()
                        + ": "
                        + Objects.requireNonNullElse(t.getValue(), "")
                        + "}"))
        .orElse(Status.SUCCESS);
  }

  @Override
  public boolean isSchedulableAfter(PodInfo pod, ClusterEvent event) {
    return switch (event) {
      case ClusterEvent.NodeAdded(Node n) -> !untolerated(pod.tolerations(), n);
      case ClusterEvent.NodeUpdated(Node old, Node n) ->
          untolerated(pod.tolerations(), old) && !untolerated(pod.tolerations(), n);
      case ClusterEvent.PodUpdated(var old, var updated) ->
          !Objects.equals(PodInfo.of(old).tolerations(), PodInfo.of(updated).tolerations());
      case ClusterEvent.AssignedPodDeleted p -> false;
    };
  }

  private static boolean untolerated(List<Toleration> tolerations, Node node) {
    List<Taint> taints = node.getSpec() == null ? null : node.getSpec().getTaints();
    return Tolerations.findMatchingUntoleratedTaint(
            taints, tolerations, TaintToleration::isNoScheduleOrNoExecute)
        .isPresent();
  }

  /** The effects the filter keeps pods away for; {@code PreferNoSchedule} only lowers a score. */
  private static boolean isNoScheduleOrNoExecute(Taint t) {
    return "NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect());
  }

  /**
   * Counts the {@code PreferNoSchedule} taints of each node that the pod's tolerations (those with
   * that effect or none) do not tolerate; fewer is better.
   */
  @Override
  public void score(
      PodInfo pod, List<NodeInfo> feasible, Collection<NodeInfo> allNodes, long[] scores) {
    List<Toleration> preferNoSchedule =
        pod.tolerations().stream()
            .filter(
                t ->
                    t.getEffect() == null
                        || t.getEffect().isEmpty()
                        || t.getEffect().equals("PreferNoSchedule"))
            .toList();
    for (int i = 0; i < feasible.size(); i++) {
      long count = 0;
      for (Taint t : feasible.get(i).taints()) {
        if ("PreferNoSchedule".equals(t.getEffect())
            && !Tolerations.tolerationsTolerateTaint(preferNoSchedule, t)) {
          count++;
        }
      }
      scores[i] = count;
    }
    Scores.defaultNormalize(scores, feasible.size(), true);
  }
}
