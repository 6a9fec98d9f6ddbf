package io.skiff.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON merge patch (RFC 7386, {@code application/merge-patch+json}): objects merge recursively,
 * {@code null} removes a member, anything else replaces.
 *
 * <p>kube-apiserver (evanphx/json-patch v4) rejects a body that is {@code null} or a scalar with
 * 400 BadRequest "Invalid JSON Patch"; {@link #apply} implements the RFC and leaves that check to
 * the caller.
 */
public final class JsonMergePatch {

  private JsonMergePatch() {}

  /** The merge of {@code patch} into {@code target}; neither argument is modified. */
  public static JsonNode apply(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result =
        target != null && target.isObject()
            ? ((ObjectNode) target).deepCopy()
            : JsonNodeFactory.instance.objectNode();
    mergeInto(result, (ObjectNode) patch);
    return result;
  }

  private static void mergeInto(ObjectNode target, ObjectNode patch) {
    patch
        .properties()
        .forEach(
            e -> {
              String key = e.getKey();
              JsonNode value = e.getValue();
              JsonNode existing = target.get(key);
              if (value.isNull()) {
                target.remove(key);
              } else if (!value.isObject()) {
                target.set(key, value.deepCopy());
              } else if (existing != null && existing.isObject()) {
                mergeInto((ObjectNode) existing, (ObjectNode) value);
              } else {
                mergeInto(target.putObject(key), (ObjectNode) value);
              }
            });
  }
}
