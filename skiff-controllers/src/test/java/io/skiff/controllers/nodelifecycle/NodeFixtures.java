package io.skiff.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.skiff.controllers.runtime.Times;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

final class NodeFixtures {

  private NodeFixtures() {}

  static NodeCondition condition(String type, String status, Instant heartbeat) {
    return new NodeConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason("Kubelet" + type)
        .withMessage("kubelet says " + status)
        .withLastHeartbeatTime(Times.format(heartbeat))
        .withLastTransitionTime(Times.format(heartbeat))
        .build();
  }

  /** A node as a healthy kubelet posts it, heartbeat at {@code heartbeat}. */
  static Node node(String name, String ready, Instant heartbeat) {
    List<NodeCondition> conditions = new ArrayList<>();
    conditions.add(condition("MemoryPressure", "False", heartbeat));
    conditions.add(condition("DiskPressure", "False", heartbeat));
    conditions.add(condition("PIDPressure", "False", heartbeat));
    conditions.add(condition("Ready", ready, heartbeat));
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withCreationTimestamp(Times.format(heartbeat))
        .endMetadata()
        .withNewSpec()
        .endSpec()
        .withNewStatus()
        .withConditions(conditions)
        .endStatus()
        .build();
  }

  static Lease lease(String node, Instant renew) {
    return new LeaseBuilder()
        .withNewMetadata()
        .withName(node)
        .withNamespace(NodeLifecycleController.LEASE_NAMESPACE)
        .endMetadata()
        .withNewSpec()
        .withHolderIdentity(node)
        .withLeaseDurationSeconds(40)
        .withRenewTime(renew.atZone(ZoneOffset.UTC))
        .endSpec()
        .build();
  }

  /** A running, ready pod bound to {@code node}. */
  static Pod pod(String name, String node, Toleration... tolerations) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .addNewContainer()
        .withName("c")
        .withImage("nginx")
        .endContainer()
        .withTolerations(tolerations)
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  static Toleration toleration(String key, String operator, Long seconds) {
    Toleration t = new Toleration();
    t.setKey(key);
    t.setOperator(operator);
    t.setEffect("NoExecute");
    t.setTolerationSeconds(seconds);
    return t;
  }
}
