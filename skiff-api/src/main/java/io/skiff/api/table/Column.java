package io.skiff.api.table;

/**
 * One column of a Table, as {@code meta.k8s.io/v1 TableColumnDefinition}. kubectl shows columns of
 * priority 0 always and the others only with {@code -o wide}; the server sends them all.
 *
 * @param type the OpenAPI type kubectl may use to align the column ({@code string}, {@code
 *     integer}, {@code boolean}, {@code date})
 * @param format {@code name} for the column holding the object's name, else empty
 */
public record Column(String name, String type, String format, String description, int priority) {

  static final String NAME_DOC =
      "Name must be unique within a namespace. Is required when creating resources, although some"
          + " resources may allow a client to request the generation of an appropriate name"
          + " automatically. Name is primarily intended for creation idempotence and configuration"
          + " definition. Cannot be updated. More info:"
          + " https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
  static final String CREATED_DOC =
      "CreationTimestamp is a timestamp representing the server time when this object was"
          + " created. It is not guaranteed to be set in happens-before order across separate"
          + " operations. Clients may not set this value. It is represented in RFC3339 form and is"
          + " in UTC.\n\n"
          + "Populated by the system. Read-only. Null for lists. More info:"
          + " https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

  static Column forName() {
    return new Column("Name", "string", "name", NAME_DOC, 0);
  }

  static Column age() {
    return of("Age", "string", CREATED_DOC);
  }

  static Column of(String name, String type, String description) {
    return new Column(name, type, "", description, 0);
  }

  static Column wide(String name, String type, String description) {
    return new Column(name, type, "", description, 1);
  }

  static Column containers() {
    return wide("Containers", "string", "Names of each container in the template.");
  }

  static Column images() {
    return wide("Images", "string", "Images referenced by each container in the template.");
  }
}
