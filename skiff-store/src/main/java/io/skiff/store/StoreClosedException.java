package io.skiff.store;

/** The store has been closed; nothing was written. */
public final class StoreClosedException extends StoreException {
  public StoreClosedException() {
    super("store is closed");
  }
}
