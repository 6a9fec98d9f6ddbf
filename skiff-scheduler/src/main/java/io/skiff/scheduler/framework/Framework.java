package io.skiff.scheduler.framework;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * One scheduling profile: the filters in order and the weighted scores, run over the cache's nodes
 * for one pod at a time, as upstream's {@code schedulePod}: pre-filter (nodes named by node
 * affinity), filter (stopping once enough nodes fit in a big cluster), score, pick the best node,
 * ties broken at random; and when nothing fits, upstream's message, including what preemption would
 * say.
 *
 * <p>Not thread-safe: the scheduler runs one cycle at a time, holding its cache's lock.
 */
public final class Framework {

  /** Upstream never stops looking before this many nodes fit. */
  static final int MIN_FEASIBLE_NODES_TO_FIND = 100;

  static final int MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

  public static final String NO_NODES_AVAILABLE = "no nodes available to schedule pods";

  static final String PREEMPTION_NOT_HELPFUL = "Preemption is not helpful for scheduling";

  static final String NO_PREEMPTION_VICTIMS = "No preemption victims found for incoming pod";

  private final List<FilterPlugin> filters;
  private final List<ScorePlugin> scores;
  private final String preFilterPlugin;
  private final RandomGenerator random;
  private final int percentageOfNodesToScore;
  private int nextStartNodeIndex;

  /**
   * @param filters run in this order; the first that rejects a node gives the node's status
   * @param preFilterPlugin the name reported when node names in the pod's affinity narrow the nodes
   * @param random breaks ties between the best nodes
   * @param percentageOfNodesToScore stop filtering once this share of the nodes fits (but never
   *     before 100 nodes); 0 for upstream's adaptive share (50% less 1% per 125 nodes, at least 5%)
   */
  public Framework(
      List<FilterPlugin> filters,
      List<ScorePlugin> scores,
      String preFilterPlugin,
      RandomGenerator random,
      int percentageOfNodesToScore) {
    this.filters = List.copyOf(filters);
    this.scores = List.copyOf(scores);
    this.preFilterPlugin = preFilterPlugin;
    this.random = Objects.requireNonNull(random, "random");
    this.percentageOfNodesToScore = percentageOfNodesToScore;
  }

  public List<FilterPlugin> filters() {
    return filters;
  }

  /**
   * Finds a node for {@code pod}.
   *
   * @param nodes every node that exists (not the placeholders of pods whose node is unknown), in a
   *     stable order
   * @param nodesNamedByAffinity the result of the pre-filter for the pod: the only nodes it may go
   *     to, empty for conflicting terms, null for no restriction (see {@code
   *     NodeAffinity.nodeNames})
   */
  public ScheduleResult schedule(
      PodInfo pod, List<NodeInfo> nodes, Set<String> nodesNamedByAffinity) {
    if (nodes.isEmpty()) {
      return new ScheduleResult.Unschedulable(NO_NODES_AVAILABLE, Set.of());
    }
    Diagnosis diagnosis = new Diagnosis();
    if (nodesNamedByAffinity != null && nodesNamedByAffinity.isEmpty()) {
      diagnosis.rejectAll(preFilterPlugin, Status.unresolvable("pod affinity terms conflict"));
      return unschedulable(pod, nodes, diagnosis);
    }
    List<NodeInfo> candidates = nodes;
    if (nodesNamedByAffinity != null) {
      candidates = new ArrayList<>(nodesNamedByAffinity.size());
      for (NodeInfo n : nodes) {
        if (nodesNamedByAffinity.contains(n.name())) {
          candidates.add(n);
        }
      }
      diagnosis.setAbsentNodesStatus(
          Status.unresolvable("node(s) didn't satisfy plugin(s) [" + preFilterPlugin + "]"));
      diagnosis.addRejectingPlugin(preFilterPlugin);
    }
    List<NodeInfo> feasible = findFeasible(pod, candidates, nodes.size(), diagnosis);
    if (feasible.isEmpty()) {
      return unschedulable(pod, nodes, diagnosis);
    }
    int evaluated = feasible.size() + diagnosis.nodeStatuses().size();
    if (feasible.size() == 1) {
      return new ScheduleResult.Scheduled(feasible.get(0).name(), evaluated, 1);
    }
    long[] totals = score(pod, feasible, nodes);
    return new ScheduleResult.Scheduled(
        feasible.get(selectHost(totals)).name(), evaluated, feasible.size());
  }

