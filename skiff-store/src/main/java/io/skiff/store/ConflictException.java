package io.skiff.store;

/** A compare-and-swap found another modRevision than expected; nothing was written. */
public final class ConflictException extends StoreException {
  private final transient KeyValue current;
  private final long expectedModRevision;

  public ConflictException(KeyValue current, long expectedModRevision) {
    super(
        "key \""
            + current.key()
            + "\" is at revision "
            + current.modRevision()
            + ", not "
            + expectedModRevision);
    this.current = current;
    this.expectedModRevision = expectedModRevision;
  }

  /** The key as it is now, so the caller can retry without reading it again. */
  public KeyValue current() {
    return current;
  }

  public long expectedModRevision() {
    return expectedModRevision;
  }
}
