package io.skiff.apiserver.cache;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds cached objects that a reader changed: upstream's cache mutation detector ({@code
 * KUBE_CACHE_MUTATION_DETECTOR}), for the objects the watch cache shares with in-process informers.
 * On when the system property {@value #PROPERTY} is {@code true} at start-up, as every test run of
 * the build sets it; off otherwise, for it encodes every cached object twice.
 *
 * <p>Each shared object keeps the JSON it had when it was cached; the detector encodes it again
 * when a newer version replaces it, and for every cached object when the in-process transport is
 * closed. A difference is logged at once and reported as an exception by that close, so the test
 * that owns the cluster fails.
 */
final class CacheMutationDetector {

  static final String PROPERTY = "skiff.cacheMutationDetector";

  private static final Logger log = LoggerFactory.getLogger(CacheMutationDetector.class);

  private final List<String> found = new ArrayList<>();

  // Read once: every cached object asks.
  private static final boolean ENABLED = Boolean.getBoolean(PROPERTY);

  static boolean enabled() {
    return ENABLED;
  }

  /** Checks one object that the cache shared; remembers and logs it if it was changed. */
  void check(CachedObject o) {
    String change = o.changeSincePristine();
    if (change == null) {
      return;
    }
    String report = "cached object " + o.key() + " was changed by a reader: " + change;
    log.error(report);
    synchronized (found) {
      found.add(report);
    }
  }

  /**
   * @throws IllegalStateException naming the objects changed, if any were found
   */
  void throwIfFound() {
    synchronized (found) {
      if (!found.isEmpty()) {
        throw new IllegalStateException(
            found.size()
                + " cached objects were changed by their readers (copy before changing): "
                + String.join("; ", found));
      }
    }
  }
}
