package io.skiff.client.informer;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.api.selector.LabelSelector;
import java.util.List;
import java.util.Optional;

/**
 * Reads an informer's cache: what a controller's reconcile reads instead of the API.
 *
 * <p>The objects are the cache's own: <b>never change them</b>; copy first ({@link
 * io.skiff.client.KubeObjects#deepCopy}).
 */
public final class Lister<T extends HasMetadata> {

  private final Indexer<T> indexer;

  public Lister(Indexer<T> indexer) {
    this.indexer = indexer;
  }

  /** The cached object; for cluster-scoped kinds pass a null namespace. */
  public Optional<T> get(String namespace, String name) {
    return indexer.get(namespace, name);
  }

  /**
   * The cached objects of {@code namespace} (all namespaces when null) whose labels match {@code
   * selector}. As {@link LabelSelector#of} defines it, a null selector matches nothing; pass {@link
   * LabelSelector#everything()} for all.
   */
  public List<T> list(String namespace, LabelSelector selector) {
    if (selector == null) {
      return List.of();
    }
    List<T> candidates =
        namespace == null ? indexer.list() : indexer.byIndex(Indexer.NAMESPACE, namespace);
    if (selector.isEverything()) {
      return candidates;
    }
    return candidates.stream().filter(o -> selector.matches(o.getMetadata().getLabels())).toList();
  }
}
