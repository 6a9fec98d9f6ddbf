package io.skiff.scheduler.plugins;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.skiff.api.scheduling.Tolerations;
import io.skiff.scheduler.framework.ClusterEvent;
import io.skiff.scheduler.framework.FilterPlugin;
import io.skiff.scheduler.framework.NodeInfo;
import io.skiff.scheduler.framework.PodInfo;
import io.skiff.scheduler.framework.Status;
import java.util.List;

/**
 * Keeps pods off cordoned nodes ({@code spec.unschedulable}), unless the pod tolerates the {@code
 * node.kubernetes.io/unschedulable:NoSchedule} taint that stands for the cordon.
 */
public final class NodeUnschedulable implements FilterPlugin {

  public static final String NAME = "NodeUnschedulable";
  public static final String ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable";

  private static final Taint CORDON =
      new TaintBuilder()
          .withKey("node.kubernetes.io/unschedulable")
          .withEffect("NoSchedule")
          .build();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status filter(PodInfo pod, NodeInfo node) {
    if (!node.isUnschedulable() || toleratesCordon(pod.tolerations())) {
      return Status.SUCCESS;
    }
    return Status.unresolvable(ERR_REASON_UNSCHEDULABLE);
  }

  @Override
  public boolean isSchedulableAfter(PodInfo pod, ClusterEvent event) {
    return switch (event) {
      case ClusterEvent.NodeAdded(Node n) -> !cordoned(n);
      case ClusterEvent.NodeUpdated(Node old, Node n) -> cordoned(old) && !cordoned(n);
      case ClusterEvent.PodUpdated(var old, var updated) ->
          toleratesCordon(PodInfo.of(updated).tolerations());
      case ClusterEvent.AssignedPodDeleted p -> false;
    };
  }

  private static boolean toleratesCordon(List<Toleration> tolerations) {
    return Tolerations.tolerationsTolerateTaint(tolerations, CORDON);
  }

  private static boolean cordoned(Node n) {
    return n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable());
  }
}
