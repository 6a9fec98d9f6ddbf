package io.skiff.api.table;

/** What each Table row carries as its {@code object}: the {@code includeObject} query parameter. */
public enum IncludeObject {
  /** {@code "object": null}. */
  NONE("None"),
  /** A {@code PartialObjectMetadata} with the object's metadata; the default. */
  METADATA("Metadata"),
  /** The whole object. */
  OBJECT("Object");

  private final String value;

  IncludeObject(String value) {
    this.value = value;
  }

  /** The query-parameter spelling. */
  public String value() {
    return value;
  }

  /**
   * Parses the query parameter; absent or empty means {@link #METADATA}.
   *
   * @throws IllegalArgumentException with upstream's BadRequest message for other values
   */
  public static IncludeObject parse(String value) {
    if (value == null || value.isEmpty()) {
      return METADATA;
    }
    for (IncludeObject i : values()) {
      if (i.value.equals(value)) {
        return i;
      }
    }
    throw new IllegalArgumentException("unrecognized includeObject value: \"" + value + "\"");
  }
}
