package io.skiff.scheduler.framework;

/**
 * Decides whether a pod may run on a node. Filters are pure functions of the pod and the node's
 * state; the framework runs them in the profile's order and keeps the first failure per node.
 */
public interface FilterPlugin {

  /** Upstream's plugin name, e.g. {@code NodeResourcesFit}. */
  String name();

  /** {@link Status#SUCCESS} when {@code pod} fits {@code node}; otherwise why it does not. */
  Status filter(PodInfo pod, NodeInfo node);

  /**
   * For a pod this filter rejected: whether {@code event} may have made it schedulable, so that it
   * is retried (upstream's queueing hint). Events a filter does not know about answer false.
   */
  boolean isSchedulableAfter(PodInfo pod, ClusterEvent event);
}
