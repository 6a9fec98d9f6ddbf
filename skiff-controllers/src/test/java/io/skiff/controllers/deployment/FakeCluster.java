package io.skiff.controllers.deployment;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.skiff.api.errors.StatusError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link DeploymentSync.Cluster} that keeps ReplicaSets in a map and records every action. */
final class FakeCluster implements DeploymentSync.Cluster {

  private static final ObjectMapper JSON = new ObjectMapper();

  final Map<String, ReplicaSet> sets = new LinkedHashMap<>();
  final List<String> actions = new ArrayList<>();
  final List<String> events = new ArrayList<>();
  Deployment lastStatus;
  private int rv = 100;
  private int uid;

  ReplicaSet add(ReplicaSet rs) {
    sets.put(rs.getMetadata().getName(), rs);
    return rs;
  }

  int size(String name) {
    return DeploymentUtil.specReplicas(sets.get(name));
  }

  List<ReplicaSet> all() {
    return new ArrayList<>(sets.values());
  }

  @Override
  public ReplicaSet createReplicaSet(ReplicaSet rs) {
    if (sets.containsKey(rs.getMetadata().getName())) {
      throw StatusError.of(409, "AlreadyExists", "exists", null);
    }
    ReplicaSet c = copy(rs);
    c.getMetadata().setUid("uid-created-" + (++uid));
    c.getMetadata().setResourceVersion(String.valueOf(++rv));
    c.getMetadata().setCreationTimestamp("2024-06-01T00:00:0" + uid + "Z");
    sets.put(c.getMetadata().getName(), c);
    actions.add("create " + c.getMetadata().getName() + " " + DeploymentUtil.specReplicas(c));
    return copy(c);
  }

  @Override
  public ReplicaSet updateReplicaSet(ReplicaSet rs) {
    ReplicaSet c = copy(rs);
    c.getMetadata().setResourceVersion(String.valueOf(++rv));
    sets.put(c.getMetadata().getName(), c);
    actions.add("update " + c.getMetadata().getName() + " " + DeploymentUtil.specReplicas(c));
    return copy(c);
  }

  @Override
  public void deleteReplicaSet(ReplicaSet rs) {
    sets.remove(rs.getMetadata().getName());
    actions.add("delete " + rs.getMetadata().getName());
  }

  @Override
  public Optional<ReplicaSet> replicaSet(String namespace, String name) {
    return Optional.ofNullable(sets.get(name)).map(FakeCluster::copy);
  }

  @Override
  public Deployment updateStatus(Deployment d) {
    lastStatus = JSON.convertValue(d, Deployment.class);
    lastStatus.getMetadata().setResourceVersion(String.valueOf(++rv));
    actions.add("status");
    return JSON.convertValue(lastStatus, Deployment.class);
  }

  @Override
  public void event(Deployment d, String type, String reason, String message) {
    events.add(type + " " + reason + " " + message);
  }

  static ReplicaSet copy(ReplicaSet rs) {
    return JSON.convertValue(rs, ReplicaSet.class);
  }
}
