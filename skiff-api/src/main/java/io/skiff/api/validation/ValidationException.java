package io.skiff.api.validation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An object failed validation: what upstream turns into a 422 {@code Invalid} Status. {@link
 * #getMessage()} is the Status message, {@code <Kind>.<group> "<name>" is invalid: <errors>}; the
 * causes are {@link #errors()}, each giving {@link FieldError#reason()}, {@link FieldError#body()}
 * and {@link FieldError#field()}.
 */
public final class ValidationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String kind;
  private final String group;
  private final String name;
  private final List<FieldError> errors;

  /**
   * @param kind e.g. {@code Deployment}
   * @param group API group, {@code ""} for the core group
   * @param name the object's name (may be empty)
   * @param errors at least one error
   */
  public ValidationException(String kind, String group, String name, List<FieldError> errors) {
    super(message(kind, group, name, errors), null, false, false);
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a validation failure needs at least one error");
    }
    this.kind = kind;
    this.group = group == null ? "" : group;
    this.name = name == null ? "" : name;
    this.errors = List.copyOf(errors);
  }

  public String kind() {
    return kind;
  }

  public String group() {
    return group;
  }

  public String name() {
    return name;
  }

  /** Every error, in order, duplicates kept (upstream keeps them in the causes). */
  public List<FieldError> errors() {
    return errors;
  }

  /** {@code Deployment.apps}, or just the kind for the core group. */
  public String qualifiedKind() {
    return qualifiedKind(kind, group);
  }

  private static String qualifiedKind(String kind, String group) {
    return group == null || group.isEmpty() ? kind : kind + "." + group;
  }

  /**
   * The Status message: {@code <Kind>.<group> "<name>" is invalid: <errs>}, where a single distinct
   * error is printed verbatim and several as {@code [e1, e2]}, duplicates dropped.
   */
  public static String message(String kind, String group, String name, List<FieldError> errors) {
    return qualifiedKind(kind, group)
        + " "
        + GoValueFormatter.quote(name == null ? "" : name)
        + " is invalid: "
        + aggregate(errors);
  }

  /** Upstream's aggregate error text for a list of field errors. */
  public static String aggregate(List<FieldError> errors) {
    Set<String> distinct = new LinkedHashSet<>();
    for (FieldError e : errors) {
      distinct.add(e.toString());
    }
    List<String> msgs = new ArrayList<>(distinct);
    if (msgs.isEmpty()) {
      return "<nil>";
    }
    if (msgs.size() == 1) {
      return msgs.get(0);
    }
    return "[" + String.join(", ", msgs) + "]";
  }
}
