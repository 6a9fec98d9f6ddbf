package io.skiff.controllers.replicationcontroller;

import io.fabric8.kubernetes.api.model.ReplicationController;
import io.skiff.controllers.replicaset.ReplicaSetController;
import io.skiff.controllers.runtime.ControllerContext;

/**
 * The ReplicationController controller: upstream's ReplicationManager, which is the ReplicaSet
 * controller run over ReplicationControllers converted to ReplicaSets ({@link
 * ReplicationControllerKind}). Everything the ReplicaSet controller does, it does, with
 * ReplicationController owner references and {@code replication-controller} events.
 */
public final class ReplicationManager {

  /** The controller's name (its {@code --controllers} and workers key). */
  public static final String NAME = "replicationcontroller";

  /** At most this many pods are created or deleted in one sync, as for ReplicaSets. */
  public static final int BURST_REPLICAS = ReplicaSetController.BURST_REPLICAS;

  private ReplicationManager() {}

  /** The controller over {@code ctx}; what {@code ControllerManager.register} takes. */
  public static ReplicaSetController<ReplicationController> create(ControllerContext ctx) {
    return new ReplicaSetController<>(
        ctx, ReplicationControllerKind.INSTANCE, NAME, BURST_REPLICAS);
  }
}
