package io.skiff.store;

/**
 * The backend failed (disk full, I/O error, corrupted file). A write that ends with this was not
 * acknowledged and may or may not have been applied.
 */
public final class StorageFailureException extends StoreException {
  public StorageFailureException(String message, Throwable cause) {
    super(message, cause);
  }
}
