package io.skiff.controllers.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.client.KubeObjects;

/**
 * A work-queue key split into its parts: {@code namespace/name}, or {@code name} for cluster-scoped
 * objects (client-go's SplitMetaNamespaceKey).
 *
 * @param namespace empty for cluster-scoped objects
 */
public record ObjectKey(String namespace, String name) {

  /**
   * Splits {@code key}.
   *
   * @throws IllegalArgumentException for a key with more than one slash, as upstream rejects it
   */
  public static ObjectKey parse(String key) {
    String[] parts = key.split("/", -1);
    return switch (parts.length) {
      case 1 -> new ObjectKey("", parts[0]);
      case 2 -> new ObjectKey(parts[0], parts[1]);
      default -> throw new IllegalArgumentException("unexpected key format: \"" + key + "\"");
    };
  }

  /** The key of {@code object}: {@link KubeObjects#key}. */
  public static String of(HasMetadata object) {
    return KubeObjects.key(object);
  }

  @Override
  public String toString() {
    return KubeObjects.key(namespace, name);
  }
}
