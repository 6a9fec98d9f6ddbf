package io.skiff.controllers.runtime;

import io.skiff.clock.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@link ControllerExpectations} that remember which objects (by key, {@code namespace/name}) a
 * controller deletes: client-go's UIDTrackingControllerExpectations. A gracefully deleted pod is
 * seen twice, first when it gets a deletionTimestamp and again when it disappears; the controller
 * counts whichever comes first and only that, because it ticks the pod off by key. Use the
 * key-taking {@link #expectDeletions(String, Collection)} and {@link #deletionObserved(String,
 * String)} for deletions; the count-only ones inherited do not track keys.
 */
public class UidTrackingExpectations extends ControllerExpectations {

  private static final System.Logger log =
      System.getLogger(UidTrackingExpectations.class.getName());

  private final Map<String, Set<String>> expectedDeletions = new HashMap<>();

  public UidTrackingExpectations(Clock clock) {
    super(clock);
  }

  /** The keys of the deletions {@code controllerKey} still waits for; empty when none. */
  public synchronized Set<String> expectedDeletionKeys(String controllerKey) {
    Set<String> keys = expectedDeletions.get(controllerKey);
    return keys == null ? Set.of() : Set.copyOf(keys);
  }

  /** Expects the deletion of each object in {@code deletedKeys}, replacing earlier expectations. */
  public synchronized void expectDeletions(String controllerKey, Collection<String> deletedKeys) {
    Set<String> previous = expectedDeletions.get(controllerKey);
    if (previous != null && !previous.isEmpty()) {
      log.log(
          System.Logger.Level.WARNING,
          "{0}: clobbering the deletions still expected: {1}",
          controllerKey,
          previous);
    }
    Set<String> keys = new HashSet<>(deletedKeys);
    expectedDeletions.put(controllerKey, keys);
    super.expectDeletions(controllerKey, keys.size());
  }

  /** The deletion of {@code deletedKey} was seen: counts once, if it was expected. */
  public synchronized void deletionObserved(String controllerKey, String deletedKey) {
    Set<String> keys = expectedDeletions.get(controllerKey);
    if (keys != null && keys.remove(deletedKey)) {
      super.deletionObserved(controllerKey);
    }
  }

  @Override
  public synchronized void deleteExpectations(String controllerKey) {
    super.deleteExpectations(controllerKey);
    expectedDeletions.remove(controllerKey);
  }
}
