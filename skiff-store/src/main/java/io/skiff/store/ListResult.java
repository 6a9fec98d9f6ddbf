package io.skiff.store;

import java.util.List;

/**
 * One page of a {@link Store#list}.
 *
 * @param items the keys in key order
 * @param revision the revision the page was read at; pass it back to read the next page
 * @param more whether keys remain after the last item
 */
public record ListResult(List<KeyValue> items, long revision, boolean more) {

  /** The key to pass as {@code continueAfter} for the next page, or {@code null} if none. */
  public String continueAfter() {
    return more && !items.isEmpty() ? items.getLast().key() : null;
  }
}
