package io.skiff.scheduler;

import io.fabric8.kubernetes.api.model.Node;
import io.skiff.scheduler.framework.Framework;
import io.skiff.scheduler.framework.NodeInfo;
import io.skiff.scheduler.framework.PodInfo;
import io.skiff.scheduler.framework.ScheduleResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the scheduler knows of the nodes and of the pods on them: upstream's scheduler cache. Pods
 * come from the informer once bound, and from the scheduler itself as soon as it has chosen their
 * node (<b>assumed</b>), so that the next pods see the resources taken while the binding is still
 * in flight; the informer's bound pod then confirms the assumption, a failed binding forgets it.
 */
final class SchedulerCache {

  private record PodState(PodInfo pod, String node, boolean assumed) {}

  private final ReentrantLock lock = new ReentrantLock();
  // Every NodeInfo, including those that only hold pods of a node not (or no longer) known.
  private final Map<String, NodeInfo> nodeInfos = new HashMap<>();
  // The nodes that exist, in the order they appeared: the order the filters walk them.
  private final Map<String, NodeInfo> nodes = new LinkedHashMap<>();
  private List<NodeInfo> nodeList = List.of();
  private final Map<String, PodState> pods = new HashMap<>();

  // ---- nodes ----

  void addOrUpdateNode(Node node) {
    lock.lock();
    try {
      String name = node.getMetadata().getName();
      NodeInfo n = nodeInfos.computeIfAbsent(name, NodeInfo::new);
      n.setNode(node);
      if (nodes.putIfAbsent(name, n) == null) {
        nodeList = List.copyOf(nodes.values());
      }
    } finally {
      lock.unlock();
    }
  }

  void removeNode(String name) {
    lock.lock();
    try {
      NodeInfo n = nodes.remove(name);
      if (n == null) {
        return;
      }
      nodeList = List.copyOf(nodes.values());
      // Its pods stay counted until they go, in case the node comes back.
      n.setNode(null);
      if (n.podCount() == 0) {
        nodeInfos.remove(name);
      }
    } finally {
      lock.unlock();
    }
  }

  // ---- pods ----

  /**
   * A pod bound to a node, as the informer has it: confirms the pod if it was assumed (on the node
   * the informer says, should that differ), replaces the previous version otherwise.
   */
  void addOrUpdatePod(PodInfo pod) {
    lock.lock();
    try {
      removeLocked(pod.key());
      place(pod, pod.nodeName(), false);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The pod is gone (deleted or finished).
   *
   * @return whether it held a node's resources, which are free now
   */
  boolean removePod(String key) {
    lock.lock();
    try {
      return removeLocked(key);
    } finally {
      lock.unlock();
    }
  }

  /** Stops counting an assumed pod whose binding failed; a confirmed pod is left alone. */
  boolean forget(String key) {
    lock.lock();
    try {
      PodState s = pods.get(key);
      return s != null && s.assumed() && removeLocked(key);
    } finally {
      lock.unlock();
    }
  }

  boolean isAssumed(String key) {
    lock.lock();
    try {
      PodState s = pods.get(key);
      return s != null && s.assumed();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs one scheduling cycle for {@code pod} over the current nodes and, if it found a node,
   * assumes the pod there, as one step: no other cycle or informer change comes in between.
   *
   * @param nodesNamedByAffinity see {@link Framework#schedule}
   */
  ScheduleResult scheduleAndAssume(
      Framework framework, PodInfo pod, Set<String> nodesNamedByAffinity) {
    lock.lock();
    try {
      ScheduleResult r = framework.schedule(pod, nodeList, nodesNamedByAffinity);
      if (r instanceof ScheduleResult.Scheduled s) {
        removeLocked(pod.key());
        place(pod, s.nodeName(), true);
      }
      return r;
    } finally {
      lock.unlock();
    }
  }

  private void place(PodInfo pod, String node, boolean assumed) {
    nodeInfos.computeIfAbsent(node, NodeInfo::new).addPod(pod);
    pods.put(pod.key(), new PodState(pod, node, assumed));
  }

  private boolean removeLocked(String key) {
    PodState s = pods.remove(key);
    if (s == null) {
      return false;
    }
    NodeInfo n = nodeInfos.get(s.node());
    if (n != null) {
      n.removePod(key);
      if (n.node() == null && n.podCount() == 0) {
        nodeInfos.remove(s.node());
      }
    }
    return true;
  }

  // ---- for tests ----

  /** The names of the pods counted on {@code node}, assumed ones included. */
  List<String> podsOn(String node) {
    lock.lock();
    try {
      NodeInfo n = nodeInfos.get(node);
      List<String> out = new ArrayList<>();
      if (n != null) {
        n.pods().forEach(p -> out.add(p.name()));
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** The node as the cache has it, if it exists. */
  Optional<Node> node(String name) {
    lock.lock();
    try {
      NodeInfo n = nodes.get(name);
      return Optional.ofNullable(n == null ? null : n.node());
    } finally {
      lock.unlock();
    }
  }
}
