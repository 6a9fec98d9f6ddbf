package io.skiff.apiserver.inprocess;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.api.errors.StatusError;
import io.skiff.apiserver.registry.WatchSink;
import io.skiff.client.EventType;
import io.skiff.client.Watch;
import io.skiff.client.Watcher;
import java.util.function.Consumer;

/**
 * A watch straight on a resource's storage. Events reach the watcher on the store's delivery thread
 * for this watch, so a slow watcher holds back only itself and, far enough behind, is ended by the
 * store (a 410 here, as over HTTP) instead of piling events up in memory.
 */
final class InProcessWatch implements Watch, WatchSink {

  private static final System.Logger log = System.getLogger(InProcessWatch.class.getName());

  private final String resource;
  private final Watcher<HasMetadata> watcher;
  private final Consumer<InProcessWatch> onEnd;
  // Held while calling the watcher: one call at a time even when close() races an event.
  private final Object delivery = new Object();
  private boolean ended;
  private volatile boolean closed;
  private io.skiff.store.Watch storeWatch;

  /**
   * @param onEnd told once when the watch has ended, however it ended
   */
  InProcessWatch(String resource, Watcher<HasMetadata> watcher, Consumer<InProcessWatch> onEnd) {
    this.resource = resource;
    this.watcher = watcher;
    this.onEnd = onEnd;
  }

  /** Joins the store's watch; closes it at once if this watch was closed meanwhile. */
  void attach(io.skiff.store.Watch w) {
    boolean closeNow;
    synchronized (this) {
      storeWatch = w;
      closeNow = closed;
    }
    if (closeNow) {
      w.close();
    }
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public void event(String type, HasMetadata object) {
    synchronized (delivery) {
      if (ended || closed) {
        return;
      }
      try {
        watcher.onEvent(EventType.valueOf(type), object);
      } catch (RuntimeException e) {
        // As over HTTP: a watcher that throws loses its watch, and hears so.
        log.log(System.Logger.Level.WARNING, "watcher of " + resource + " failed", e);
        end(null);
      }
    }
  }

  @Override
  public void error(StatusError error) {
    end(error);
  }

  private void end(StatusError error) {
    synchronized (delivery) {
      if (ended) {
        return;
      }
      ended = true;
      closeStoreWatch();
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
    closeStoreWatch();
    end(null);
  }

  private void closeStoreWatch() {
    io.skiff.store.Watch w;
    synchronized (this) {
      w = storeWatch;
    }
    if (w != null) {
      w.close();
    }
  }
}
