package io.skiff.apiserver.cache;

import io.skiff.api.errors.StatusError;

/**
 * The consumer's side of one watch: the events to send, in order, pulled by the thread that sends
 * them (the HTTP response's, or an in-process watch's), so that a slow consumer holds back nobody
 * else.
 */
public interface WatchFeed extends AutoCloseable {

  /** What a watch yields. */
  sealed interface Item permits Event, Bookmark, End {}

  /**
   * {@code ADDED}, {@code MODIFIED} or {@code DELETED} of a shared object: read it, encode it, copy
   * it; never change it.
   */
  record Event(String type, CachedObject object) implements Item {}

  /**
   * Nothing of interest up to {@code revision}; the client may resume there. {@code
   * initialEventsEnd} marks the end of the initial events of a watch-list request.
   */
  record Bookmark(long revision, boolean initialEventsEnd) implements Item {}

  /** The watch is over: cleanly ({@code error} null) or with the Status to send as ERROR. */
  record End(StatusError error) implements Item {}

  /** Blocks for the next item; after an {@link End}, returns it again. */
  Item next() throws InterruptedException;

  /** Whether {@link #next()} would return without blocking, so a writer may hold its flush. */
  boolean ready();

  /** Ends the watch from the consumer's side; {@link #next()} then returns a clean {@link End}. */
  @Override
  void close();
}
