package io.skiff.scheduler.plugins;

import io.skiff.scheduler.framework.NodeInfo;
import io.skiff.scheduler.framework.PodInfo;
import io.skiff.scheduler.framework.Resource;
import io.skiff.scheduler.framework.ScorePlugin;
import java.util.Collection;
import java.util.List;

/**
 * Prefers nodes whose CPU and memory would be used in the same proportion after the pod (upstream's
 * {@code NodeResourcesBalancedAllocation}): {@code (1 - std) * 100} of the two
 * requested/allocatable fractions. Best-effort pods are not scored (upstream skips them so that
 * they do not pile onto one node).
 */
public final class BalancedAllocation implements ScorePlugin {

  public static final String NAME = "NodeResourcesBalancedAllocation";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int weight() {
    return 1;
  }

  @Override
  public void score(
      PodInfo pod, List<NodeInfo> feasible, Collection<NodeInfo> allNodes, long[] scores) {
    Resource req = pod.requests();
    if (req.milliCpu() == 0 && req.memory() == 0) {
      return;
    }
    for (int i = 0; i < feasible.size(); i++) {
      NodeInfo n = feasible.get(i);
      double[] fractions = new double[2];
      int count = 0;
      long cpuAlloc = n.allocatable().milliCpu();
      if (cpuAlloc != 0) {
        fractions[count++] =
            Math.min(1, (double) (n.requested().milliCpu() + req.milliCpu()) / cpuAlloc);
      }
      long memAlloc = n.allocatable().memory();
      if (memAlloc != 0) {
        fractions[count++] =
            Math.min(1, (double) (n.requested().memory() + req.memory()) / memAlloc);
      }
      double std = count == 2 ? Math.abs((fractions[0] - fractions[1]) / 2) : 0;
      scores[i] = (long) ((1 - std) * Scores.MAX_NODE_SCORE);
    }
  }
}
