package io.skiff.api.patch;

import com.fasterxml.jackson.databind.JsonNode;

/** Applies a patch of any type the API server takes, the one way every transport does it. */
public final class Patches {

  private Patches() {}

  /**
   * The result of applying {@code patch} of {@code type} to {@code current}, an object of the given
   * kind (whose strategic-merge schema is used; an unknown kind merges plainly).
   *
   * @throws PatchException with the status the API server answers for a patch that cannot apply
   * @throws IllegalArgumentException for server-side apply, which is not a patch to apply here
   */
  public static JsonNode apply(
      PatchType type, JsonNode current, JsonNode patch, String apiVersion, String kind) {
    return switch (type) {
      case JSON_PATCH -> JsonPatch.apply(current, patch);
      case MERGE_PATCH -> {
        if (!patch.isObject()) {
          throw PatchException.badRequest("Invalid JSON Patch");
        }
        yield JsonMergePatch.apply(current, patch);
      }
      case STRATEGIC_MERGE_PATCH ->
          StrategicMergePatch.apply(
              current, patch, PatchSchema.forKind(apiVersion, kind).orElse(PatchSchema.empty()));
      case APPLY_PATCH ->
          throw new IllegalArgumentException("server-side apply is not a patch to apply");
    };
  }
}
