package io.skiff.apiserver.cache;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.api.ResourceType;
import io.skiff.api.errors.StatusError;
import io.skiff.api.selector.FieldSelector;
import io.skiff.api.selector.LabelSelector;
import io.skiff.apiserver.registry.ContinueToken;
import io.skiff.apiserver.registry.ResourceStorage;
import io.skiff.clock.Clock;
import io.skiff.store.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Lists and watches, served from the {@link WatchCache} when that is correct and from the storage
 * otherwise: upstream's CacheDelegator. The HTTP handlers and the in-process transport both read
 * through here, so that both see the same semantics.
 */
public final class CachedReads {

  private final WatchCache caches;
  private final Clock clock;

  public CachedReads(WatchCache caches) {
    this.caches = caches;
    this.clock = caches.clock();
  }

  /**
   * One page of a list. The objects are shared with the cache and other readers: encode them, or
   * {@link CachedObject#copy()} them, never change them.
   */
  public record Page(List<CachedObject> items, long revision, String continueToken) {}

  /**
   * Lists objects of {@code namespace} (all when null) matching both selectors.
   *
   * @throws StatusError 504 when a resourceVersion is asked for that is not reached in time, 410
   *     for an exact revision or continue token whose history is compacted
   */
  public Page list(
      ResourceStorage storage,
      String namespace,
      LabelSelector labels,
      FieldSelector fields,
      int limit,
      String continueToken,
      ListRead read) {
    return switch (read.mode()) {
      case CONTINUE -> fromStorage(storage, namespace, labels, fields, limit, continueToken, 0);
      case EXACT -> fromStorage(storage, namespace, labels, fields, limit, null, read.revision());
      case CONSISTENT -> {
        long current = storage.currentRevision();
        ResourceCache cache = cache(storage.type());
        // Upstream's consistent read from cache falls back to etcd when the cache lags too long.
        if (cache == null || !caches.awaitFresh(cache, current)) {
          yield fromStorage(storage, namespace, labels, fields, limit, null, 0);
        }
        yield fromCache(cache, storage.type(), namespace, labels, fields, limit);
      }
      case NOT_OLDER_THAN -> {
        long current = storage.currentRevision();
        if (read.revision() > current) {
          throw ResourceStorage.tooLargeResourceVersion(read.revision(), current);
        }
        ResourceCache cache = cache(storage.type());
        if (cache == null) {
          yield fromStorage(storage, namespace, labels, fields, limit, null, 0);
        }
        if (!caches.awaitFresh(cache, read.revision())) {
          throw ResourceStorage.tooLargeResourceVersion(read.revision(), cache.revision());
        }
        yield fromCache(cache, storage.type(), namespace, labels, fields, limit);
      }
      case ANY -> {
        ResourceCache cache = cache(storage.type());
        // Upstream's cache ignores the limit of a list at resourceVersion 0: it pages nothing.
        yield cache == null
            ? fromStorage(storage, namespace, labels, fields, 0, null, 0)
            : fromCache(cache, storage.type(), namespace, labels, fields, 0);
      }
    };
  }

  private Page fromCache(
      ResourceCache cache,
      ResourceType type,
      String namespace,
      LabelSelector labels,
      FieldSelector fields,
      int limit) {
    ResourceCache.Listing l = cache.list(prefix(type, namespace), labels, fields, limit);
    // The next page comes from the store, at the revision this one shows.
    String token = l.more() ? new ContinueToken(l.revision(), l.lastKey()).encode() : null;
    return new Page(l.items(), l.revision(), token);
  }

  private Page fromStorage(
      ResourceStorage storage,
      String namespace,
      LabelSelector labels,
      FieldSelector fields,
      int limit,
      String continueToken,
      long atRevision) {
    ResourceStorage.Page page =
        storage.list(namespace, labels, fields, limit, continueToken, atRevision);
    List<CachedObject> items = new ArrayList<>(page.items().size());
    for (HasMetadata obj : page.items()) {
      items.add(wrap(storage.type(), obj));
    }
    return new Page(items, page.revision(), page.continueToken());
  }

