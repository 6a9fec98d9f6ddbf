/**
 * The ReplicaSet controller ({@link io.skiff.controllers.replicaset.ReplicaSetController}) and its
 * arithmetic ({@link io.skiff.controllers.replicaset.ReplicaSetUtil}); {@link
 * io.skiff.controllers.replicaset.ReplicaSetKind} lets it drive ReplicationControllers too.
 */
package io.skiff.controllers.replicaset;
