package io.skiff.store;

/**
 * One change seen by a watch.
 *
 * @param kv the key after the change; for DELETED its value is {@code null} and its modRevision is
 *     the revision of the deletion
 * @param prevKv the key before the change; {@code null} for CREATED
 */
public record WatchEvent(Type type, KeyValue kv, KeyValue prevKv) {

  /** What happened to the key. */
  public enum Type {
    CREATED,
    UPDATED,
    DELETED
  }

  /** The revision of the change. */
  public long revision() {
    return kv.modRevision();
  }

  public String key() {
    return kv.key();
  }
}
