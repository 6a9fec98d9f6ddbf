package io.skiff.controllers.job;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per Job, how many pods failed since the last success and when the last one failed, which decides
 * how long a replacement waits: upstream's backoffStore. It lives in memory, as upstream's does: a
 * restarted controller starts the backoff afresh.
 */
final class PodBackoffStore {

  /** The failures after the last success, and when the last of them happened (null: none). */
  record Record(String key, int failuresAfterLastSuccess, Instant lastFailureTime) {}

  private final Map<String, Record> records = new ConcurrentHashMap<>();

  void update(Record r) {
    records.put(r.key(), r);
  }

  void remove(String key) {
    records.remove(key);
  }

  /** The record after the newly finished pods of this sync (not stored until {@link #update}). */
  Record next(String key, List<Pod> newSucceeded, List<Pod> newFailed) {
    Record old = records.getOrDefault(key, new Record(key, 0, null));
    if (newSucceeded.isEmpty()) {
      if (newFailed.isEmpty()) {
        return old;
      }
      Instant last =
          newFailed.stream().map(JobUtil::finishedTime).max(Comparator.naturalOrder()).get();
      return new Record(key, old.failuresAfterLastSuccess() + newFailed.size(), last);
    }
    Instant lastSuccess =
        newSucceeded.stream().map(JobUtil::finishedTime).max(Comparator.naturalOrder()).get();
    List<Instant> failures =
        newFailed.stream().map(JobUtil::finishedTime).sorted(Comparator.reverseOrder()).toList();
    int count = 0;
    Instant lastFailure = null;
    for (Instant failed : failures) {
      if (!failed.isAfter(lastSuccess)) {
        break;
      }
      if (lastFailure == null) {
        lastFailure = failed;
      }
      count++;
    }
    return new Record(key, count, lastFailure);
  }
}
