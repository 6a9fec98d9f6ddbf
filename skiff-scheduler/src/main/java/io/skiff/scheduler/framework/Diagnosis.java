package io.skiff.scheduler.framework;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Why a pod fits no node: the status of each node the filters rejected, a status for the nodes
 * never looked at, and the plugins that rejected the pod (upstream's {@code Diagnosis}). {@link
 * #fitErrorMessage} renders upstream's {@code FitError}: {@code 0/3 nodes are available: 1
 * Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector.}
 */
public final class Diagnosis {

  private final Map<String, Status> nodeStatuses = new LinkedHashMap<>();
  private final Set<String> rejectingPlugins = new TreeSet<>();
  private Status absentNodesStatus = Status.SUCCESS;
  private String preFilterMessage = "";

  /** Records that {@code plugin} rejected {@code node} with {@code status}. */
  public void reject(String node, String plugin, Status status) {
    nodeStatuses.put(node, status);
    rejectingPlugins.add(plugin);
  }

  /** The status of the nodes not in {@link #nodeStatuses()}: those the pre-filter left out. */
  public void setAbsentNodesStatus(Status status) {
    absentNodesStatus = status;
  }

  /** A pre-filter rejected the pod on every node. */
  public void rejectAll(String plugin, Status status) {
    absentNodesStatus = status;
    preFilterMessage = status.message();
    rejectingPlugins.add(plugin);
  }

  public void addRejectingPlugin(String plugin) {
    rejectingPlugins.add(plugin);
  }

  public Map<String, Status> nodeStatuses() {
    return Collections.unmodifiableMap(nodeStatuses);
  }

  public Status absentNodesStatus() {
    return absentNodesStatus;
  }

  /** The plugins that rejected the pod; its requeueing waits for an event one of them cares for. */
  public Set<String> rejectingPlugins() {
    return Collections.unmodifiableSet(rejectingPlugins);
  }

  /**
   * Upstream's {@code FitError.Error()} (1.30+): {@code 0/N nodes are available:} then the
   * pre-filter's message, or the histogram of reasons, each {@code "<count> <reason>"}, sorted as
   * strings (so {@code 10 ...} sorts before {@code 2 ...}, as upstream); then {@code
   * postFilterMessage} if any.
   */
  public String fitErrorMessage(int numAllNodes, String postFilterMessage) {
    StringBuilder msg = new StringBuilder("0/").append(numAllNodes).append(" nodes are available:");
    if (!preFilterMessage.isEmpty()) {
      msg.append(' ').append(preFilterMessage).append('.');
    } else {
      Map<String, Integer> counts = new HashMap<>();
      for (Status s : nodeStatuses.values()) {
        for (String r : s.reasons()) {
          counts.merge(r, 1, Integer::sum);
        }
      }
      int absent = numAllNodes - nodeStatuses.size();
      if (absent > 0) {
        for (String r : absentNodesStatus.reasons()) {
          counts.merge(r, absent, Integer::sum);
        }
      }
      List<String> histogram = new ArrayList<>(counts.size());
      counts.forEach((reason, n) -> histogram.add(n + " " + reason));
      Collections.sort(histogram);
      if (!histogram.isEmpty()) {
        msg.append(' ').append(String.join(", ", histogram)).append('.');
      }
    }
    if (postFilterMessage != null && !postFilterMessage.isEmpty()) {
      msg.append(' ').append(postFilterMessage);
    }
    return msg.toString();
  }
}
