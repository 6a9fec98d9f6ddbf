package io.skiff.controllers.replicaset;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.util.Map;
import java.util.UUID;

/** Upstream's test objects (newReplicaSet, newPod) in fabric8 form. */
final class Fixtures {

  private Fixtures() {}

  /**
   * A ReplicaSet "foobar" in "default" selecting {@code selector}, template labels
   * name=foo,type=production.
   */
  static ReplicaSet newReplicaSet(int replicas, Map<String, String> selector) {
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withName("foobar")
        .withNamespace("default")
        .withUid(UUID.randomUUID().toString())
        .withGeneration(1L)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .withMatchLabels(selector)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("name", "foo", "type", "production"))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withImage("foo/bar")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * A pod of {@code rs} (its selector's labels, its namespace) in {@code phase}; running pods are
   * Ready, since {@code readySince} when given; controlled by {@code rs} when {@code owned}.
   */
  static Pod newPod(String name, ReplicaSet rs, String phase, String readySince, boolean owned) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(rs.getMetadata().getNamespace())
            .withUid(UUID.randomUUID().toString())
            .withLabels(rs.getSpec().getSelector().getMatchLabels())
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("c")
            .withImage("foo/bar")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase(phase)
            .endStatus();
    if ("Running".equals(phase)) {
      b.editStatus()
          .addNewCondition()
          .withType("Ready")
          .withStatus("True")
          .withLastTransitionTime(readySince)
          .endCondition()
          .endStatus();
    }
    if (owned) {
      b.editMetadata()
          .withOwnerReferences(
              new OwnerReferenceBuilder()
                  .withApiVersion("apps/v1")
                  .withKind("ReplicaSet")
                  .withName(rs.getMetadata().getName())
                  .withUid(rs.getMetadata().getUid())
                  .withController(true)
                  .withBlockOwnerDeletion(true)
                  .build())
          .endMetadata();
    }
    return b.build();
  }
}
