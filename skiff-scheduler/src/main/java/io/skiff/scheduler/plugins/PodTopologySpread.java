package io.skiff.scheduler.plugins;

import io.skiff.scheduler.framework.NodeInfo;
import io.skiff.scheduler.framework.PodInfo;
import io.skiff.scheduler.framework.ScorePlugin;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Spreads the pods of one ReplicaSet, ReplicationController or StatefulSet over nodes and zones:
 * upstream's {@code PodTopologySpread} score with its system default constraints ({@code
 * kubernetes.io/hostname} with maxSkew 3 and {@code topology.kubernetes.io/zone} with maxSkew 5,
 * both {@code ScheduleAnyway}).
 *
 * <p>Upstream counts the pods matching the selectors of the controllers and services that select
 * the pod; Skiff counts the pods with the same controlling owner, which the cache keeps per node so
 * that a score costs one lookup per node. Pods being deleted are not counted. Nodes need the
 * constraint's label to be scored by it, as upstream: a node without {@code kubernetes.io/hostname}
 * gets no hostname spreading.
 */
public final class PodTopologySpread implements ScorePlugin {

  public static final String NAME = "PodTopologySpread";
  public static final String HOSTNAME = "kubernetes.io/hostname";
  public static final String ZONE = "topology.kubernetes.io/zone";
  private static final int HOSTNAME_MAX_SKEW = 3;
  private static final int ZONE_MAX_SKEW = 5;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int weight() {
    return 2;
  }

  @Override
  public void score(
      PodInfo pod, List<NodeInfo> feasible, Collection<NodeInfo> allNodes, long[] scores) {
    String owner = pod.spreadOwner();
    if (owner == null) {
      return;
    }
    double hostWeight = Math.log(feasible.size() + 2);
    Map<String, long[]> zoneCounts = zoneCounts(pod, owner, feasible, allNodes);
    double zoneWeight = zoneCounts == null ? 0 : Math.log(zoneCounts.size() + 2);
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < feasible.size(); i++) {
      NodeInfo n = feasible.get(i);
      double score = 0;
      if (n.labels().containsKey(HOSTNAME)) {
        score += n.spreadCount(owner) * hostWeight + (HOSTNAME_MAX_SKEW - 1);
      }
      String zone = zoneCounts == null ? null : n.labels().get(ZONE);
      if (zone != null) {
        score += zoneCounts.get(zone)[0] * zoneWeight + (ZONE_MAX_SKEW - 1);
      }
      long s = Math.round(score);
      scores[i] = s;
      min = Math.min(min, s);
      max = Math.max(max, s);
    }
    for (int i = 0; i < feasible.size(); i++) {
      scores[i] =
          max == 0 ? Scores.MAX_NODE_SCORE : Scores.MAX_NODE_SCORE * (max + min - scores[i]) / max;
    }
  }

  /**
   * The owner's pods per zone, over the zones of the feasible nodes; null when no feasible node has
   * a zone, so that the zone constraint scores nothing.
   */
  private static Map<String, long[]> zoneCounts(
      PodInfo pod, String owner, List<NodeInfo> feasible, Collection<NodeInfo> allNodes) {
    Map<String, long[]> counts = null;
    for (NodeInfo n : feasible) {
      if (n.labels().containsKey(ZONE)) {
        counts = new HashMap<>();
        break;
      }
    }
    if (counts == null) {
      return null;
    }
    // Upstream sizes the topology by the values among the feasible nodes; a node without the
    // label counts as the zone "".
    for (NodeInfo n : feasible) {
      counts.computeIfAbsent(n.labels().getOrDefault(ZONE, ""), z -> new long[1]);
    }
    // The counts take every node the pod could go to by its node affinity (policy Honor).
    for (NodeInfo n : allNodes) {
      if (n.node() == null || !pod.requiredAffinity().matches(n.node())) {
        continue;
      }
      long[] count = counts.get(n.labels().getOrDefault(ZONE, ""));
      if (count != null) {
        count[0] += n.spreadCount(owner);
      }
    }
    return counts;
  }
}
