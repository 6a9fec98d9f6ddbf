package io.skiff.controllers.replicaset;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.skiff.client.KubeObjects;

/**
 * A kind the ReplicaSet controller drives, seen as a ReplicaSet. Upstream runs the
 * ReplicationController through the same code by converting it on the way in and out, "as if
 * ReplicationController were just an older API version of ReplicaSet"; this is that conversion.
 *
 * @param <T> the fabric8 model class of the kind
 */
public interface ReplicaSetKind<T extends HasMetadata> {

  /** ReplicaSets themselves: no conversion. */
  ReplicaSetKind<ReplicaSet> REPLICA_SET =
      new ReplicaSetKind<>() {
        @Override
        public Class<ReplicaSet> type() {
          return ReplicaSet.class;
        }

        @Override
        public String apiVersion() {
          return "apps/v1";
        }

        @Override
        public String kind() {
          return "ReplicaSet";
        }

        @Override
        public String eventSource() {
          return "replicaset-controller";
        }

        @Override
        public ReplicaSet toReplicaSet(ReplicaSet object) {
          return object;
        }

        @Override
        public ReplicaSet withStatus(ReplicaSet object, ReplicaSetStatus status) {
          ReplicaSet copy = KubeObjects.deepCopy(object);
          copy.setStatus(status);
          return copy;
        }
      };

  Class<T> type();

  /** The API version of the controller references put on pods, e.g. {@code apps/v1}. */
  String apiVersion();

  /**
   * The kind, e.g. {@code ReplicaSet}; pods whose controller reference names another are not ours.
   */
  String kind();

  /** The component events are recorded under, e.g. {@code replicaset-controller}. */
  String eventSource();

  /**
   * The object as a ReplicaSet, sharing metadata (name, namespace, UID, deletionTimestamp,
   * generation). May be {@code object} itself: never change it.
   */
  ReplicaSet toReplicaSet(T object);

  /** A copy of {@code object} with {@code status} (a ReplicaSet status) as its status. */
  T withStatus(T object, ReplicaSetStatus status);
}