  private List<NodeInfo> findFeasible(
      PodInfo pod, List<NodeInfo> candidates, int numAllNodes, Diagnosis diagnosis) {
    int n = candidates.size();
    int toFind = numFeasibleNodesToFind(n);
    List<NodeInfo> feasible = new ArrayList<>(Math.min(toFind, n));
    int processed = 0;
    // Start where the previous cycle stopped, so that in a big cluster every node gets its turn.
    for (int i = 0; i < n && feasible.size() < toFind; i++) {
      NodeInfo node = candidates.get((nextStartNodeIndex + i) % n);
      processed++;
      Rejection r = runFilters(pod, node);
      if (r == null) {
        feasible.add(node);
      } else {
        diagnosis.reject(node.name(), r.plugin(), r.status());
      }
    }
    nextStartNodeIndex = (nextStartNodeIndex + processed) % numAllNodes;
    return feasible;
  }

  private record Rejection(String plugin, Status status) {}

  private Rejection runFilters(PodInfo pod, NodeInfo node) {
    for (FilterPlugin f : filters) {
      Status s = f.filter(pod, node);
      if (!s.isSuccess()) {
        return new Rejection(f.name(), s);
      }
    }
    return null;
  }

  int numFeasibleNodesToFind(int numAllNodes) {
    if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) {
      return numAllNodes;
    }
    int percentage = percentageOfNodesToScore;
    if (percentage == 0) {
      percentage = Math.max(50 - numAllNodes / 125, MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
    }
    int numNodes = (int) ((long) numAllNodes * percentage / 100);
    return Math.max(numNodes, MIN_FEASIBLE_NODES_TO_FIND);
  }

  /** The weighted sum of every score, per feasible node. */
  long[] score(PodInfo pod, List<NodeInfo> feasible, Collection<NodeInfo> allNodes) {
    long[] totals = new long[feasible.size()];
    long[] s = new long[feasible.size()];
    for (ScorePlugin p : scores) {
      java.util.Arrays.fill(s, 0);
      p.score(pod, feasible, allNodes, s);
      for (int i = 0; i < totals.length; i++) {
        totals[i] += s[i] * p.weight();
      }
    }
    return totals;
  }

  /** The index of a best score; each of several best ones is equally likely (reservoir). */
  int selectHost(long[] totals) {
    int selected = 0;
    int ties = 1;
    for (int i = 1; i < totals.length; i++) {
      if (totals[i] > totals[selected]) {
        selected = i;
        ties = 1;
      } else if (totals[i] == totals[selected]) {
        ties++;
        if (random.nextInt(ties) == 0) {
          selected = i;
        }
      }
    }
    return selected;
  }

  private ScheduleResult unschedulable(PodInfo pod, List<NodeInfo> nodes, Diagnosis diagnosis) {
    String postFilter = preemptionMessage(pod, nodes, diagnosis);
    return new ScheduleResult.Unschedulable(
        diagnosis.fitErrorMessage(nodes.size(), postFilter), diagnosis.rejectingPlugins());
  }

  /**
   * What upstream's DefaultPreemption adds to the message, from a dry run: for the nodes rejected
   * as {@code UNSCHEDULABLE} (resources), whether evicting every lower-priority pod would make the
   * pod fit. Skiff does not evict: when it would help, the message says nothing about preemption,
   * as upstream's says nothing once it has found victims.
   */
  String preemptionMessage(PodInfo pod, List<NodeInfo> nodes, Diagnosis diagnosis) {
    if (pod.neverPreempts()) {
      return "preemption: not eligible due to preemptionPolicy=Never.";
    }
    Diagnosis dryRun = new Diagnosis();
    dryRun.setAbsentNodesStatus(Status.unresolvable(PREEMPTION_NOT_HELPFUL));
    for (NodeInfo node : nodes) {
      Status s = diagnosis.nodeStatuses().get(node.name());
      boolean potential =
          s != null
              ? s.code() == Status.Code.UNSCHEDULABLE
              : diagnosis.absentNodesStatus().code() == Status.Code.UNSCHEDULABLE;
      if (!potential) {
        continue;
      }
      NodeInfo without = node.copy();
      boolean victims = false;
      for (PodInfo p : node.pods()) {
        if (p.priority() < pod.priority()) {
          without.removePod(p.key());
          victims = true;
        }
      }
      if (!victims) {
        dryRun.reject(node.name(), "DefaultPreemption", Status.unresolvable(NO_PREEMPTION_VICTIMS));
        continue;
      }
      Rejection r = runFilters(pod, without);
      if (r == null) {
        return "";
      }
      dryRun.reject(node.name(), r.plugin(), r.status());
    }
    return "preemption: " + dryRun.fitErrorMessage(nodes.size(), "");
  }
}
