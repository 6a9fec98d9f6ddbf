package io.skiff.scheduler.framework;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node and the pods the scheduler counts on it (bound ones and the ones it assumed bound while
 * their binding is in flight), with running totals so that a filter or score reads a node in
 * constant time: upstream's {@code framework.NodeInfo}.
 *
 * <p>Not thread-safe: the scheduler's cache guards it. A node whose pods arrive before the node
 * itself exists with a null {@link #node()} and is not scheduled onto.
 */
public final class NodeInfo {

  private final String name;
  private Node node;
  private Resource allocatable = Resource.ZERO;
  private List<Taint> taints = List.of();
  private Map<String, String> labels = Map.of();
  private final Map<String, PodInfo> pods = new LinkedHashMap<>();
  private final Resource.Builder requested = new Resource.Builder();
  private Resource requestedView = Resource.ZERO;
  private long nonZeroMilliCpu;
  private long nonZeroMemory;
  // Spread owner UID -> its pods here that are not being deleted, for the spreading score.
  private final Map<String, Integer> spreadCounts = new HashMap<>();

  public NodeInfo(String name) {
    this.name = name;
  }

  /** A node with {@code pods} on it. */
  public static NodeInfo of(Node node, PodInfo... pods) {
    NodeInfo n = new NodeInfo(node.getMetadata().getName());
    n.setNode(node);
    for (PodInfo p : pods) {
      n.addPod(p);
    }
    return n;
  }

  public String name() {
    return name;
  }

  /** The node object; null while only its pods are known. */
  public Node node() {
    return node;
  }

  public void setNode(Node node) {
    this.node = node;
    if (node == null) {
      allocatable = Resource.ZERO;
      taints = List.of();
      labels = Map.of();
      return;
    }
    allocatable = Resource.of(node.getStatus() == null ? null : node.getStatus().getAllocatable());
    List<Taint> t = node.getSpec() == null ? null : node.getSpec().getTaints();
    taints = t == null ? List.of() : List.copyOf(t);
    Map<String, String> l = node.getMetadata() == null ? null : node.getMetadata().getLabels();
    labels = l == null ? Map.of() : l;
  }

  public Map<String, String> labels() {
    return labels;
  }

  public List<Taint> taints() {
    return taints;
  }

  /** {@code spec.unschedulable}: the node is cordoned. */
  public boolean isUnschedulable() {
    return node != null
        && node.getSpec() != null
        && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
  }

  /** {@code status.allocatable} as the scheduler counts it. */
  public Resource allocatable() {
    return allocatable;
  }

  /** The sum of the requests of the pods on the node. */
  public Resource requested() {
    return requestedView;
  }

  /** CPU requested, counting pods that request none as requesting 100m (for scoring). */
  public long nonZeroRequestedMilliCpu() {
    return nonZeroMilliCpu;
  }

  /** Memory requested, counting pods that request none as requesting 200Mi (for scoring). */
  public long nonZeroRequestedMemory() {
    return nonZeroMemory;
  }

  public int podCount() {
    return pods.size();
  }

  public Collection<PodInfo> pods() {
    return Collections.unmodifiableCollection(pods.values());
  }

  /** Pods here controlled by {@code owner} (see {@link PodInfo#spreadOwner()}), not terminating. */
  public int spreadCount(String owner) {
    Integer c = spreadCounts.get(owner);
    return c == null ? 0 : c;
  }

  /** Counts {@code pod} on this node, replacing the pod of the same key. */
  public void addPod(PodInfo pod) {
    removePod(pod.key());
    pods.put(pod.key(), pod);
    requested.add(pod.requests());
    requestedView = requested.build();
    nonZeroMilliCpu += pod.nonZeroRequests().milliCpu();
    nonZeroMemory += pod.nonZeroRequests().memory();
    if (pod.spreadOwner() != null && !pod.isTerminating()) {
      spreadCounts.merge(pod.spreadOwner(), 1, Integer::sum);
    }
  }

  /** Stops counting the pod with {@code key}; returns whether it was here. */
  public boolean removePod(String key) {
    PodInfo pod = pods.remove(key);
    if (pod == null) {
      return false;
    }
    requested.subtract(pod.requests());
    requestedView = requested.build();
    nonZeroMilliCpu -= pod.nonZeroRequests().milliCpu();
    nonZeroMemory -= pod.nonZeroRequests().memory();
    if (pod.spreadOwner() != null && !pod.isTerminating()) {
      spreadCounts.computeIfPresent(pod.spreadOwner(), (k, v) -> v == 1 ? null : v - 1);
    }
    return true;
  }

  /** A copy with the same node and pods, to change without changing this one. */
  public NodeInfo copy() {
    NodeInfo c = new NodeInfo(name);
    c.setNode(node);
    pods.values().forEach(c::addPod);
    return c;
  }

  @Override
  public String toString() {
    return name + "(" + pods.size() + " pods)";
  }
}
