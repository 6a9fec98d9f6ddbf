package io.skiff.client;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.api.errors.StatusError;

/**
 * Receives one watch's events, in resourceVersion order, one call at a time, on a thread the
 * transport owns. The callbacks should be quick: a slow watcher delays its own stream (and, far
 * enough behind, is ended by the server with a 410 so that it relists).
 *
 * @param <T> the kind watched
 */
public interface Watcher<T extends HasMetadata> {

  /**
   * One change. For {@link EventType#DELETED} the object is its last state, with the
   * resourceVersion of the deletion. The object is the watcher's own, no one else holds it, unless
   * the watcher {@linkplain #readsOnly() reads only}.
   */
  void onEvent(EventType type, T object);

  /**
   * Whether this watcher, and everyone it passes the objects on to, never changes them. A transport
   * may then hand it objects that others share instead of a copy of its own: the in-process
   * transport gives such a watcher the API server's watch cache objects, as client-go's shared
   * informers give every handler the same object. Informers read only; so must their listers'
   * callers, which is why controllers copy before they change anything.
   */
  default boolean readsOnly() {
    return false;
  }

  /**
   * The watch has ended; nothing follows. Called exactly once.
   *
   * @param error why, when the server ended it with a Status: {@code 410 Expired} when the
   *     requested resourceVersion has been compacted (relist, then watch from the list's version).
   *     {@code null} when it ended without an API error: the server closed the stream, the
   *     connection dropped, or {@link Watch#close()} was called; watching again from the last
   *     resourceVersion seen continues without a gap.
   */
  void onClose(StatusError error);
}
