package io.skiff.client;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * One page of a list.
 *
 * @param items the matching objects, in key order ({@code namespace/name}); the caller's own
 * @param resourceVersion the revision the list shows; watch from it to see every later change
 * @param continueToken pass to {@link ListOptions#withContinue} for the next page; null on the last
 */
public record ListPage<T extends HasMetadata>(
    List<T> items, long resourceVersion, String continueToken) {

  public ListPage {
    items = List.copyOf(items);
  }

  public boolean hasMore() {
    return continueToken != null && !continueToken.isEmpty();
  }
}
