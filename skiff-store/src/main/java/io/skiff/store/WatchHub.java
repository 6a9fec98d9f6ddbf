package io.skiff.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans committed events out to watchers, for any backend. The backend calls {@link #publish} once
 * per commit, in revision order; {@link #register} joins history replay to the live stream without
 * a gap or a duplicate: the watcher is registered (buffering live events) before the history up to
 * the last published revision is read, and the buffered events follow the history.
 *
 * <p>Each watcher has its own queue drained on a virtual thread, so a slow listener delays only
 * itself; one whose backlog passes {@code maxBacklog} live events is ended with a {@link
 * WatchOverflowException}.
 */
public final class WatchHub implements AutoCloseable {

  /** Reads committed history for a watch's replay. */
  @FunctionalInterface
  public interface History {
    /**
     * The events on keys starting with {@code prefix} with revisions in {@code (after, upTo]}, in
     * revision order.
     *
     * @throws CompactedException if that history is gone
     */
    List<WatchEvent> read(String prefix, long after, long upTo);
  }

  private static final Logger log = LoggerFactory.getLogger(WatchHub.class);
  private static final int MAX_BATCH = 1000;

  private final int maxBacklog;
  private final ExecutorService delivery = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<String, Set<Watcher>> byPrefix = new HashMap<>();
  private long lastPublished;
  private boolean closed;

  /**
   * @param lastRevision the store's current revision when the hub starts
   * @param maxBacklog how many undelivered live events one watcher may have before it is ended
   */
  public WatchHub(long lastRevision, int maxBacklog) {
    this.lastPublished = lastRevision;
    this.maxBacklog = maxBacklog;
  }

  /** Hands committed events, in increasing revision order, to the watchers of their keys. */
  public void publish(List<WatchEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    synchronized (this) {
      if (events.getFirst().revision() <= lastPublished) {
        throw new IllegalStateException(
            "events must be published in revision order: "
                + events.getFirst().revision()
                + " after "
                + lastPublished);
      }
      lastPublished = events.getLast().revision();
      for (Map.Entry<String, Set<Watcher>> group : byPrefix.entrySet()) {
        List<WatchEvent> matching = matching(events, group.getKey());
        if (!matching.isEmpty()) {
          for (Watcher w : group.getValue()) {
            w.offerLive(matching);
          }
        }
      }
    }
  }

  /** The revision of the last published event. */
  public synchronized long lastPublished() {
    return lastPublished;
  }

  /** How many watchers are registered, for metrics and tests. */
  public synchronized int watcherCount() {
    return byPrefix.values().stream().mapToInt(Set::size).sum();
  }

  /**
   * Starts a watch of {@code prefix} after {@code fromRevision}; see {@link Store#watch}.
   *
   * @throws CompactedException from {@code history}, in which case nothing is registered
   */
  public Watch register(String prefix, long fromRevision, WatchListener listener, History history) {
    Watcher w = new Watcher(prefix, fromRevision, listener);
    long upTo;
    synchronized (this) {
      if (closed) {
        throw new StoreClosedException();
      }
      upTo = lastPublished;
      byPrefix.computeIfAbsent(prefix, p -> new LinkedHashSet<>()).add(w);
    }
    List<WatchEvent> replay = List.of();
    if (fromRevision < upTo) {
      try {
        replay = history.read(prefix, fromRevision, upTo);
      } catch (RuntimeException e) {
        remove(w);
        throw e;
      }
    }
    w.startLive(replay, fromRevision);
    return w;
  }

  /** Ends every watch with a {@link StoreClosedException}. */
  @Override
  public void close() {
    List<Watcher> all = new ArrayList<>();
    synchronized (this) {
      closed = true;
      byPrefix.values().forEach(all::addAll);
      byPrefix.clear();
    }
    for (Watcher w : all) {
      w.end(new StoreClosedException());
    }
    delivery.shutdown();
  }

  private synchronized void remove(Watcher w) {
    Set<Watcher> group = byPrefix.get(w.prefix);
    if (group != null && group.remove(w) && group.isEmpty()) {
      byPrefix.remove(w.prefix);
    }
  }

  private static List<WatchEvent> matching(List<WatchEvent> events, String prefix) {
    if (prefix.isEmpty()) {
      return events;
    }
    List<WatchEvent> out = null;
    for (int i = 0; i < events.size(); i++) {
      WatchEvent e = events.get(i);
      boolean match = e.key().startsWith(prefix);
      if (out == null) {
        if (match) {
          continue;
        }
        out = new ArrayList<>(events.subList(0, i));
        continue;
      }
      if (match) {
        out.add(e);
      }
    }
    return out == null ? events : out;
  }

  private final class Watcher implements Watch {
    final String prefix;
    // Events at or below this are not wanted: the watch may start beyond the head.
    final long fromRevision;
    final WatchListener listener;
    // Guarded by this watcher's monitor.
    private final ArrayDeque<WatchEvent> queue = new ArrayDeque<>();
    private List<WatchEvent> buffered = new ArrayList<>();
    private boolean draining;
    private boolean ended;
    private boolean overflowed;
    private StoreException endedBy;
    private long lastQueued;
    private long lastDelivered;

    Watcher(String prefix, long fromRevision, WatchListener listener) {
      this.prefix = prefix;
      this.fromRevision = fromRevision;
      this.listener = listener;
    }

    synchronized void offerLive(List<WatchEvent> events) {
      if (ended) {
        return;
      }
      if (events.getFirst().revision() <= fromRevision) {
        events = events.stream().filter(e -> e.revision() > fromRevision).toList();
        if (events.isEmpty()) {
          return;
        }
      }
      if (buffered != null) {
        buffered.addAll(events);
        return;
      }
      if (queue.size() + events.size() > maxBacklog) {
        overflow();
        return;
      }
      queue.addAll(events);
      lastQueued = events.getLast().revision();
      scheduleDrain();
    }

    synchronized void startLive(List<WatchEvent> replay, long fromRevision) {
      lastQueued = fromRevision;
      lastDelivered = fromRevision;
      for (WatchEvent e : replay) {
        queue.add(e);
        lastQueued = e.revision();
      }
      for (WatchEvent e : buffered) {
        // The replay reads up to the hub's revision at registration, buffered events start after.
        if (e.revision() > lastQueued) {
          queue.add(e);
          lastQueued = e.revision();
        }
      }
      buffered = null;
      if (!queue.isEmpty()) {
        scheduleDrain();
      }
    }

    private void overflow() {
      queue.clear();
      remove(this);
      ended = true;
      // The error is built when it is delivered, so it counts a batch that was in flight.
      overflowed = true;
      scheduleDrain();
    }

    void end(StoreException cause) {
      synchronized (this) {
        if (ended) {
          return;
        }
        ended = true;
        endedBy = cause;
        queue.clear();
        scheduleDrain();
      }
    }

    @Override
    public void close() {
      remove(this);
      synchronized (this) {
        ended = true;
        queue.clear();
      }
    }

    private void scheduleDrain() {
      if (!draining) {
        draining = true;
        try {
          delivery.execute(this::drain);
        } catch (java.util.concurrent.RejectedExecutionException e) {
          draining = false;
        }
      }
    }

    private void drain() {
      while (true) {
        List<WatchEvent> batch;
        StoreException error = null;
        synchronized (this) {
          if (queue.isEmpty()) {
            if (overflowed) {
              overflowed = false;
              endedBy = new WatchOverflowException(lastDelivered);
            }
            if (endedBy != null) {
              error = endedBy;
              endedBy = null;
            } else {
              draining = false;
              return;
            }
            batch = List.of();
          } else {
            int n = Math.min(queue.size(), MAX_BATCH);
            batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
              batch.add(queue.poll());
            }
          }
        }
        try {
          if (error != null) {
            listener.onError(error);
            synchronized (this) {
              draining = false;
            }
            return;
          }
          listener.onEvents(batch);
          synchronized (this) {
            lastDelivered = batch.getLast().revision();
          }
        } catch (RuntimeException e) {
          log.warn("watch listener on prefix {} failed; ending the watch", prefix, e);
          close();
          synchronized (this) {
            draining = false;
          }
          return;
        }
      }
    }
  }
}
