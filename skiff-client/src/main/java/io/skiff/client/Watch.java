package io.skiff.client;

/**
 * A running watch. Closing it stops delivery (an event being delivered may still finish) and is
 * idempotent; the watcher then gets {@link Watcher#onClose} with {@code null}, unless the watch had
 * already ended.
 */
public interface Watch extends AutoCloseable {
  @Override
  void close();
}
