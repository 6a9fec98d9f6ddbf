package io.skiff.store;

import java.util.Arrays;

/**
 * A key's value at one revision.
 *
 * @param value the stored bytes; {@code null} only in the {@link WatchEvent.Type#DELETED} event's
 *     {@link WatchEvent#kv()}
 * @param createRevision the revision that created this incarnation of the key
 * @param modRevision the revision of the last write to the key (its deletion, in a DELETED event)
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision) {

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyValue kv
        && key.equals(kv.key)
        && Arrays.equals(value, kv.value)
        && createRevision == kv.createRevision
        && modRevision == kv.modRevision;
  }

  @Override
  public int hashCode() {
    return (key.hashCode() * 31 + Arrays.hashCode(value)) * 31 + Long.hashCode(modRevision);
  }

  @Override
  public String toString() {
    return "KeyValue["
        + key
        + ", "
        + (value == null ? "null" : value.length + " bytes")
        + ", create="
        + createRevision
        + ", mod="
        + modRevision
        + "]";
  }
}
