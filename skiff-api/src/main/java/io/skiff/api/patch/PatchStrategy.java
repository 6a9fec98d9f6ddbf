package io.skiff.api.patch;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A field's strategic-merge-patch strategy, spelled as in Go struct tags and in the OpenAPI
 * extension {@code x-kubernetes-patch-strategy}.
 */
public enum PatchStrategy {
  /** Lists are replaced and objects merged key by key. */
  NONE(""),
  MERGE("merge"),
  /**
   * Only matters to clients: kubectl sends {@code $retainKeys} for such fields. Applying a patch
   * honours {@code $retainKeys} wherever it appears, as upstream does.
   */
  RETAIN_KEYS("retainKeys"),
  MERGE_RETAIN_KEYS("merge,retainKeys"),
  /** The patch value replaces the field's value wholesale (upstream's RawExtension fields). */
  REPLACE("replace");

  private final String extensionValue;

  PatchStrategy(String extensionValue) {
    this.extensionValue = extensionValue;
  }

  /** The value of {@code x-kubernetes-patch-strategy}; empty for {@link #NONE}. */
  public String extensionValue() {
    return extensionValue;
  }

  public boolean merges() {
    return this == MERGE || this == MERGE_RETAIN_KEYS;
  }

  public boolean retainsKeys() {
    return this == RETAIN_KEYS || this == MERGE_RETAIN_KEYS;
  }

  /**
   * Parses a struct tag or {@code x-kubernetes-patch-strategy} value; {@code null} or empty means
   * {@link #NONE}. The two strategies of a combined value may come in either order.
   */
  public static PatchStrategy parse(String value) {
    if (value == null || value.isEmpty()) {
      return NONE;
    }
    Set<String> parts = Arrays.stream(value.split(",")).collect(Collectors.toSet());
    for (PatchStrategy s : values()) {
      if (Set.of(s.extensionValue.split(",")).equals(parts)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown patch strategy \"" + value + "\"");
  }
}
