/**
 * The ReplicationController controller: the ReplicaSet controller over a conversion ({@link
 * io.skiff.controllers.replicationcontroller.ReplicationManager}).
 */
package io.skiff.controllers.replicationcontroller;
