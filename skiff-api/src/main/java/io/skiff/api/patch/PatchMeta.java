package io.skiff.api.patch;

import java.util.Objects;

/**
 * How one field is patched: its strategy, the merge key of its list elements (empty when there is
 * none) and the schema of its value, or of each element when the value is a list.
 */
public record PatchMeta(PatchStrategy strategy, String mergeKey, PatchSchema schema) {

  /** A field the schema says nothing about: objects merge, lists are replaced. */
  public static final PatchMeta NONE = new PatchMeta(PatchStrategy.NONE, "", PatchSchema.empty());

  public PatchMeta {
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(mergeKey, "mergeKey");
    Objects.requireNonNull(schema, "schema");
  }

  public boolean hasMergeKey() {
    return !mergeKey.isEmpty();
  }
}