  /**
   * Starts a watch. Failures after the request was found valid (a resourceVersion too old) come as
   * the feed's ERROR, as upstream sends them in a 200 stream.
   */
  public WatchFeed watch(ResourceStorage storage, WatchRequest r) {
    ResourceType type = storage.type();
    ResourceCache cache = cache(type);
    if (cache == null) {
      return fromStorage(storage, r, r.resourceVersion());
    }
    ResourceCache.Start start =
        new ResourceCache.Start(
            prefix(type, r.namespace()), r.labels(), r.fields(), r.timeout(), r.allowBookmarks());
    String rv = r.resourceVersion() == null ? "" : r.resourceVersion();
    Boolean initial = r.sendInitialEvents();
    if (initial == null) {
      if (rv.isEmpty()) {
        // The latest state first: consistent, as upstream's watch from etcd at revision 0.
        if (!caches.awaitFresh(cache, storage.currentRevision())) {
          return fromStorage(storage, r, "");
        }
        return cache.watchWithState(start, false);
      }
      if (rv.equals("0")) {
        return cache.watchWithState(start, false);
      }
      return from(storage, cache, start, r, ListRead.parseRevision(rv));
    }
    if (initial) {
      // The watch-list protocol: the state no older than the resourceVersion, then a bookmark
      // that says so (if the client takes bookmarks), then changes.
      long current = storage.currentRevision();
      long atLeast = rv.isEmpty() ? current : rv.equals("0") ? 0 : ListRead.parseRevision(rv);
      if (atLeast > current) {
        return StoreFeed.failed(
            type, caches.codec(), ResourceStorage.tooLargeResourceVersion(atLeast, current));
      }
      if (!caches.awaitFresh(cache, atLeast)) {
        return StoreFeed.failed(
            type,
            caches.codec(),
            ResourceStorage.tooLargeResourceVersion(atLeast, cache.revision()));
      }
      return cache.watchWithState(start, r.allowBookmarks());
    }
    long from =
        rv.isEmpty()
            ? storage.currentRevision()
            : rv.equals("0") ? cache.revision() : ListRead.parseRevision(rv);
    return from(storage, cache, start, r, from);
  }

  private WatchFeed from(
      ResourceStorage storage,
      ResourceCache cache,
      ResourceCache.Start start,
      WatchRequest r,
      long from) {
    return switch (cache.watchFrom(start, from)) {
      case ResourceCache.Started s -> s.watcher();
      case ResourceCache.TooOld t -> StoreFeed.failed(storage.type(), caches.codec(), t.error());
      case ResourceCache.BeforeCache b -> fromStorage(storage, r, String.valueOf(from));
    };
  }

  /**
   * A watch on the store itself: for history older than the cache, and when there is no cache. With
   * resourceVersion "" or "0" it starts with the current state, read from the store.
   */
  private WatchFeed fromStorage(ResourceStorage storage, WatchRequest r, String rv) {
    StoreFeed feed = new StoreFeed(storage.type(), caches.codec());
    long from;
    if (rv == null || rv.isEmpty() || rv.equals("0")) {
      ResourceStorage.Page page = storage.list(r.namespace(), r.labels(), r.fields(), 0, null, 0);
      List<WatchFeed.Item> initial = new ArrayList<>();
      for (HasMetadata obj : page.items()) {
        initial.add(feed.toEvent("ADDED", obj));
      }
      feed.pushAll(initial);
      from = page.revision();
    } else {
      from = ListRead.parseRevision(rv);
    }
    try {
      feed.attach(storage.watch(r.namespace(), r.labels(), r.fields(), from, feed));
    } catch (StatusError e) {
      feed.error(e);
      return feed;
    }
    feed.endAfter(clock, r.timeout());
    return feed;
  }

  /**
   * How long the server lets a watch run: {@code timeoutSeconds} when given, else upstream's random
   * time between the minimum request timeout and twice that, so that watches do not live forever
   * and do not all end at once.
   */
  public Duration watchTimeout(int timeoutSeconds) {
    if (timeoutSeconds > 0) {
      return Duration.ofSeconds(timeoutSeconds);
    }
    Duration min = caches.config().minRequestTimeout();
    double factor = 1 + ThreadLocalRandom.current().nextDouble();
    return Duration.ofNanos((long) (min.toNanos() * factor));
  }

  /** The loaded cache of {@code type}, or null to read the store (closed, or the store failing). */
  private ResourceCache cache(ResourceType type) {
    try {
      ResourceCache cache = caches.cache(type);
      // One dropped meanwhile (its store watch failed) is replaced by a fresh one.
      return cache != null && cache.isStopped() ? caches.cache(type) : cache;
    } catch (StoreException e) {
      return null;
    }
  }

  private CachedObject wrap(ResourceType type, HasMetadata obj) {
    String key = type.key(obj.getMetadata().getNamespace(), obj.getMetadata().getName());
    return CachedObject.of(key, obj, caches.codec());
  }

  private static String prefix(ResourceType type, String namespace) {
    return namespace == null ? type.keyPrefix() : type.keyPrefix(namespace);
  }
}
