package io.skiff.api.codec;

/** A body that is not valid JSON, or does not fit the target type; the API server's 400. */
public final class MalformedBodyException extends Exception {
  public MalformedBodyException(String message, Throwable cause) {
    super(message, cause);
  }
}
