package io.skiff.scheduler.framework;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * A change in the cluster that may make an unschedulable pod schedulable; each filter decides, for
 * the pods it rejected, whether it does (upstream's cluster events and queueing hints).
 */
public sealed interface ClusterEvent {

  /** A node appeared. */
  record NodeAdded(Node node) implements ClusterEvent {}

  /** A node changed (labels, taints, cordon, allocatable, or only its status heartbeat). */
  record NodeUpdated(Node oldNode, Node newNode) implements ClusterEvent {}

  /** A pod that held a node's resources went away (deleted, finished, or its binding failed). */
  record AssignedPodDeleted(Pod pod) implements ClusterEvent {}

  /** The unschedulable pod itself changed (tolerations, requests, node affinity). */
  record PodUpdated(Pod oldPod, Pod newPod) implements ClusterEvent {}
}
