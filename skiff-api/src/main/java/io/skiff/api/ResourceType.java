package io.skiff.api;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Set;

/**
 * One served resource, described the way discovery describes it: group, version, kind, plural
 * resource name, scope, short names, categories, verbs and subresources.
 *
 * @param group API group; {@code ""} for the core group
 * @param type the fabric8 model class objects of this kind decode to
 */
public record ResourceType(
    String group,
    String version,
    String kind,
    String plural,
    String singular,
    boolean namespaced,
    List<String> shortNames,
    List<String> categories,
    Set<String> verbs,
    Set<String> subresources,
    Class<? extends HasMetadata> type) {

  /** The verbs of an ordinary read-write resource. */
  public static final Set<String> ALL_VERBS =
      Set.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  public ResourceType {
    shortNames = List.copyOf(shortNames);
    categories = List.copyOf(categories);
    verbs = Set.copyOf(verbs);
    subresources = Set.copyOf(subresources);
  }

  /** {@code apps/v1}, or {@code v1} for the core group. */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** {@code deployments.apps}, or {@code pods} for the core group: how errors name a resource. */
  public String qualifiedResource() {
    return group.isEmpty() ? plural : plural + "." + group;
  }

  /** The kind of this resource's list, e.g. {@code DeploymentList}. */
  public String listKind() {
    return kind + "List";
  }

  public boolean hasSubresource(String name) {
    return subresources.contains(name);
  }

  /**
   * The store key prefix of every object of this resource, ending in '/': {@code
   * /registry/apps/deployments/}. Namespaced objects follow as {@code <namespace>/<name>},
   * cluster-scoped ones as {@code <name>}.
   */
  public String keyPrefix() {
    return "/registry/" + (group.isEmpty() ? "core" : group) + "/" + plural + "/";
  }

  /** The store key prefix of the objects in one namespace. */
  public String keyPrefix(String namespace) {
    return namespaced ? keyPrefix() + namespace + "/" : keyPrefix();
  }

  /** The store key of one object; {@code namespace} is ignored for cluster-scoped resources. */
  public String key(String namespace, String name) {
    return keyPrefix(namespace) + name;
  }
}
