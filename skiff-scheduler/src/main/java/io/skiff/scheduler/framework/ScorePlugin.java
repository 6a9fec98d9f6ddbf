package io.skiff.scheduler.framework;

import java.util.Collection;
import java.util.List;

/** Ranks the nodes that passed every filter. */
public interface ScorePlugin {

  /** Upstream's plugin name. */
  String name();

  /** What the normalized score is multiplied by before the scores are added up. */
  int weight();

  /**
   * Scores {@code pod} on each of {@code feasible} into {@code scores} (same order), already
   * normalized to 0–100 as upstream's NormalizeScore leaves them. A plugin with nothing to say
   * about the pod (upstream's PreScore {@code Skip}) leaves every score at 0.
   *
   * @param allNodes every node of the cluster, for scores that count pods outside the feasible
   *     nodes (spreading over zones)
   */
  void score(PodInfo pod, List<NodeInfo> feasible, Collection<NodeInfo> allNodes, long[] scores);
}
