package io.skiff.store;

import java.util.Optional;

/**
 * A multi-version key-value store with one global revision: what the Kubernetes API server needs
 * from etcd, and nothing about Kubernetes.
 *
 * <h2>Revisions</h2>
 *
 * Every successful write ({@link #create}, {@link #update}, {@link #delete}) is assigned the next
 * revision of the whole store, strictly increasing, one per write, never reused. A key's {@code
 * modRevision} is the revision of its last write and is what compare-and-swap compares; its {@code
 * createRevision} is the revision that created it (a key deleted and created again gets a new one).
 * A write that fails assigns no revision that any reader can observe.
 *
 * <h2>Durability</h2>
 *
 * A write that returns has been made durable by the backend (the sqlite backend has fsynced it);
 * after a crash it is there, intact. A write that throws {@link StorageFailureException} may or may
 * not have been applied; every other exception means nothing was written.
 *
 * <h2>Keys and values</h2>
 *
 * Keys are 1 to {@link #MAX_KEY_BYTES} printable ASCII characters (0x21 to 0x7E), so that their
 * order is the same in every backend. Values are at most {@link #MAX_VALUE_BYTES} bytes. Anything
 * else fails with {@link InvalidRequestException} and writes nothing. The store copies the value
 * arrays handed to it; the arrays it hands out may be shared between readers and must not be
 * modified.
 *
 * <h2>Compaction</h2>
 *
 * {@link #compact(long)} forgets history at and below a revision except the state at that revision
 * itself. Reads at a revision below {@link #compactedRevision()}, and watches that would need
 * history from there, fail with {@link CompactedException} (the API server's 410 Gone).
 *
 * <h2>A worked example</h2>
 *
 * <pre>{@code
 * Store s = ...;                        // currentRevision() == 0
 * s.create("/a", v1);                   // -> KeyValue("/a", v1, create=1, mod=1)
 * s.create("/b", v2);                   // -> mod=2
 * s.update("/a", v3, 1);                // -> KeyValue("/a", v3, create=1, mod=3)
 * s.update("/a", v4, 1);                // ConflictException, current = ("/a", v3, mod=3)
 * s.list("/", 0, null, 2);              // items /a=v1 (mod 1), /b=v2 (mod 2); revision 2
 * s.watch("/", 1, l);                   // l gets CREATED /b@2, UPDATED /a@3 (prev v1), then live ones
 * s.delete("/b", Store.ANY_REVISION);   // -> Deleted(revision=4, previous=("/b", v2, 2, 2))
 * s.compact(3);                         // list at revision 2 now fails with CompactedException
 * }</pre>
 *
 * <p>Implementations are thread-safe. Callers on any thread may read and write concurrently.
 */
public interface Store extends AutoCloseable {

  /** Longest key, in bytes (keys are ASCII, so also in characters). */
  int MAX_KEY_BYTES = 1024;

  /** Largest value: 3 MiB, like etcd's default request limit that Kubernetes is built around. */
  int MAX_VALUE_BYTES = 3 * 1024 * 1024;

  /**
   * Passed as the expected revision of {@link #update} or {@link #delete}: write unconditionally.
   */
  long ANY_REVISION = 0;

  /** Passed as the revision of {@link #list}: read the latest state. */
  long LATEST = 0;

  /** The current value of {@code key}, or empty if it does not exist. */
  Optional<KeyValue> get(String key);

  /**
   * The keys starting with {@code prefix}, in key order, as they were at revision {@code
   * atRevision} ({@link #LATEST} for now).
   *
   * <p>Pages: {@code limit} (0 for no limit) caps the items returned; when more remain, {@link
   * ListResult#more()} is true and the next page is read by passing the last returned key as {@code
   * continueAfter} together with {@link ListResult#revision()} as {@code atRevision}, so that every
   * page shows the same consistent snapshot even while writes go on.
   *
   * @param continueAfter only keys strictly greater than this one are returned; {@code null} to
   *     start at the beginning of the prefix
   * @throws CompactedException if {@code atRevision} is below the compacted revision
   * @throws FutureRevisionException if {@code atRevision} is above the current revision
   */
  ListResult list(String prefix, int limit, String continueAfter, long atRevision);

  /** How many keys start with {@code prefix} now. */
  long count(String prefix);

  /**
   * Creates {@code key}.
   *
   * @throws KeyExistsException if the key exists; nothing is written
   */
  KeyValue create(String key, byte[] value);

  /**
   * Replaces the value of {@code key} if its modRevision is {@code expectedModRevision} (or always,
   * with {@link #ANY_REVISION}).
   *
   * @throws KeyNotFoundException if the key does not exist
   * @throws ConflictException if the key's modRevision differs; carries the current value
   */
  KeyValue update(String key, byte[] value, long expectedModRevision);

  /**
   * Deletes {@code key} if its modRevision is {@code expectedModRevision} (or always, with {@link
   * #ANY_REVISION}).
   *
   * @throws KeyNotFoundException if the key does not exist
   * @throws ConflictException if the key's modRevision differs; carries the current value
   */
  Deleted delete(String key, long expectedModRevision);

  /**
   * Watches the keys starting with {@code prefix} for every change after revision {@code
   * fromRevision}: the listener first gets the history with revisions greater than {@code
   * fromRevision} (replayed from the log), then live changes as they commit. Events reach one
   * listener in strictly increasing revision order, exactly once each, never concurrently, on a
   * store-owned thread. To watch from now, pass {@link #currentRevision()} (or a list's revision,
   * for list-then-watch without a gap).
   *
   * <p>A listener that falls far behind is ended with {@link WatchListener#onError} and a {@link
   * WatchOverflowException}; it should start again from the last revision it saw.
   *
   * @throws CompactedException if history after {@code fromRevision} has been compacted away
   */
  Watch watch(String prefix, long fromRevision, WatchListener listener);

  /**
   * Forgets history at and below {@code revision}, keeping the state at {@code revision}.
   * Compacting at or below the current compacted revision does nothing.
   *
   * @throws FutureRevisionException if {@code revision} is above the current revision
   */
  void compact(long revision);

  /** The revision of the last successful write; 0 for an empty store. */
  long currentRevision();

  /** The revision up to which history has been forgotten; 0 if never compacted. */
  long compactedRevision();

  /** Ends every watch, waits for acknowledged writes to be durable, and releases files. */
  @Override
  void close();
}
