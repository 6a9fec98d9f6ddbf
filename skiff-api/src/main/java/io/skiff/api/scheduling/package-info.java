/**
 * Where pods may run, as upstream's {@code k8s.io/component-helpers/scheduling/corev1}: which
 * tolerations tolerate which taints, and which nodes match a pod's node selector and node affinity.
 * One implementation for the scheduler, the DaemonSet controller, the taint eviction controller and
 * admission, so that they never disagree about a pod and a node.
 */
package io.skiff.api.scheduling;
