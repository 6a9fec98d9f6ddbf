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
    // Upstream sizes each topology by the values among the feasible nodes; a node without the
    // zone label counts as the zone "".
    Map<String, long[]> zoneCounts = new HashMap<>();
    for (NodeInfo n : feasible) {
      zoneCounts.computeIfAbsent(n.labels().getOrDefault(ZONE, ""), z -> new long[1]);
    }
    double hostWeight = Math.log(feasible.size() + 2);
    double zoneWeight = Math.log(zoneCounts.size() + 2);
    // Zone counts take every node the pod could go to by its node affinity (policy Honor).
    for (NodeInfo n : allNodes) {
      if (n.node() == null || !pod.requiredAffinity().matches(n.node())) {
        continue;
      }
      long[] count = zoneCounts.get(n.labels().getOrDefault(ZONE, ""));
      if (count != null) {
        count[0] += n.spreadCount(owner);
      }
    }
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < feasible.size(); i++) {
      NodeInfo n = feasible.get(i);
      double score = 0;
      if (n.labels().containsKey(HOSTNAME)) {
        score += n.spreadCount(owner) * hostWeight + (HOSTNAME_MAX_SKEW - 1);
      }
      String zone = n.labels().get(ZONE);
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
}
