package io.skiff.bench.apiserver;

import java.util.Locale;

/** The servers the benchmark compares. */
public enum TargetKind {
  /** Skiff's API server on the durable SQLite store: what {@code skiff up} runs by default. */
  SKIFF_SQLITE("skiff-sqlite"),
  /** Skiff's API server on the memory store (for reference: {@code skiff up --store memory}). */
  SKIFF_MEMORY("skiff-memory"),
  /**
   * fabric8's {@code KubernetesMockServer} in CRUD mode, as {@code @EnableKubernetesMockClient(crud
   * = true)} starts it.
   */
  MOCK("mock");

  private final String label;

  TargetKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** The kind whose label is {@code text}, e.g. {@code skiff-sqlite}. */
  public static TargetKind parse(String text) {
    String wanted = text.strip().toLowerCase(Locale.ROOT);
    for (TargetKind k : values()) {
      if (k.label.equals(wanted)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown target '" + text + "': expected skiff-sqlite, skiff-memory or mock");
  }
}
