package io.skiff.api.apply;

/**
 * Who owns a set of fields: a managedFields entry without its fields and time, and without the API
 * version for an applier (so that applying at another version is the same manager). Ordered by the
 * JSON identifier upstream builds, which is the order conflict messages list managers in.
 *
 * @param apiVersion empty for {@code Apply}
 * @param subresource empty for the main resource
 */
record ManagerId(String manager, String operation, String apiVersion, String subresource)
    implements Comparable<ManagerId> {

  static final String APPLY = "Apply";
  static final String UPDATE = "Update";

  static ManagerId of(String manager, String operation, String apiVersion, String subresource) {
    return new ManagerId(
        manager,
        operation,
        operation.equals(APPLY) ? "" : apiVersion,
        subresource == null ? "" : subresource);
  }

  /** Upstream's identifier: the entry's non-empty fields as JSON, in Go's field order. */
  String identifier() {
    StringBuilder s = new StringBuilder("{");
    field(s, "manager", manager);
    field(s, "operation", operation);
    field(s, "apiVersion", apiVersion);
    field(s, "subresource", subresource);
    return s.append('}').toString();
  }

  private static void field(StringBuilder s, String name, String value) {
    if (value == null || value.isEmpty()) {
      return;
    }
    if (s.length() > 1) {
      s.append(',');
    }
    s.append('"').append(name).append("\":");
    Values.goJsonString(value, s);
  }

  /**
   * How conflict messages name a manager: {@code "kubectl"}, {@code "kubectl" with subresource
   * "scale" using apps/v1} for an updater.
   */
  String describe() {
    String s = Values.goQuote(manager);
    if (!subresource.isEmpty()) {
      s += " with subresource " + Values.goQuote(subresource);
    }
    if (operation.equals(UPDATE)) {
      s += " using " + apiVersion;
    }
    return s;
  }

  @Override
  public int compareTo(ManagerId o) {
    return identifier().compareTo(o.identifier());
  }
}
