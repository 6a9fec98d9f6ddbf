package io.skiff.scheduler;

import io.fabric8.kubernetes.api.model.Pod;
import io.skiff.clock.Clock;
import io.skiff.scheduler.framework.ClusterEvent;
import io.skiff.scheduler.framework.FilterPlugin;
import io.skiff.scheduler.framework.PodInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pods waiting to be scheduled, as upstream's {@code PriorityQueue}:
 *
 * <ul>
 *   <li>the <b>active</b> queue, highest priority first, then the longest waiting;
 *   <li>the <b>backoff</b> queues: pods retried after a failure wait {@code 1s * 2^(attempts-1)},
 *       at most 10s, counted from the failure. Pods a cluster event moved here are taken early when
 *       nothing is active (1.33's {@code SchedulerPopFromBackoffQ}); pods that failed with an error
 *       (their binding failed) wait out their backoff;
 *   <li>the <b>unschedulable</b> pods, which fit no node: they stay until a cluster event that one
 *       of the filters that rejected them says may help (a node added or relabelled, a pod gone),
 *       or for 5 minutes at most;
 *   <li>pods whose {@code schedulingGates} are not empty wait apart until they are removed.
 * </ul>
 *
 * <p>Events that arrive while a pod is being scheduled are kept, so that a pod that then fails is
 * not parked as unschedulable when the cluster changed in the meantime. Time is the injected {@link
 * Clock}'s.
 */
final class SchedulingQueue {

  static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
  static final Duration MAX_IN_UNSCHEDULABLE = Duration.ofMinutes(5);
  static final Duration UNSCHEDULABLE_FLUSH_PERIOD = Duration.ofSeconds(30);

  /** Where a pod is. */
  enum Place {
    ACTIVE,
    BACKOFF,
    ERROR_BACKOFF,
    UNSCHEDULABLE,
    GATED,
    IN_FLIGHT
  }

  /** A pod in the queue, with its scheduling history. */
  static final class Entry {
    PodInfo pod;
    final long seq;

    /** When it was last queued or last failed ({@link Clock#nanoTime()}); orders and backs off. */
    long timestamp;

    int attempts;
    Set<String> rejectingPlugins = Set.of();
    Place place;
    boolean deletedInFlight;
    int eventsSeenAt;

    Entry(PodInfo pod, long seq, long now) {
      this.pod = pod;
      this.seq = seq;
      this.timestamp = now;
    }

    PodInfo pod() {
      return pod;
    }
  }

  private final Clock clock;
  private final Map<String, FilterPlugin> plugins = new HashMap<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition nonEmpty = lock.newCondition();
  private final Map<String, Entry> entries = new HashMap<>();
  private final Map<String, Entry> unschedulable = new LinkedHashMap<>();
  private final PriorityQueue<Entry> active =
      new PriorityQueue<>(
          Comparator.<Entry>comparingInt(e -> -e.pod.priority())
              .thenComparingLong(e -> e.timestamp)
              .thenComparingLong(e -> e.seq));
  private final PriorityQueue<Entry> backoff =
      new PriorityQueue<>(
          Comparator.<Entry>comparingLong(this::backoffExpiry).thenComparingLong(e -> e.seq));
  private final PriorityQueue<Entry> errorBackoff =
      new PriorityQueue<>(
          Comparator.<Entry>comparingLong(this::backoffExpiry).thenComparingLong(e -> e.seq));
  private final List<ClusterEvent> inFlightEvents = new ArrayList<>();
  private int inFlight;
  private long seq;
  private boolean closed;
  private Clock.Timer backoffTimer;
  private long backoffTimerDue = Long.MAX_VALUE;
  private Clock.Timer flushTimer;

  SchedulingQueue(Clock clock, List<FilterPlugin> filters) {
    this.clock = clock;
    for (FilterPlugin f : filters) {
      plugins.put(f.name(), f);
    }
    flushTimer = clock.schedule(UNSCHEDULABLE_FLUSH_PERIOD, this::flushUnschedulableLeftover);
  }

  // ---- informer-driven changes ----

  /** A pending pod appeared or changed. */
  void addOrUpdate(PodInfo pod) {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      Entry e = entries.get(pod.key());
      if (e != null) {
        updateLocked(e, pod);
        return;
      }
      e = new Entry(pod, seq++, clock.nanoTime());
      entries.put(pod.key(), e);
      if (gated(pod)) {
        e.place = Place.GATED;
      } else {
        toActive(e);
      }
    } finally {
      lock.unlock();
    }
  }

  private void updateLocked(Entry e, PodInfo pod) {
    PodInfo old = e.pod;
    switch (e.place) {
      case ACTIVE -> {
        active.remove(e);
        e.pod = pod;
        active.add(e);
      }
      case BACKOFF -> {
        backoff.remove(e);
        e.pod = pod;
        backoff.add(e);
      }
      case ERROR_BACKOFF -> {
        errorBackoff.remove(e);
        e.pod = pod;
        errorBackoff.add(e);
      }
      case UNSCHEDULABLE -> {
        e.pod = pod;
        if (worthRequeueing(e, new ClusterEvent.PodUpdated(old.pod(), pod.pod()))) {
          requeue(e);
        }
      }
      case GATED -> {
        e.pod = pod;
        if (!gated(pod)) {
          toActive(e);
        }
      }
      case IN_FLIGHT -> {
        e.pod = pod;
        inFlightEvents.add(new ClusterEvent.PodUpdated(old.pod(), pod.pod()));
      }
    }
  }

  /** The pod was deleted, or assigned to a node: it is not to be scheduled. */
  void delete(String key) {
    lock.lock();
    try {
      Entry e = entries.get(key);
      if (e == null) {
        return;
      }
      if (e.place == Place.IN_FLIGHT) {
        e.deletedInFlight = true;
        return;
      }
      removeFromPlace(e);
      entries.remove(key);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Something changed in the cluster: moves the unschedulable pods it may help to the active queue
   * (or to backoff if theirs has not run out), and remembers it for the pods being scheduled right
   * now.
   */
  void moveAll(ClusterEvent event) {
    lock.lock();
    try {
      if (inFlight > 0) {
        inFlightEvents.add(event);
      }
      List<Entry> moving = new ArrayList<>();
      for (Entry e : unschedulable.values()) {
        if (worthRequeueing(e, event)) {
          moving.add(e);
        }
      }
      moving.forEach(this::requeue);
    } finally {
      lock.unlock();
    }
  }

  private boolean worthRequeueing(Entry e, ClusterEvent event) {
    if (e.rejectingPlugins.isEmpty()) {
      // Nothing specific rejected it (there were no nodes): any change may help.
      return !(event instanceof ClusterEvent.PodUpdated);
    }
    for (String name : e.rejectingPlugins) {
      FilterPlugin p = plugins.get(name);
      if (p == null || p.isSchedulableAfter(e.pod, event)) {
        return true;
      }
    }
    return false;
  }

  // ---- the scheduling loop's side ----

  /**
   * Takes the next pod to schedule; empty once closed, or when there is none and {@code wait} is
   * false. The caller reports back with {@link #done} or {@link #requeueUnschedulable}.
   *
   * @param wait whether to wait until there is a pod
   */
  Optional<Entry> pop(boolean wait) throws InterruptedException {
    lock.lock();
    try {
      while (!closed) {
        Entry e = active.poll();
        if (e == null) {
          e = backoff.poll();
        }
        if (e != null) {
          e.place = Place.IN_FLIGHT;
          e.attempts++;
          e.eventsSeenAt = inFlightEvents.size();
          inFlight++;
          return Optional.of(e);
        }
        if (!wait) {
          break;
        }
        nonEmpty.await();
      }
      return Optional.empty();
    } finally {
      lock.unlock();
    }
  }

  /** The pod popped has been assumed onto a node (or needs no scheduling): it leaves the queue. */
  void done(Entry e) {
    lock.lock();
    try {
      finishFlight(e);
      entries.remove(e.pod.key(), e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The pod fits no node. It waits as unschedulable for an event one of {@code rejectingPlugins}
   * cares for, unless such an event already came while it was being scheduled: then it goes to
   * backoff.
   *
   * @return false when the pod was deleted or assigned meanwhile and is dropped
   */
  boolean requeueUnschedulable(Entry e, Set<String> rejectingPlugins) {
    lock.lock();
    try {
      List<ClusterEvent> seen = finishFlight(e);
      if (dropIfGone(e)) {
        return false;
      }
      e.rejectingPlugins = Set.copyOf(rejectingPlugins);
      e.timestamp = clock.nanoTime();
      boolean missedEvent = false;
      for (ClusterEvent ev : seen) {
        if (worthRequeueing(e, ev)) {
          missedEvent = true;
          break;
        }
      }
      if (missedEvent) {
        toBackoff(e);
      } else {
        e.place = Place.UNSCHEDULABLE;
        unschedulable.put(e.pod.key(), e);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The pod's binding failed after {@link #done}: it is retried after its backoff, whatever happens
   * meanwhile, unless it was queued again in the meantime.
   *
   * @param latest the pod as the informer has it now
   */
  void requeueAfterError(Entry e, PodInfo latest) {
    lock.lock();
    try {
      if (closed || entries.containsKey(latest.key())) {
        return;
      }
      e.pod = latest;
      e.rejectingPlugins = Set.of();
      e.timestamp = clock.nanoTime();
      entries.put(latest.key(), e);
      e.place = Place.ERROR_BACKOFF;
      errorBackoff.add(e);
      armBackoffTimer();
    } finally {
      lock.unlock();
    }
  }

  private List<ClusterEvent> finishFlight(Entry e) {
    if (e.place != Place.IN_FLIGHT) {
      return List.of();
    }
    List<ClusterEvent> seen =
        List.copyOf(inFlightEvents.subList(e.eventsSeenAt, inFlightEvents.size()));
    e.place = null;
    inFlight--;
    if (inFlight == 0) {
      inFlightEvents.clear();
    }
    return seen;
  }

  private boolean dropIfGone(Entry e) {
    if (closed || e.deletedInFlight) {
      entries.remove(e.pod.key(), e);
      return true;
    }
    return false;
  }

  // ---- moving between queues ----

  private void requeue(Entry e) {
    removeFromPlace(e);
    if (isBackingOff(e)) {
      toBackoff(e);
    } else {
      toActive(e);
    }
  }

  private void toActive(Entry e) {
    e.place = Place.ACTIVE;
    active.add(e);
    nonEmpty.signal();
  }

  private void toBackoff(Entry e) {
    e.place = Place.BACKOFF;
    backoff.add(e);
    nonEmpty.signal();
    armBackoffTimer();
  }

  private void removeFromPlace(Entry e) {
    if (e.place == null) {
      return;
    }
    switch (e.place) {
      case ACTIVE -> active.remove(e);
      case BACKOFF -> backoff.remove(e);
      case ERROR_BACKOFF -> errorBackoff.remove(e);
      case UNSCHEDULABLE -> unschedulable.remove(e.pod.key());
      case GATED, IN_FLIGHT -> {}
    }
    e.place = null;
  }

  /** Upstream's backoff: none before the first attempt, then 1s, 2s, 4s, 8s, 10s, 10s... */
  static Duration backoffDuration(int attempts) {
    if (attempts == 0) {
      return Duration.ZERO;
    }
    Duration d = INITIAL_BACKOFF;
    for (int i = 1; i < attempts; i++) {
      if (d.compareTo(MAX_BACKOFF.minus(d)) > 0) {
        return MAX_BACKOFF;
      }
      d = d.plus(d);
    }
    return d;
  }

  private long backoffExpiry(Entry e) {
    return e.timestamp + backoffDuration(e.attempts).toNanos();
  }

  private boolean isBackingOff(Entry e) {
    return backoffExpiry(e) > clock.nanoTime();
  }

  private void armBackoffTimer() {
    long due = Long.MAX_VALUE;
    Entry b = backoff.peek();
    if (b != null) {
      due = backoffExpiry(b);
    }
    Entry eb = errorBackoff.peek();
    if (eb != null) {
      due = Math.min(due, backoffExpiry(eb));
    }
    if (due == Long.MAX_VALUE || closed || due >= backoffTimerDue) {
      return;
    }
    if (backoffTimer != null) {
      backoffTimer.cancel();
    }
    backoffTimerDue = due;
    backoffTimer =
        clock.schedule(Duration.ofNanos(Math.max(0, due - clock.nanoTime())), this::flushBackoff);
  }

  /** Moves the pods whose backoff has run out to the active queue. */
  private void flushBackoff() {
    lock.lock();
    try {
      backoffTimer = null;
      backoffTimerDue = Long.MAX_VALUE;
      if (closed) {
        return;
      }
      long now = clock.nanoTime();
      for (PriorityQueue<Entry> q : List.of(backoff, errorBackoff)) {
        while (!q.isEmpty() && backoffExpiry(q.peek()) <= now) {
          toActive(q.poll());
        }
      }
      armBackoffTimer();
    } finally {
      lock.unlock();
    }
  }

  /** Retries pods that have been unschedulable for 5 minutes, whatever happened meanwhile. */
  private void flushUnschedulableLeftover() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      long now = clock.nanoTime();
      List<Entry> stale = new ArrayList<>();
      for (Entry e : unschedulable.values()) {
        if (now - e.timestamp >= MAX_IN_UNSCHEDULABLE.toNanos()) {
          stale.add(e);
        }
      }
      stale.forEach(this::requeue);
      flushTimer = clock.schedule(UNSCHEDULABLE_FLUSH_PERIOD, this::flushUnschedulableLeftover);
    } finally {
      lock.unlock();
    }
  }

  private static boolean gated(PodInfo pod) {
    Pod p = pod.pod();
    return p.getSpec() != null
        && p.getSpec().getSchedulingGates() != null
        && !p.getSpec().getSchedulingGates().isEmpty();
  }

  /** Stops handing out pods and cancels the timers; a blocked {@link #pop} returns empty. */
  void close() {
    lock.lock();
    try {
      closed = true;
      if (backoffTimer != null) {
        backoffTimer.cancel();
      }
      if (flushTimer != null) {
        flushTimer.cancel();
      }
      nonEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // ---- for tests ----

  /** Where the pod with {@code key} is, or null. */
  Place placeOf(String key) {
    lock.lock();
    try {
      Entry e = entries.get(key);
      return e == null ? null : e.place;
    } finally {
      lock.unlock();
    }
  }
}
