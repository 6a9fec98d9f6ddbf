package io.skiff.api.selector;

/** An invalid label or field selector; the API server answers 400 BadRequest with the message. */
public final class SelectorException extends RuntimeException {
  public SelectorException(String message) {
    super(message);
  }
}
