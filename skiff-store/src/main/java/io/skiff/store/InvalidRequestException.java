package io.skiff.store;

/** A key or value outside the store's limits (see {@link Store}); nothing was written. */
public final class InvalidRequestException extends StoreException {
  public InvalidRequestException(String message) {
    super(message);
  }
}
