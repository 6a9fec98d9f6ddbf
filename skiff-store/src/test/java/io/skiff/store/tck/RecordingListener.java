package io.skiff.store.tck;

import static org.awaitility.Awaitility.await;

import io.skiff.store.StoreException;
import io.skiff.store.WatchEvent;
import io.skiff.store.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Collects what a watch delivers, and checks the delivery guarantees as it goes. */
public final class RecordingListener implements WatchListener {

  private final List<WatchEvent> events = new ArrayList<>();
  private StoreException error;
  private final List<String> violations = new ArrayList<>();
  private int concurrentCalls;

  @Override
  public void onEvents(List<WatchEvent> batch) {
    synchronized (this) {
      if (++concurrentCalls > 1) {
        violations.add("onEvents called concurrently");
      }
      if (batch.isEmpty()) {
        violations.add("empty batch");
      }
      for (WatchEvent e : batch) {
        if (!events.isEmpty() && e.revision() <= events.getLast().revision()) {
          violations.add("revision " + e.revision() + " after " + events.getLast().revision());
        }
        events.add(e);
      }
    }
    synchronized (this) {
      concurrentCalls--;
    }
  }

  @Override
  public synchronized void onError(StoreException e) {
    error = e;
  }

  public synchronized List<WatchEvent> events() {
    return List.copyOf(events);
  }

  public synchronized StoreException error() {
    return error;
  }

  public synchronized List<String> violations() {
    return List.copyOf(violations);
  }

  /** Waits until at least {@code n} events have arrived, and returns them all. */
  public List<WatchEvent> awaitCount(int n) {
    await().atMost(Duration.ofSeconds(30)).until(() -> events().size() >= n);
    return events();
  }

  /** Waits until an event at or past {@code revision} has arrived, and returns them all. */
  public List<WatchEvent> awaitRevision(long revision) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              List<WatchEvent> seen = events();
              return !seen.isEmpty() && seen.getLast().revision() >= revision;
            });
    return events();
  }
}
