package io.skiff.apiserver.rest;

import io.skiff.api.ResourceRegistry;
import io.skiff.api.ResourceType;
import java.util.Optional;

/**
 * A parsed resource path: {@code /api/v1/namespaces/ns/pods/name/status} and the like.
 *
 * @param namespace the namespace of the request; null for cluster-scoped resources and for lists
 *     across all namespaces
 * @param name the object's name; null for collections
 * @param subresource {@code status}, {@code scale}, ...; null for the object itself
 */
record ApiPath(ResourceType type, String namespace, String name, String subresource) {

  /** Parses {@code path}, or empty if it names no served resource. */
  static Optional<ApiPath> parse(String path, ResourceRegistry registry) {
    String[] parts = path.split("/");
    // "", "api", "v1", ... or "", "apis", group, version, ...
    int at;
    String group;
    String version;
    if (parts.length >= 4 && parts[1].equals("api")) {
      group = "";
      version = parts[2];
      at = 3;
    } else if (parts.length >= 5 && parts[1].equals("apis")) {
      group = parts[2];
      version = parts[3];
      at = 4;
    } else {
      return Optional.empty();
    }
    int rest = parts.length - at;
    String namespace = null;
    if (rest >= 3 && parts[at].equals("namespaces")) {
      Optional<ResourceType> nested = registry.byResource(group, version, parts[at + 2]);
      if (nested.isPresent() && nested.get().namespaced()) {
        namespace = parts[at + 1];
        at += 2;
        rest -= 2;
      }
    }
    Optional<ResourceType> type = registry.byResource(group, version, parts[at]);
    if (type.isEmpty() || rest > 3) {
      return Optional.empty();
    }
    String name = rest >= 2 ? parts[at + 1] : null;
    String sub = rest == 3 ? parts[at + 2] : null;
    if (name != null && name.isEmpty()) {
      return Optional.empty();
    }
    if (sub != null && !type.get().hasSubresource(sub)) {
      return Optional.empty();
    }
    if (type.get().namespaced() && namespace == null && name != null) {
      // A named namespaced object needs its namespace in the path.
      return Optional.empty();
    }
    return Optional.of(new ApiPath(type.get(), namespace, name, sub));
  }
}
