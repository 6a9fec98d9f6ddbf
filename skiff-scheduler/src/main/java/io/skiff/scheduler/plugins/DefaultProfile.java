package io.skiff.scheduler.plugins;

import io.skiff.scheduler.framework.Framework;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Upstream's default profile, cut down to the plugins Skiff runs: the filters in upstream's order
 * (which decides the reason a node reports when several filters would reject it) and the scores
 * with upstream's weights.
 */
public final class DefaultProfile {

  private DefaultProfile() {}

  public static Framework create(RandomGenerator random, int percentageOfNodesToScore) {
    TaintToleration taints = new TaintToleration();
    NodeAffinity affinity = new NodeAffinity();
    NodeResourcesFit fit = new NodeResourcesFit();
    return new Framework(
        List.of(new NodeUnschedulable(), taints, affinity, fit),
        List.of(taints, affinity, fit, new PodTopologySpread(), new BalancedAllocation()),
        NodeAffinity.NAME,
        random,
        percentageOfNodesToScore);
  }
}
