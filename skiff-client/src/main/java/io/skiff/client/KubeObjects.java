package io.skiff.client;

import io.fabric8.kubernetes.api.builder.Builder;
import io.fabric8.kubernetes.api.builder.Editable;
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
   * A copy to change, made through the object's fabric8 builder: every nested model object, list
   * and map is new. Values fabric8 treats as leaves are shared (the {@code Quantity} values of
   * resource maps, {@code additionalProperties} values); replace them rather than mutate them.
   *
   * @throws IllegalArgumentException for a type without a fabric8 builder
   */
  public static <T extends HasMetadata> T deepCopy(T obj) {
    if (obj instanceof Editable<?> editable && editable.edit() instanceof Builder<?> builder) {
      @SuppressWarnings("unchecked")
      T copy = (T) builder.build();
      return copy;
    }
    throw new IllegalArgumentException(
        obj.getClass().getName() + " has no fabric8 builder to copy it with");
  }
}
