package io.skiff.store;

/** The root of every failure the store reports. Unchecked, so that it crosses lambdas freely. */
public abstract sealed class StoreException extends RuntimeException
    permits KeyExistsException,
        KeyNotFoundException,
        ConflictException,
        CompactedException,
        FutureRevisionException,
        InvalidRequestException,
        WatchOverflowException,
        StoreClosedException,
        StorageFailureException {

  protected StoreException(String message) {
    super(message);
  }

  protected StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
