package io.skiff.controllers.replicationcontroller;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerCondition;
import io.fabric8.kubernetes.api.model.ReplicationControllerSpec;
import io.fabric8.kubernetes.api.model.ReplicationControllerStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.skiff.client.KubeObjects;
import io.skiff.controllers.replicaset.ReplicaSetKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * ReplicationController as a ReplicaSet, upstream's {@code
 * pkg/controller/replication/conversion.go}: the selector map becomes {@code matchLabels}, a
 * missing template an empty one, and the status converts field for field both ways. Pods are owned
 * through {@code v1 ReplicationController} references and events come from {@code
 * replication-controller}.
 */
public final class ReplicationControllerKind implements ReplicaSetKind<ReplicationController> {

  public static final ReplicationControllerKind INSTANCE = new ReplicationControllerKind();

  private ReplicationControllerKind() {}

  @Override
  public Class<ReplicationController> type() {
    return ReplicationController.class;
  }

  @Override
  public String apiVersion() {
    return "v1";
  }

  @Override
  public String kind() {
    return "ReplicationController";
  }

  @Override
  public String eventSource() {
    return "replication-controller";
  }

  @Override
  public ReplicaSet toReplicaSet(ReplicationController rc) {
    ReplicaSet rs = new ReplicaSet();
    // Shared, not copied: the view is read-only, like the cached object it comes from.
    rs.setMetadata(rc.getMetadata());
    ReplicationControllerSpec in =
        rc.getSpec() == null ? new ReplicationControllerSpec() : rc.getSpec();
    ReplicaSetSpec spec = new ReplicaSetSpec();
    spec.setReplicas(in.getReplicas());
    spec.setMinReadySeconds(in.getMinReadySeconds());
    if (in.getSelector() != null) {
      LabelSelector selector = new LabelSelector();
      selector.setMatchLabels(new LinkedHashMap<>(in.getSelector()));
      spec.setSelector(selector);
    }
    spec.setTemplate(in.getTemplate() == null ? new PodTemplateSpec() : in.getTemplate());
    rs.setSpec(spec);
    rs.setStatus(toReplicaSetStatus(rc.getStatus()));
    return rs;
  }

  @Override
  public ReplicationController withStatus(ReplicationController rc, ReplicaSetStatus status) {
    ReplicationController copy = KubeObjects.deepCopy(rc);
    copy.setStatus(toReplicationControllerStatus(status));
    return copy;
  }

  static ReplicaSetStatus toReplicaSetStatus(ReplicationControllerStatus in) {
    ReplicaSetStatus out = new ReplicaSetStatus();
    if (in == null) {
      return out;
    }
    out.setReplicas(in.getReplicas());
    out.setFullyLabeledReplicas(in.getFullyLabeledReplicas());
    out.setReadyReplicas(in.getReadyReplicas());
    out.setAvailableReplicas(in.getAvailableReplicas());
    out.setObservedGeneration(in.getObservedGeneration());
    if (in.getConditions() != null) {
      List<ReplicaSetCondition> conditions = new ArrayList<>();
      for (ReplicationControllerCondition c : in.getConditions()) {
        conditions.add(
            new ReplicaSetCondition(
                c.getLastTransitionTime(),
                c.getMessage(),
                c.getReason(),
                c.getStatus(),
                c.getType()));
      }
      out.setConditions(conditions);
    }
    return out;
  }

  static ReplicationControllerStatus toReplicationControllerStatus(ReplicaSetStatus in) {
    ReplicationControllerStatus out = new ReplicationControllerStatus();
    out.setReplicas(in.getReplicas());
    out.setFullyLabeledReplicas(in.getFullyLabeledReplicas());
    out.setReadyReplicas(in.getReadyReplicas());
    out.setAvailableReplicas(in.getAvailableReplicas());
    out.setObservedGeneration(in.getObservedGeneration());
    if (in.getConditions() != null) {
      List<ReplicationControllerCondition> conditions = new ArrayList<>();
      for (ReplicaSetCondition c : in.getConditions()) {
        conditions.add(
            new ReplicationControllerCondition(
                c.getLastTransitionTime(),
                c.getMessage(),
                c.getReason(),
                c.getStatus(),
                c.getType()));
      }
      out.setConditions(conditions);
    }
    return out;
  }
}
