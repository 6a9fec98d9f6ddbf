package io.skiff.controllers.runtime;

import io.skiff.clock.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What each controller (by key) still expects to see its informer report: client-go's
 * ControllerExpectations. A controller that has just created or deleted N objects must not act on a
 * cache that does not show them yet, or it would create or delete them again.
 *
 * <ul>
 *   <li>Before creating N objects the controller calls {@link #expectCreations}; its pod handler
 *       calls {@link #creationObserved} for each one the informer reports. Likewise for deletions.
 *   <li>{@link #satisfiedExpectations} is true when nothing is expected any more, when nothing was
 *       ever recorded, or when the record is older than {@link #EXPECTATIONS_TIMEOUT} (a lost watch
 *       event must not stall the controller for ever).
 *   <li>Setting expectations replaces the previous ones; once set they only go down.
 * </ul>
 *
 * <p>Ages are measured on the injected {@link Clock}. Thread-safe.
 */
public class ControllerExpectations {

  private static final System.Logger log = System.getLogger(ControllerExpectations.class.getName());

  /** How long a record is trusted before the controller acts regardless: 5 minutes, upstream's. */
  public static final Duration EXPECTATIONS_TIMEOUT = Duration.ofMinutes(5);

  /** The outstanding creations and deletions of one controller, and when they were set. */
  public static final class Expectation {
    private final AtomicLong add;
    private final AtomicLong del;
    private final long setAtNanos;

    Expectation(long add, long del, long setAtNanos) {
      this.add = new AtomicLong(add);
      this.del = new AtomicLong(del);
      this.setAtNanos = setAtNanos;
    }

    public long adds() {
      return add.get();
    }

    public long deletes() {
      return del.get();
    }

    /** Whether every expected creation and deletion has been observed. */
    public boolean fulfilled() {
      return add.get() <= 0 && del.get() <= 0;
    }

    void lower(long adds, long dels) {
      add.addAndGet(-adds);
      del.addAndGet(-dels);
    }

    @Override
    public String toString() {
      return "Expectation[add=" + add.get() + ", del=" + del.get() + "]";
    }
  }

  private final Clock clock;
  private final Map<String, Expectation> byController = new ConcurrentHashMap<>();

  public ControllerExpectations(Clock clock) {
    this.clock = clock;
  }

  /** The record of {@code controllerKey}, if there is one. */
  public Optional<Expectation> get(String controllerKey) {
    return Optional.ofNullable(byController.get(controllerKey));
  }

  /**
   * Whether the controller may act on its cache: nothing recorded, everything observed, or the
   * record has expired.
   */
  public boolean satisfiedExpectations(String controllerKey) {
    Expectation e = byController.get(controllerKey);
    if (e == null || e.fulfilled()) {
      return true;
    }
    if (isExpired(e)) {
      log.log(System.Logger.Level.DEBUG, "expectations of {0} expired: {1}", controllerKey, e);
      return true;
    }
    return false;
  }

  private boolean isExpired(Expectation e) {
    return clock.nanoTime() - e.setAtNanos > EXPECTATIONS_TIMEOUT.toNanos();
  }

  /** Forgets the record, e.g. when the controller object is deleted. */
  public void deleteExpectations(String controllerKey) {
    byController.remove(controllerKey);
  }

  /** Replaces the record with {@code adds} creations and {@code dels} deletions, as of now. */
  public void setExpectations(String controllerKey, int adds, int dels) {
    byController.put(controllerKey, new Expectation(adds, dels, clock.nanoTime()));
  }

  public void expectCreations(String controllerKey, int adds) {
    setExpectations(controllerKey, adds, 0);
  }

  public void expectDeletions(String controllerKey, int dels) {
    setExpectations(controllerKey, 0, dels);
  }

  /** Lowers the outstanding counts of an existing record; nothing when there is none. */
  public void lowerExpectations(String controllerKey, int adds, int dels) {
    Expectation e = byController.get(controllerKey);
    if (e != null) {
      e.lower(adds, dels);
    }
  }

  /** Raises the outstanding counts of an existing record; nothing when there is none. */
  public void raiseExpectations(String controllerKey, int adds, int dels) {
    lowerExpectations(controllerKey, -adds, -dels);
  }

  /** One expected creation has been seen (or will never be: its create was not attempted). */
  public void creationObserved(String controllerKey) {
    lowerExpectations(controllerKey, 1, 0);
  }

  /** One expected deletion has been seen. */
  public void deletionObserved(String controllerKey) {
    lowerExpectations(controllerKey, 0, 1);
  }
}
