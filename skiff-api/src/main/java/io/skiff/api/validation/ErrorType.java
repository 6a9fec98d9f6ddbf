package io.skiff.api.validation;

/**
 * The kinds of field error upstream Kubernetes reports. {@link #reason()} is the {@code reason} of
 * a Status cause, {@link #text()} the words that open the error body.
 */
public enum ErrorType {
  NOT_FOUND("FieldValueNotFound", "Not found"),
  REQUIRED("FieldValueRequired", "Required value"),
  DUPLICATE("FieldValueDuplicate", "Duplicate value"),
  INVALID("FieldValueInvalid", "Invalid value"),
  NOT_SUPPORTED("FieldValueNotSupported", "Unsupported value"),
  FORBIDDEN("FieldValueForbidden", "Forbidden"),
  TOO_LONG("FieldValueTooLong", "Too long"),
  TOO_MANY("FieldValueTooMany", "Too many"),
  INTERNAL("InternalError", "Internal error");

  private final String reason;
  private final String text;

  ErrorType(String reason, String text) {
    this.reason = reason;
    this.text = text;
  }

  /** The cause type of a Status, e.g. {@code FieldValueInvalid}. */
  public String reason() {
    return reason;
  }

  /** The human words, e.g. {@code Invalid value}. */
  public String text() {
    return text;
  }

  /** Upstream prints no value for these types, whatever value the error carries. */
  boolean omitsValue() {
    return this == REQUIRED || this == FORBIDDEN || this == TOO_LONG || this == INTERNAL;
  }
}
