package io.skiff.store;

import java.util.List;

/** Receives a watch's events; see {@link Store#watch} for the guarantees. */
public interface WatchListener {

  /** A batch of events in increasing revision order; never empty. */
  void onEvents(List<WatchEvent> events);

  /**
   * The watch has ended because of {@code error} (it fell behind, or the store closed); no more
   * events follow.
   */
  default void onError(StoreException error) {}
}
