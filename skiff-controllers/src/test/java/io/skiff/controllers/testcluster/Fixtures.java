package io.skiff.controllers.testcluster;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.util.List;

/** Valid objects to create, with the owner references a test needs. */
public final class Fixtures {

  private Fixtures() {}

  /** A controller reference, as workload controllers set them: blocking the owner's deletion. */
  public static OwnerReference controllerRef(HasMetadata owner) {
    return ref(owner, true, true);
  }

  public static OwnerReference ref(HasMetadata owner, boolean controller, boolean block) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(controller ? true : null)
        .withBlockOwnerDeletion(block ? true : null)
        .build();
  }

  /** A reference to an object that never existed. */
  public static OwnerReference refTo(String apiVersion, String kind, String name, String uid) {
    return new OwnerReferenceBuilder()
        .withApiVersion(apiVersion)
        .withKind(kind)
        .withName(name)
        .withUid(uid)
        .build();
  }

  public static Namespace namespace(String name) {
    return new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build();
  }

  public static ConfigMap configMap(String ns, String name, OwnerReference... owners) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .withOwnerReferences(List.of(owners))
        .endMetadata()
        .addToData("k", "v")
        .build();
  }

  public static Deployment deployment(String ns, String name) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withImage("nginx")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  public static ReplicaSet replicaSet(String ns, String name, OwnerReference... owners) {
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .withOwnerReferences(List.of(owners))
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withImage("nginx")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  public static Pod pod(String ns, String name, OwnerReference... owners) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .withOwnerReferences(List.of(owners))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withImage("nginx")
        .endContainer()
        .endSpec()
        .build();
  }

  /** A pod already bound to {@code node}. */
  public static Pod podOn(String ns, String name, String node) {
    Pod p = pod(ns, name);
    p.getSpec().setNodeName(node);
    return p;
  }

  /** {@code obj} with {@code finalizer} added (a copy). */
  public static <T extends HasMetadata> T withFinalizer(T obj, String finalizer) {
    T copy = io.skiff.client.KubeObjects.deepCopy(obj);
    List<String> f =
        new java.util.ArrayList<>(
            copy.getMetadata().getFinalizers() == null
                ? List.of()
                : copy.getMetadata().getFinalizers());
    f.add(finalizer);
    copy.getMetadata().setFinalizers(f);
    return copy;
  }
}
