package io.skiff.controllers.job;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pods of each Job whose tracking finalizer this controller removed but whose update the pod
 * cache has not shown yet: while a pod is here it is not counted again, though the cache still
 * shows it with the finalizer. Upstream's uidTrackingExpectations for finalizers.
 */
final class FinalizerExpectations {

  private final Map<String, Set<String>> expected = new ConcurrentHashMap<>();

  void expectRemoved(String jobKey, Collection<String> podUids) {
    expected.computeIfAbsent(jobKey, k -> ConcurrentHashMap.newKeySet()).addAll(podUids);
  }

  void observed(String jobKey, String podUid) {
    Set<String> uids = expected.get(jobKey);
    if (uids != null) {
      uids.remove(podUid);
    }
  }

  /** A snapshot of the UIDs still expected for the Job. */
  Set<String> expected(String jobKey) {
    Set<String> uids = expected.get(jobKey);
    return uids == null ? Set.of() : Set.copyOf(uids);
  }

  void delete(String jobKey) {
    expected.remove(jobKey);
  }
}
