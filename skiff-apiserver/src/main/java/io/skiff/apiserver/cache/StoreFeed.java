package io.skiff.apiserver.cache;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.api.ResourceType;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.errors.StatusError;
import io.skiff.apiserver.registry.WatchSink;
import io.skiff.store.Watch;

/**
 * A watch served by the store rather than the cache: one that starts before the cache's history.
 * The store bounds its backlog itself (a watcher far behind ends with 410), so the queue here is
 * not bounded again. Also the feed of a watch that fails before it starts: one ERROR.
 */
final class StoreFeed extends QueueFeed implements WatchSink {

  private final ResourceType type;
  private final ObjectCodec codec;
  private Watch watch;
  private boolean closed;

  StoreFeed(ResourceType type, ObjectCodec codec) {
    super(0);
    this.type = type;
    this.codec = codec;
  }

  /** A feed that sends {@code error} as its only event. */
  static StoreFeed failed(ResourceType type, ObjectCodec codec, StatusError error) {
    StoreFeed feed = new StoreFeed(type, codec);
    feed.error(error);
    return feed;
  }

  /** Joins the store's watch; closes it at once if this feed has ended meanwhile. */
  void attach(Watch w) {
    boolean closeNow;
    synchronized (this) {
      watch = w;
      closeNow = closed;
    }
    if (closeNow) {
      w.close();
    }
  }

  Event toEvent(String eventType, HasMetadata object) {
    String key = type.key(object.getMetadata().getNamespace(), object.getMetadata().getName());
    return new Event(eventType, CachedObject.of(key, object, codec));
  }

  @Override
  public void event(String eventType, HasMetadata object) {
    push(toEvent(eventType, object));
  }

  @Override
  public void error(StatusError error) {
    finish(error, false);
  }

  @Override
  void ended() {
    Watch w;
    synchronized (this) {
      closed = true;
      w = watch;
    }
    if (w != null) {
      w.close();
    }
  }
}
