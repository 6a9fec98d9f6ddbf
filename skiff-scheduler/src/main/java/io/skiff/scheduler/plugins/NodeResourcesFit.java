package io.skiff.scheduler.plugins;

import io.fabric8.kubernetes.api.model.Node;
import io.skiff.scheduler.framework.ClusterEvent;
import io.skiff.scheduler.framework.FilterPlugin;
import io.skiff.scheduler.framework.NodeInfo;
import io.skiff.scheduler.framework.PodInfo;
import io.skiff.scheduler.framework.Resource;
import io.skiff.scheduler.framework.ScorePlugin;
import io.skiff.scheduler.framework.Status;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * Keeps pods off nodes without room for their requests (and off nodes with {@code pods} allocatable
 * already reached), and prefers the least requested nodes (upstream's default {@code
 * LeastAllocated} strategy over CPU and memory, weight 1 each).
 */
public final class NodeResourcesFit implements FilterPlugin, ScorePlugin {

  public static final String NAME = "NodeResourcesFit";
  public static final String ERR_REASON_TOO_MANY_PODS = "Too many pods";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int weight() {
    return 1;
  }

  /** Every reason the pod does not fit, each counted in the failure message. */
  @Override
  public Status filter(PodInfo pod, NodeInfo node) {
    List<String> reasons = insufficient(pod.requests(), node);
    return reasons.isEmpty()
        ? Status.SUCCESS
        : Status.unschedulable(reasons.toArray(String[]::new));
  }

  /** Upstream's {@code fitsRequest}: the reasons, pods first, then cpu, memory, the rest. */
  static List<String> insufficient(Resource req, NodeInfo node) {
    List<String> reasons = new ArrayList<>(4);
    Resource alloc = node.allocatable();
    Resource used = node.requested();
    if (node.podCount() + 1 > alloc.allowedPods()) {
      reasons.add(ERR_REASON_TOO_MANY_PODS);
    }
    if (req.isZero()) {
      return reasons;
    }
    if (req.milliCpu() > 0 && req.milliCpu() > alloc.milliCpu() - used.milliCpu()) {
      reasons.add("Insufficient cpu");
    }
    if (req.memory() > 0 && req.memory() > alloc.memory() - used.memory()) {
      reasons.add("Insufficient memory");
    }
    if (req.ephemeralStorage() > 0
        && req.ephemeralStorage() > alloc.ephemeralStorage() - used.ephemeralStorage()) {
      reasons.add("Insufficient ephemeral-storage");
    }
    if (!req.scalars().isEmpty()) {
      // Upstream walks a map in random order; sorting keeps the message stable.
      new TreeMap<>(req.scalars())
          .forEach(
              (name, q) -> {
                if (q != 0 && q > alloc.get(name) - used.get(name)) {
                  reasons.add("Insufficient " + name);
                }
              });
    }
    return reasons;
  }

  @Override
  public boolean isSchedulableAfter(PodInfo pod, ClusterEvent event) {
    return switch (event) {
      case ClusterEvent.NodeAdded(Node n) -> fitsEmpty(pod, n);
      case ClusterEvent.NodeUpdated(Node old, Node n) ->
          fitsEmpty(pod, n) && anyRequestedAllocatableIncreased(pod, old, n);
      // Any pod leaving a node frees what it requested.
      case ClusterEvent.AssignedPodDeleted p -> true;
      case ClusterEvent.PodUpdated(var old, var updated) ->
          requestsShrank(PodInfo.of(old).requests(), PodInfo.of(updated).requests());
    };
  }

  private static boolean fitsEmpty(PodInfo pod, Node node) {
    return insufficient(pod.requests(), NodeInfo.of(node)).isEmpty();
  }

  private static boolean anyRequestedAllocatableIncreased(PodInfo pod, Node old, Node node) {
    Resource before = NodeInfo.of(old).allocatable();
    Resource after = NodeInfo.of(node).allocatable();
    Resource req = pod.requests();
    if (after.allowedPods() > before.allowedPods()) {
      return true;
    }
    if (req.milliCpu() > 0 && after.milliCpu() > before.milliCpu()) {
      return true;
    }
    if (req.memory() > 0 && after.memory() > before.memory()) {
      return true;
    }
    if (req.ephemeralStorage() > 0 && after.ephemeralStorage() > before.ephemeralStorage()) {
      return true;
    }
    for (String name : req.scalars().keySet()) {
      if (after.get(name) > before.get(name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean requestsShrank(Resource before, Resource after) {
    if (after.milliCpu() < before.milliCpu()
        || after.memory() < before.memory()
        || after.ephemeralStorage() < before.ephemeralStorage()) {
      return true;
    }
    for (var e : before.scalars().entrySet()) {
      if (after.get(e.getKey()) < e.getValue()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Upstream's least-allocated score: for CPU and memory, the share of the node left free after the
   * pod, {@code (allocatable - requested) * 100 / allocatable}, averaged. Requests count containers
   * without any as 100m CPU and 200Mi memory, so that such pods still spread.
   */
  @Override
  public void score(
      PodInfo pod, List<NodeInfo> feasible, Collection<NodeInfo> allNodes, long[] scores) {
    Resource podReq = pod.nonZeroRequests();
    for (int i = 0; i < feasible.size(); i++) {
      NodeInfo n = feasible.get(i);
      long sum = 0;
      long weights = 0;
      long cpuAlloc = n.allocatable().milliCpu();
      if (cpuAlloc != 0) {
        sum += leastRequested(n.nonZeroRequestedMilliCpu() + podReq.milliCpu(), cpuAlloc);
        weights++;
      }
      long memAlloc = n.allocatable().memory();
      if (memAlloc != 0) {
        sum += leastRequested(n.nonZeroRequestedMemory() + podReq.memory(), memAlloc);
        weights++;
      }
      scores[i] = weights == 0 ? 0 : sum / weights;
    }
  }

  static long leastRequested(long requested, long capacity) {
    if (capacity == 0 || requested > capacity) {
      return 0;
    }
    return (capacity - requested) * Scores.MAX_NODE_SCORE / capacity;
  }
}
