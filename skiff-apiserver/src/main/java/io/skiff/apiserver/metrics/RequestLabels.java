package io.skiff.apiserver.metrics;

import io.skiff.apiserver.rest.RequestInfo;

/**
 * The labels a request is counted under, as upstream's {@code MonitorRequest} computes them: the
 * verb as its REST installer names the action (GET, LIST, WATCH, POST, PUT, PATCH, APPLY for
 * server-side apply, DELETE, DELETECOLLECTION), and the scope of the request (resource, namespace,
 * cluster).
 */
public record RequestLabels(
    String verb,
    String dryRun,
    String group,
    String version,
    String resource,
    String subresource,
    String scope) {

  private static final String APPLY_PATCH = "application/apply-patch+yaml";

  /** The labels of a request for a served resource. */
  public static RequestLabels of(RequestInfo info, String method, String contentType) {
    String verb =
        switch (info.verb()) {
          case "get" -> "GET";
          case "list" -> "LIST";
          case "watch" -> "WATCH";
          case "create" -> "POST";
          case "update" -> "PUT";
          case "patch" ->
              contentType != null && contentType.startsWith(APPLY_PATCH) ? "APPLY" : "PATCH";
          case "delete" -> "DELETE";
          case "deletecollection" -> "DELETECOLLECTION";
          default -> method;
        };
    String scope;
    if (info.name() != null || info.verb().equals("create")) {
      scope = "resource";
    } else if (info.namespace() != null) {
      scope = "namespace";
    } else {
      scope = "cluster";
    }
    return new RequestLabels(
        verb,
        info.dryRun(),
        info.group(),
        info.version(),
        info.resource(),
        info.subresource(),
        scope);
  }

  /** The labels of a request for no served resource: its method, and nothing else. */
  public static RequestLabels unmatched(String method) {
    return new RequestLabels(method, "", "", "", "", "", "");
  }
}
