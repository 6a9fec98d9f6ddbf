package io.skiff.store.memory;

import io.skiff.store.CompactedException;
import io.skiff.store.ConflictException;
import io.skiff.store.Deleted;
import io.skiff.store.FutureRevisionException;
import io.skiff.store.KeyExistsException;
import io.skiff.store.KeyNotFoundException;
import io.skiff.store.KeyRules;
import io.skiff.store.KeyValue;
import io.skiff.store.ListResult;
import io.skiff.store.Store;
import io.skiff.store.StoreClosedException;
import io.skiff.store.Watch;
import io.skiff.store.WatchEvent;
import io.skiff.store.WatchHub;
import io.skiff.store.WatchListener;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The in-memory backend, for tests and throw-away clusters: the same semantics as the durable
 * backends, nothing on disk. Each key keeps its versions since the compacted revision; a log of
 * events since then serves watch replay.
 */
public final class MemoryStore implements Store {

  /** One version of a key; {@code value == null} marks a deletion. */
  private record Version(long revision, long createRevision, byte[] value) {}

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final TreeMap<String, List<Version>> keys = new TreeMap<>();
  private final ArrayList<WatchEvent> log = new ArrayList<>();
  private final WatchHub hub;
  private long revision;
  private long compacted;
  private boolean closed;

  public MemoryStore() {
    this(10_000);
  }

  /** A store whose watchers may fall {@code maxWatchBacklog} events behind before being ended. */
  public MemoryStore(int maxWatchBacklog) {
    this.hub = new WatchHub(0, maxWatchBacklog);
  }

