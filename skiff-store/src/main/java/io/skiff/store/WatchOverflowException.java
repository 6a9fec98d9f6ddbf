package io.skiff.store;

/** A watcher fell too far behind and was ended; restart it from the last revision it saw. */
public final class WatchOverflowException extends StoreException {
  private final long lastDeliveredRevision;

  public WatchOverflowException(long lastDeliveredRevision) {
    super("watcher fell behind after revision " + lastDeliveredRevision + " and was ended");
    this.lastDeliveredRevision = lastDeliveredRevision;
  }

  public long lastDeliveredRevision() {
    return lastDeliveredRevision;
  }
}
