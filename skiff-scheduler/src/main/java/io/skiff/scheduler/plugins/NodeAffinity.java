package io.skiff.scheduler.plugins;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.skiff.api.scheduling.NodeSelectors;
import io.skiff.scheduler.framework.ClusterEvent;
import io.skiff.scheduler.framework.FilterPlugin;
import io.skiff.scheduler.framework.NodeInfo;
import io.skiff.scheduler.framework.PodInfo;
import io.skiff.scheduler.framework.ScorePlugin;
import io.skiff.scheduler.framework.Status;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps pods on nodes matching their {@code nodeSelector} and required node affinity, and prefers
 * nodes matching their preferred node affinity. Before the filters run, terms that name nodes
 * ({@code matchFields} on {@code metadata.name}, as every DaemonSet pod has) narrow the nodes
 * looked at to those (upstream's PreFilter result).
 */
public final class NodeAffinity implements FilterPlugin, ScorePlugin {

  public static final String NAME = "NodeAffinity";
  public static final String ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
  public static final String ERR_REASON_CONFLICT = "pod affinity terms conflict";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int weight() {
    return 2;
  }

  /**
   * The nodes the pod's required terms name, when every term names nodes: the union over terms of
   * the intersection of each term's {@code metadata.name In} requirements. Null when some term
   * leaves every node eligible; an empty set when the terms name no node at all (conflict).
   */
  public static Set<String> nodeNames(Pod pod) {
    NodeSelector ns = NodeSelectors.requiredAffinity(pod);
    if (ns == null || ns.getNodeSelectorTerms() == null || ns.getNodeSelectorTerms().isEmpty()) {
      return null;
    }
    Set<String> names = null;
    for (NodeSelectorTerm t : ns.getNodeSelectorTerms()) {
      Set<String> termNames = null;
      for (NodeSelectorRequirement r :
          t.getMatchFields() == null ? List.<NodeSelectorRequirement>of() : t.getMatchFields()) {
        if (NodeSelectors.NODE_NAME_FIELD.equals(r.getKey()) && "In".equals(r.getOperator())) {
          Set<String> values =
              new LinkedHashSet<>(r.getValues() == null ? List.of() : r.getValues());
          if (termNames == null) {
            termNames = values;
          } else {
            termNames.retainAll(values);
          }
        }
      }
      if (termNames == null) {
        // This term does not name nodes, and terms are ORed: every node is eligible.
        return null;
      }
      if (names == null) {
        names = new LinkedHashSet<>();
      }
      names.addAll(termNames);
    }
    return names;
  }

  @Override
  public Status filter(PodInfo pod, NodeInfo node) {
    if (pod.requiredAffinity().isEmpty() || pod.requiredAffinity().matches(node.node())) {
      return Status.SUCCESS;
    }
    return Status.unresolvable(ERR_REASON_POD);
  }

  @Override
  public boolean isSchedulableAfter(PodInfo pod, ClusterEvent event) {
    NodeSelectors.Required required = pod.requiredAffinity();
    return switch (event) {
      case ClusterEvent.NodeAdded(Node n) -> required.matches(n);
      case ClusterEvent.NodeUpdated(Node old, Node n) ->
          !required.matches(old) && required.matches(n);
      case ClusterEvent.PodUpdated p -> false;
      case ClusterEvent.AssignedPodDeleted p -> false;
    };
  }

  /** Sums the weights of the preferred terms each node matches, scaled so the best gets 100. */
  @Override
  public void score(
      PodInfo pod, List<NodeInfo> feasible, Collection<NodeInfo> allNodes, long[] scores) {
    List<NodeSelectors.WeightedTerm> preferred = pod.preferredAffinity();
    if (preferred == null) {
      return;
    }
    for (int i = 0; i < feasible.size(); i++) {
      long sum = 0;
      for (NodeSelectors.WeightedTerm t : preferred) {
        if (t.term().matches(feasible.get(i).node())) {
          sum += t.weight();
        }
      }
      scores[i] = sum;
    }
    Scores.defaultNormalize(scores, feasible.size(), false);
  }
}
