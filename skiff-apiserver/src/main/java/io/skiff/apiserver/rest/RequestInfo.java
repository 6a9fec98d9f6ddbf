package io.skiff.apiserver.rest;

/**
 * What a resource request is, as upstream's RequestInfo: for in-flight limiting and metrics.
 *
 * @param verb the Kubernetes verb: get, list, watch, create, update, patch, delete,
 *     deletecollection
 * @param subresource "" for the object itself
 * @param namespace null for cluster-scoped requests and those across namespaces
 * @param name null for collections
 * @param dryRun the {@code dryRun} query parameter, "" when absent
 */
public record RequestInfo(
    String verb,
    String group,
    String version,
    String resource,
    String subresource,
    String namespace,
    String name,
    String dryRun) {

  /** Watches are long-running: they hold no in-flight slot. */
  public boolean longRunning() {
    return verb.equals("watch");
  }

  /** Reads (get, list, watch) count against the read-only limit, the rest against the mutating. */
  public boolean readOnly() {
    return verb.equals("get") || verb.equals("list") || verb.equals("watch");
  }
}
