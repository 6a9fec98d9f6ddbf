package io.skiff.store;

/** A read asked for a revision the store has not reached yet. */
public final class FutureRevisionException extends StoreException {
  private final long requestedRevision;
  private final long currentRevision;

  public FutureRevisionException(long requestedRevision, long currentRevision) {
    super(
        "revision "
            + requestedRevision
            + " is in the future; current revision is "
            + currentRevision);
    this.requestedRevision = requestedRevision;
    this.currentRevision = currentRevision;
  }

  public long requestedRevision() {
    return requestedRevision;
  }

  public long currentRevision() {
    return currentRevision;
  }
}