  @Override
  public Optional<KeyValue> get(String key) {
    KeyRules.checkKey(key);
    lock.readLock().lock();
    try {
      checkOpen();
      List<Version> versions = keys.get(key);
      if (versions == null) {
        return Optional.empty();
      }
      Version last = versions.getLast();
      return last.value == null ? Optional.empty() : Optional.of(kv(key, last));
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public ListResult list(String prefix, int limit, String continueAfter, long atRevision) {
    KeyRules.checkPrefix(prefix);
    if (limit < 0) {
      throw new io.skiff.store.InvalidRequestException("limit must not be negative: " + limit);
    }
    lock.readLock().lock();
    try {
      checkOpen();
      long at = atRevision == LATEST ? revision : atRevision;
      checkReadable(at);
      NavigableMap<String, List<Version>> range = range(prefix);
      if (continueAfter != null) {
        range = range.tailMap(continueAfter, false);
      }
      List<KeyValue> items = new ArrayList<>();
      boolean more = false;
      for (Map.Entry<String, List<Version>> e : range.entrySet()) {
        Version v = versionAt(e.getValue(), at);
        if (v == null || v.value == null) {
          continue;
        }
        if (limit > 0 && items.size() == limit) {
          more = true;
          break;
        }
        items.add(kv(e.getKey(), v));
      }
      return new ListResult(items, at, more);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public long count(String prefix) {
    KeyRules.checkPrefix(prefix);
    lock.readLock().lock();
    try {
      checkOpen();
      return range(prefix).values().stream().filter(v -> v.getLast().value != null).count();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public KeyValue create(String key, byte[] value) {
    KeyRules.checkKey(key);
    KeyRules.checkValue(value);
    lock.writeLock().lock();
    try {
      checkOpen();
      List<Version> versions = keys.get(key);
      Version last = versions == null ? null : versions.getLast();
      if (last != null && last.value != null) {
        throw new KeyExistsException(key);
      }
      long rev = ++revision;
      Version created = new Version(rev, rev, value.clone());
      keys.computeIfAbsent(key, k -> new ArrayList<>(2)).add(created);
      commit(new WatchEvent(WatchEvent.Type.CREATED, kv(key, created), null));
      return kv(key, created);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public KeyValue update(String key, byte[] value, long expectedModRevision) {
    KeyRules.checkKey(key);
    KeyRules.checkValue(value);
    lock.writeLock().lock();
    try {
      checkOpen();
      Version last = current(key, expectedModRevision);
      long rev = ++revision;
      Version updated = new Version(rev, last.createRevision, value.clone());
      keys.get(key).add(updated);
      commit(new WatchEvent(WatchEvent.Type.UPDATED, kv(key, updated), kv(key, last)));
      return kv(key, updated);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public Deleted delete(String key, long expectedModRevision) {
    KeyRules.checkKey(key);
    lock.writeLock().lock();
    try {
      checkOpen();
      Version last = current(key, expectedModRevision);
      long rev = ++revision;
      Version tombstone = new Version(rev, last.createRevision, null);
      keys.get(key).add(tombstone);
      KeyValue previous = kv(key, last);
      commit(new WatchEvent(WatchEvent.Type.DELETED, kv(key, tombstone), previous));
      return new Deleted(rev, previous);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public Watch watch(String prefix, long fromRevision, WatchListener listener) {
    KeyRules.checkPrefix(prefix);
    lock.readLock().lock();
    try {
      checkOpen();
      if (fromRevision < compacted) {
        throw new CompactedException(fromRevision, compacted);
      }
    } finally {
      lock.readLock().unlock();
    }
    return hub.register(prefix, fromRevision, listener, this::history);
  }

  private List<WatchEvent> history(String prefix, long after, long upTo) {
    lock.readLock().lock();
    try {
      if (after < compacted) {
        throw new CompactedException(after, compacted);
      }
      List<WatchEvent> out = new ArrayList<>();
      for (int i = firstLogIndexAfter(after); i < log.size(); i++) {
        WatchEvent e = log.get(i);
        if (e.revision() > upTo) {
          break;
        }
        if (e.key().startsWith(prefix)) {
          out.add(e);
        }
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void compact(long target) {
    lock.writeLock().lock();
    try {
      checkOpen();
      if (target > revision) {
        throw new FutureRevisionException(target, revision);
      }
      if (target <= compacted) {
        return;
      }
      Iterator<List<Version>> it = keys.values().iterator();
      while (it.hasNext()) {
        List<Version> versions = it.next();
        int keep = indexAt(versions, target);
        if (keep > 0) {
          versions.subList(0, keep).clear();
        }
        // A deletion at or below the target is history too once nothing older needs it.
        if (versions.getFirst().revision <= target && versions.getFirst().value == null) {
          versions.removeFirst();
        }
        if (versions.isEmpty()) {
          it.remove();
        }
      }
      log.subList(0, firstLogIndexAfter(target)).clear();
      compacted = target;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public long currentRevision() {
    lock.readLock().lock();
    try {
      return revision;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public long compactedRevision() {
    lock.readLock().lock();
    try {
      return compacted;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      lock.writeLock().unlock();
    }
    hub.close();
  }

  // Called with the write lock held, so events reach the hub in revision order.
  private void commit(WatchEvent event) {
    log.add(event);
    hub.publish(List.of(event));
  }

  private Version current(String key, long expectedModRevision) {
    List<Version> versions = keys.get(key);
    Version last = versions == null ? null : versions.getLast();
    if (last == null || last.value == null) {
      throw new KeyNotFoundException(key);
    }
    if (expectedModRevision != ANY_REVISION && last.revision != expectedModRevision) {
      throw new ConflictException(kv(key, last), expectedModRevision);
    }
    return last;
  }

  private void checkOpen() {
    if (closed) {
      throw new StoreClosedException();
    }
  }

  private void checkReadable(long at) {
    if (at > revision) {
      throw new FutureRevisionException(at, revision);
    }
    if (at < compacted) {
      throw new CompactedException(at, compacted);
    }
  }

  private NavigableMap<String, List<Version>> range(String prefix) {
    return keys.subMap(prefix, true, KeyRules.prefixEnd(prefix), false);
  }

  /** The latest version at or below {@code at}, or null if the key did not exist yet. */
  private static Version versionAt(List<Version> versions, long at) {
    int i = indexAt(versions, at);
    return i < 0 ? null : versions.get(i);
  }

  /** Index of the latest version at or below {@code at}; -1 if none. */
  private static int indexAt(List<Version> versions, long at) {
    int lo = 0;
    int hi = versions.size() - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (versions.get(mid).revision <= at) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Index of the first log event with a revision above {@code after}. */
  private int firstLogIndexAfter(long after) {
    int lo = 0;
    int hi = log.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (log.get(mid).revision() <= after) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static KeyValue kv(String key, Version v) {
    return new KeyValue(key, v.value, v.createRevision, v.revision);
  }
}
