package io.skiff.client.informer;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.client.KubeObjects;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A thread-safe cache of objects by key ({@code namespace/name}, see {@link KubeObjects#key}), with
 * secondary indexes: client-go's ThreadSafeStore. The {@link #NAMESPACE} index is always there;
 * {@link #addIndex} adds others, e.g. pods by node name.
 *
 * <p>The objects are the cache's own and shared with every reader: <b>never change them</b>. Copy
 * ({@link KubeObjects#deepCopy}, or the fabric8 builder's {@code edit()}) and change the copy.
 *
 * @param <T> the kind cached
 */
public final class Indexer<T extends HasMetadata> {

  /** Index of objects by {@code metadata.namespace} ({@code ""} for cluster-scoped objects). */
  public static final String NAMESPACE = "namespace";

  /** Computes the values an object is indexed under; none to leave it out of the index. */
  @FunctionalInterface
  public interface IndexFunction<T> {
    Collection<String> values(T object);
  }

  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<String, T> items = new LinkedHashMap<>();
  private final Map<String, IndexFunction<? super T>> indexers = new LinkedHashMap<>();
  // index name -> indexed value -> key -> object. The objects sit in the index itself (not only
  // their keys) so that byIndex, which controllers call on every sync, copies out a bucket without
  // looking each key up again.
  private final Map<String, Map<String, TreeMap<String, T>>> indices = new HashMap<>();

  public Indexer() {
    indexers.put(
        NAMESPACE,
        obj -> {
          String ns = obj.getMetadata().getNamespace();
          return List.of(ns == null ? "" : ns);
        });
    indices.put(NAMESPACE, new HashMap<>());
  }

  /**
   * Adds an index and indexes what is already cached.
   *
   * @throws IllegalArgumentException if an index of that name exists
   */
  public void addIndex(String name, IndexFunction<? super T> function) {
    lock.writeLock().lock();
    try {
      if (indexers.containsKey(name)) {
        throw new IllegalArgumentException("index exists: " + name);
      }
      indexers.put(name, function);
      Map<String, TreeMap<String, T>> index = new HashMap<>();
      indices.put(name, index);
      items.forEach((key, obj) -> addTo(index, function, key, obj));
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Stores {@code obj} under its key, replacing what was there; returns the previous object. */
  public Optional<T> put(T obj) {
    String key = KubeObjects.key(obj);
    lock.writeLock().lock();
    try {
      T old = items.put(key, obj);
      if (old == null) {
        index(key, obj);
      } else {
        reindex(key, old, obj);
      }
      return Optional.ofNullable(old);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Removes the object with {@code obj}'s key; returns what was there. */
  public Optional<T> remove(T obj) {
    return removeKey(KubeObjects.key(obj));
  }

  /** Removes the object under {@code key}; returns what was there. */
  public Optional<T> removeKey(String key) {
    lock.writeLock().lock();
    try {
      T old = items.remove(key);
      if (old != null) {
        unindex(key, old);
      }
      return Optional.ofNullable(old);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Replaces the whole content with {@code objects}; returns what was there, by key. */
  public Map<String, T> replace(Collection<? extends T> objects) {
    lock.writeLock().lock();
    try {
      Map<String, T> old = new LinkedHashMap<>(items);
      items.clear();
      indices.values().forEach(Map::clear);
      for (T obj : objects) {
        String key = KubeObjects.key(obj);
        items.put(key, obj);
        index(key, obj);
      }
      return old;
    } finally {
      lock.writeLock().unlock();
    }
  }

  public Optional<T> get(String key) {
    lock.readLock().lock();
    try {
      return Optional.ofNullable(items.get(key));
    } finally {
      lock.readLock().unlock();
    }
  }

  public Optional<T> get(String namespace, String name) {
    return get(KubeObjects.key(namespace, name));
  }

  /** Every cached object, in no particular order. */
  public List<T> list() {
    lock.readLock().lock();
    try {
      return new ArrayList<>(items.values());
    } finally {
      lock.readLock().unlock();
    }
  }

  public List<String> keys() {
    lock.readLock().lock();
    try {
      return new ArrayList<>(items.keySet());
    } finally {
      lock.readLock().unlock();
    }
  }

  public int size() {
    lock.readLock().lock();
    try {
      return items.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * The objects indexed under {@code value} in index {@code indexName}, in key order.
   *
   * @throws IllegalArgumentException if there is no such index
   */
  public List<T> byIndex(String indexName, String value) {
    lock.readLock().lock();
    try {
      TreeMap<String, T> bucket = index(indexName).get(value);
      return bucket == null ? new ArrayList<>() : new ArrayList<>(bucket.values());
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The values index {@code indexName} holds objects under. */
  public Set<String> indexValues(String indexName) {
    lock.readLock().lock();
    try {
      return Set.copyOf(index(indexName).keySet());
    } finally {
      lock.readLock().unlock();
    }
  }

  private Map<String, TreeMap<String, T>> index(String indexName) {
    Map<String, TreeMap<String, T>> index = indices.get(indexName);
    if (index == null) {
      throw new IllegalArgumentException("no index " + indexName);
    }
    return index;
  }

  private void index(String key, T obj) {
    indexers.forEach((name, fn) -> addTo(indices.get(name), fn, key, obj));
  }

  private void addTo(
      Map<String, TreeMap<String, T>> index, IndexFunction<? super T> fn, String key, T obj) {
    Collection<String> values = fn.values(obj);
    if (values == null) {
      return;
    }
    for (String v : values) {
      index.computeIfAbsent(v, x -> new TreeMap<>()).put(key, obj);
    }
  }

  /**
   * Moves {@code key} from {@code old}'s index values to {@code obj}'s. Most updates (a pod's
   * status) keep every value, and then the object is only swapped in its buckets: a remove and
   * insert in a bucket of thousands was a tenth of a 10,000-pod benchmark's informer time.
   */
  private void reindex(String key, T old, T obj) {
    indexers.forEach(
        (name, fn) -> {
          Collection<String> before = fn.values(old);
          Collection<String> after = fn.values(obj);
          Map<String, TreeMap<String, T>> index = indices.get(name);
          if (before != null) {
            for (String v : before) {
              if (after == null || !after.contains(v)) {
                TreeMap<String, T> bucket = index.get(v);
                if (bucket != null && bucket.remove(key) != null && bucket.isEmpty()) {
                  index.remove(v);
                }
              }
            }
          }
          if (after != null) {
            for (String v : after) {
              TreeMap<String, T> bucket = index.get(v);
              if (bucket != null && bucket.replace(key, obj) != null) {
                continue;
              }
              index.computeIfAbsent(v, x -> new TreeMap<>()).put(key, obj);
            }
          }
        });
  }

  private void unindex(String key, T obj) {
    indexers.forEach(
        (name, fn) -> {
          Collection<String> values = fn.values(obj);
          if (values == null) {
            return;
          }
          Map<String, TreeMap<String, T>> index = indices.get(name);
          for (String v : values) {
            TreeMap<String, T> bucket = index.get(v);
            if (bucket != null && bucket.remove(key) != null && bucket.isEmpty()) {
              index.remove(v);
            }
          }
        });
  }
}
