package io.skiff.apiserver.inprocess;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.api.errors.StatusError;
import io.skiff.apiserver.cache.CachedObject;
import io.skiff.apiserver.cache.WatchFeed;
import io.skiff.client.EventType;
import io.skiff.client.Watch;
import io.skiff.client.Watcher;
import java.util.function.Consumer;

/**
 * A watch served to an in-process watcher: its own virtual thread takes the feed's events and calls
 * the watcher, each with an object of its own, or, for a watcher that {@linkplain
 * Watcher#readsOnly() reads only}, with the watch cache's object (no copy: a pod event reached
 * three in-process informers, and copying it for each was a seventh of a large rollout's CPU). A
 * slow watcher holds back only itself and, far enough behind, is ended by the watch cache as over
 * HTTP (its watch then just ends, and the watcher watches again from the last resourceVersion it
 * saw).
 */
final class InProcessWatch implements Watch {

  private static final System.Logger log = System.getLogger(InProcessWatch.class.getName());

  private final String resource;
  private final WatchFeed feed;
  private final Watcher<HasMetadata> watcher;
  private final Consumer<InProcessWatch> onEnd;
  private final boolean readsOnly;
  private volatile boolean closed;

  /**
   * @param onEnd told once when the watch has ended, however it ended
   */
  InProcessWatch(
      String resource,
      WatchFeed feed,
      Watcher<HasMetadata> watcher,
      Consumer<InProcessWatch> onEnd) {
    this.resource = resource;
    this.feed = feed;
    this.watcher = watcher;
    this.onEnd = onEnd;
    this.readsOnly = watcher.readsOnly();
  }

  void start() {
    Thread.ofVirtual().name("skiff-inprocess-watch-" + resource).start(this::run);
  }

  private void run() {
    StatusError error = null;
    try {
      while (true) {
        WatchFeed.Item item = feed.next();
        if (item instanceof WatchFeed.End end) {
          error = end.error();
          return;
        }
        if (item instanceof WatchFeed.Event e && !closed) {
          CachedObject object = e.object();
          watcher.onEvent(EventType.valueOf(e.type()), readsOnly ? object.object() : object.take());
        }
        // Bookmarks: the watcher interface has none, and in-process watches do not ask for them.
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // As over HTTP: a watcher that throws loses its watch, and hears so.
      log.log(System.Logger.Level.WARNING, "watcher of " + resource + " failed", e);
    } finally {
      feed.close();
      onEnd.accept(this);
      try {
        watcher.onClose(closed ? null : error);
      } catch (RuntimeException e) {
        log.log(System.Logger.Level.WARNING, "watcher of " + resource + " failed", e);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    feed.close();
  }
}
