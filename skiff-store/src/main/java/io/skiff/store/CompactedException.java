package io.skiff.store;

/** The history a read or watch needs has been compacted away (the API server's 410 Gone). */
public final class CompactedException extends StoreException {
  private final long requestedRevision;
  private final long compactedRevision;

  public CompactedException(long requestedRevision, long compactedRevision) {
    super(
        "revision "
            + requestedRevision
            + " has been compacted; history starts after revision "
            + compactedRevision);
    this.requestedRevision = requestedRevision;
    this.compactedRevision = compactedRevision;
  }

  public long requestedRevision() {
    return requestedRevision;
  }

  public long compactedRevision() {
    return compactedRevision;
  }
}
