package io.skiff.client;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Helpers every control loop needs on API objects. */
public final class KubeObjects {

  private KubeObjects() {}

  /**
   * The cache key of an object: {@code namespace/name}, or {@code name} for cluster-scoped objects
   * (client-go's MetaNamespaceKeyFunc).
   */
  public static String key(HasMetadata obj) {
    return key(obj.getMetadata().getNamespace(), obj.getMetadata().getName());
  }

  /** The cache key of {@code namespace}/{@code name}; a null or empty namespace is left out. */
  public static String key(String namespace, String name) {
    return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
  }

  /**
   * A copy to change: every nested model object, list and map is new ({@link ModelCopy#deep}).
   *
   * @throws IllegalArgumentException for a type that is not a fabric8 model class
   */
  public static <T extends HasMetadata> T deepCopy(T obj) {
    return ModelCopy.deep(obj);
  }
}
