package io.skiff.api.patch;

import java.util.Optional;

/**
 * The strategic-merge-patch metadata of one position in an object tree: for each field, its patch
 * strategy, merge key and the schema one level down. This is what upstream reads from Go struct
 * tags ({@code patchStrategy}, {@code patchMergeKey}) or from the OpenAPI extensions {@code
 * x-kubernetes-patch-strategy} and {@code x-kubernetes-patch-merge-key}; an OpenAPI-backed
 * implementation can replace the built-in table without touching the engine.
 */
@FunctionalInterface
public interface PatchSchema {

  /** Metadata of field {@code name}; {@link PatchMeta#NONE} for fields the schema does not know. */
  PatchMeta field(String name);

  /** A schema without metadata anywhere: every list is atomic, every object merges. */
  static PatchSchema empty() {
    return name -> PatchMeta.NONE;
  }

  /**
   * The schema of a kind Skiff serves. Empty for other kinds: upstream only accepts strategic merge
   * patches for built-in types and answers 415 UnsupportedMediaType for custom resources, whose
   * PATCH endpoint lists only JSON patch, merge patch and apply patch.
   */
  static Optional<PatchSchema> forKind(String apiVersion, String kind) {
    return BuiltinPatchTable.GRAPH.forKind(apiVersion, kind);
  }
}
