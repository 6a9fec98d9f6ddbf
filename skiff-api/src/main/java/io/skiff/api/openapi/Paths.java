package io.skiff.api.openapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skiff.api.ResourceType;
import java.util.List;
import java.util.Locale;

/**
 * The paths of one resource in a v3 document. kubectl reads two things from them: whether the PATCH
 * operation of a kind lists the {@code fieldValidation} query parameter (then it leaves validation
 * to the server) and which patch content types it accepts (client-side apply computes a strategic
 * merge patch from the schema only if that type is listed).
 */
final class Paths {

  private static final String SCHEMAS = "#/components/schemas/";
  private static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
  private static final List<String> PATCH_TYPES =
      List.of(
          "application/json-patch+json",
          "application/merge-patch+json",
          "application/strategic-merge-patch+json",
          "application/apply-patch+yaml");

  private Paths() {}

  static void add(ObjectNode paths, ResourceType t, String definition, String listDefinition) {
    String base =
        (t.group().isEmpty() ? "/api/" + t.version() : "/apis/" + t.group() + "/" + t.version());
    String collection = base + (t.namespaced() ? "/namespaces/{namespace}/" : "/") + t.plural();
    String id = operationId(t);
    ObjectNode list = paths.putObject(collection);
    pathParameters(list, t.namespaced(), false);
    op(
        list,
        "get",
        "list",
        "list or watch objects of kind " + t.kind(),
        "list" + id,
        t,
        listDefinition,
        false);
    op(list, "post", "post", "create a " + t.kind(), "create" + id, t, definition, true);
    if (t.verbs().contains("deletecollection")) {
      op(
          list,
          "delete",
          "deletecollection",
          "delete collection of " + t.kind(),
          "deleteCollection" + id,
          t,
          META + "Status",
          false);
    }
    ObjectNode item = paths.putObject(collection + "/{name}");
    pathParameters(item, t.namespaced(), true);
    op(item, "get", "get", "read the specified " + t.kind(), "read" + id, t, definition, false);
    op(
        item,
        "put",
        "put",
        "replace the specified " + t.kind(),
        "replace" + id,
        t,
        definition,
        true);
    op(
        item,
        "patch",
        "patch",
        "partially update the specified " + t.kind(),
        "patch" + id,
        t,
        definition,
        true);
    op(item, "delete", "delete", "delete a " + t.kind(), "delete" + id, t, META + "Status", false);
    for (String sub : List.of("status", "scale")) {
      if (!t.hasSubresource(sub)) {
        continue;
      }
      String target = sub.equals("scale") ? "io.k8s.api.autoscaling.v1.Scale" : definition;
      String suffix = Character.toUpperCase(sub.charAt(0)) + sub.substring(1);
      ObjectNode s = paths.putObject(collection + "/{name}/" + sub);
      pathParameters(s, t.namespaced(), true);
      op(
          s,
          "get",
          "get",
          "read " + sub + " of the specified " + t.kind(),
          "read" + id + suffix,
          t,
          target,
          false);
      op(
          s,
          "put",
          "put",
          "replace " + sub + " of the specified " + t.kind(),
          "replace" + id + suffix,
          t,
          target,
          true);
      op(
          s,
          "patch",
          "patch",
          "partially update " + sub + " of the specified " + t.kind(),
          "patch" + id + suffix,
          t,
          target,
          true);
    }
    if (t.namespaced()) {
      ObjectNode all = paths.putObject(base + "/" + t.plural());
      op(
          all,
          "get",
          "list",
          "list or watch objects of kind " + t.kind(),
          "list" + id + "ForAllNamespaces",
          t,
          listDefinition,
          false);
    }
  }

  /** {@code AppsV1NamespacedDeployment}, upstream's operation id stem. */
  private static String operationId(ResourceType t) {
    StringBuilder b = new StringBuilder();
    String group = t.group().isEmpty() ? "core" : t.group().split("\\.")[0];
    b.append(Character.toUpperCase(group.charAt(0))).append(group.substring(1));
    b.append(t.version().toUpperCase(Locale.ROOT).charAt(0)).append(t.version().substring(1));
    if (t.namespaced()) {
      b.append("Namespaced");
    }
    return b.append(t.kind()).toString();
  }

  private static void pathParameters(ObjectNode path, boolean namespaced, boolean named) {
    ArrayNode params = path.putArray("parameters");
    if (named) {
      param(params, "name", "path", "name of the " + "object", "string").put("required", true);
    }
    if (namespaced) {
      param(
              params,
              "namespace",
              "path",
              "object name and auth scope, such as for teams and projects",
              "string")
          .put("required", true);
    }
    param(params, "pretty", "query", "If 'true', then the output is pretty printed.", "string");
  }

  private static void op(
      ObjectNode path,
      String method,
      String action,
      String description,
      String operationId,
      ResourceType t,
      String responseDefinition,
      boolean writes) {
    ObjectNode op = path.putObject(method);
    op.put("description", description);
    op.put("operationId", operationId);
    op.putArray("tags").add(tag(t));
    ArrayNode params = op.putArray("parameters");
    if (writes) {
      param(
          params,
          "dryRun",
          "query",
          "When present, indicates that modifications should not be persisted.",
          "string");
      param(
          params,
          "fieldManager",
          "query",
          "fieldManager is a name associated with the actor or entity that is making these changes.",
          "string");
      param(
          params,
          "fieldValidation",
          "query",
          "fieldValidation instructs the server on how to handle objects in the request"
              + " (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are:"
              + " - Ignore - Warn - Strict",
          "string");
      ObjectNode content = op.putObject("requestBody").put("required", true).putObject("content");
      if (method.equals("patch")) {
        param(params, "force", "query", "Force is going to \"force\" Apply requests.", "boolean");
        for (String type : PATCH_TYPES) {
          content.putObject(type).putObject("schema").put("$ref", SCHEMAS + META + "Patch");
        }
      } else {
        content.putObject("*/*").putObject("schema").put("$ref", SCHEMAS + responseDefinition);
      }
    }
    ObjectNode responses = op.putObject("responses");
    ObjectNode ok = responses.putObject("200").put("description", "OK");
    ok.putObject("content")
        .putObject("application/json")
        .putObject("schema")
        .put("$ref", SCHEMAS + responseDefinition);
    if (method.equals("post") || method.equals("put") || method.equals("patch")) {
      responses
          .putObject("201")
          .put("description", "Created")
          .putObject("content")
          .putObject("application/json")
          .putObject("schema")
          .put("$ref", SCHEMAS + responseDefinition);
    }
    responses.putObject("401").put("description", "Unauthorized");
    op.put("x-kubernetes-action", action);
    op.putObject("x-kubernetes-group-version-kind")
        .put("group", t.group())
        .put("version", t.version())
        .put("kind", t.kind());
  }

  private static String tag(ResourceType t) {
    String group = t.group().isEmpty() ? "core" : t.group().split("\\.")[0];
    return group + "_" + t.version();
  }

  private static ObjectNode param(
      ArrayNode params, String name, String in, String description, String type) {
    ObjectNode p = params.addObject();
    p.put("name", name).put("in", in).put("description", description);
    p.putObject("schema").put("type", type).put("uniqueItems", true);
    return p;
  }
}
