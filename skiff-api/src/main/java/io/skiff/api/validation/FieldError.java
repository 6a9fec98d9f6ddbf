package io.skiff.api.validation;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One field-level validation error, worded exactly as upstream's {@code field.Error} (1.28): {@link
 * #toString()} is {@code <path>: <Type text>[: <value>][: <detail>]}, {@link #body()} the same
 * without the path — the {@code message} of a Status cause.
 *
 * @param type what kind of error
 * @param field the field path as printed, e.g. {@code spec.template.spec.containers[0].image}
 * @param badValue the offending value: a Java string, number or boolean, a {@link GoValue}, or null
 * @param detail free text after the value; empty for none
 */
public record FieldError(ErrorType type, String field, Object badValue, String detail) {

  /** Marks a value that upstream leaves out of the message (e.g. a negative count in TooMany). */
  private static final GoValue OMITTED = () -> "";

  public FieldError {
    Objects.requireNonNull(type);
    Objects.requireNonNull(field);
    detail = detail == null ? "" : detail;
  }

  public static FieldError invalid(FieldPath path, Object value, String detail) {
    return new FieldError(ErrorType.INVALID, path.toString(), value, detail);
  }

  public static FieldError required(FieldPath path, String detail) {
    return new FieldError(ErrorType.REQUIRED, path.toString(), "", detail);
  }

  public static FieldError forbidden(FieldPath path, String detail) {
    return new FieldError(ErrorType.FORBIDDEN, path.toString(), "", detail);
  }

  public static FieldError duplicate(FieldPath path, Object value) {
    return new FieldError(ErrorType.DUPLICATE, path.toString(), value, "");
  }

  public static FieldError notFound(FieldPath path, Object value) {
    return new FieldError(ErrorType.NOT_FOUND, path.toString(), value, "");
  }

  /** {@code supported values: "A", "B"}, the values Go-quoted in the order given. */
  public static FieldError notSupported(FieldPath path, Object value, List<String> validValues) {
    String detail =
        validValues.isEmpty()
            ? ""
            : "supported values: "
                + validValues.stream()
                    .map(GoValueFormatter::quote)
                    .collect(Collectors.joining(", "));
    return new FieldError(ErrorType.NOT_SUPPORTED, path.toString(), value, detail);
  }

  /** Upstream 1.28 {@code field.TooLong}: the value is never printed. */
  public static FieldError tooLong(FieldPath path, int maxLength) {
    return new FieldError(
        ErrorType.TOO_LONG, path.toString(), "", "must have at most " + maxLength + " bytes");
  }

  public static FieldError tooMany(FieldPath path, int actual, int max) {
    String detail = max >= 0 ? "must have at most " + max + " items" : "has too many items";
    return new FieldError(
        ErrorType.TOO_MANY, path.toString(), actual >= 0 ? actual : OMITTED, detail);
  }

  public static FieldError internal(FieldPath path, String message) {
    return new FieldError(ErrorType.INTERNAL, path.toString(), null, message);
  }

  /** The Status cause {@code reason}, e.g. {@code FieldValueInvalid}. */
  public String reason() {
    return type.reason();
  }

  /** The error without its field prefix: the {@code message} of a Status cause. */
  public String body() {
    StringBuilder s = new StringBuilder(type.text());
    if (!type.omitsValue() && badValue != OMITTED) {
      s.append(": ").append(GoValueFormatter.render(badValue));
    }
    if (!detail.isEmpty()) {
      s.append(": ").append(detail);
    }
    return s.toString();
  }

  /** The full upstream error text, {@code <path>: <body>}. */
  @Override
  public String toString() {
    return field + ": " + body();
  }
}
