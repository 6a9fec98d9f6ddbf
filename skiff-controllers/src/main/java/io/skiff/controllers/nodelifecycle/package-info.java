/**
 * Node health and what follows from it: {@link
 * io.skiff.controllers.nodelifecycle.NodeLifecycleController} (upstream's node lifecycle
 * controller: stale heartbeats turn a node's conditions Unknown, conditions and cordon become
 * taints, pods of a lost node are marked not ready) and {@link
 * io.skiff.controllers.nodelifecycle.TaintEvictionController} (upstream's taint eviction
 * controller: pods that do not tolerate a node's NoExecute taints are deleted, at once or when
 * their {@code tolerationSeconds} run out).
 */
package io.skiff.controllers.nodelifecycle;
