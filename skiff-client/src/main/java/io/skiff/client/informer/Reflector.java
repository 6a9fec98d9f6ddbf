package io.skiff.client.informer;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.api.errors.StatusError;
import io.skiff.client.EventType;
import io.skiff.client.ListOptions;
import io.skiff.client.ListPage;
import io.skiff.client.Resources;
import io.skiff.client.Watch;
import io.skiff.client.Watcher;
import io.skiff.clock.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Keeps a {@link Sink} equal to the API's objects of one kind: client-go's Reflector. It lists (in
 * pages), hands the whole list to the sink, then watches from the list's resourceVersion and hands
 * over every change. When a watch ends it watches again from the last resourceVersion seen, so
 * nothing is missed; when that version has been compacted away (410 Expired) it lists again and
 * replaces the sink's content. Other failures are retried after an exponential backoff on the
 * {@link Clock}.
 *
 * <p>Runs on its own virtual thread between {@link #start()} and {@link #stop()}; the sink is
 * called from that thread only.
 */
public final class Reflector<T extends HasMetadata> {

  /** Where a reflector puts what it learns. Called from one thread, in order. */
  public interface Sink<T> {
    /** The complete current content, from a list at {@code resourceVersion}. */
    void replace(List<T> objects, long resourceVersion);

    void added(T object);

    void modified(T object);

    /** {@code object} is the last state, with the deletion's resourceVersion. */
    void deleted(T object);
  }

  private static final System.Logger log = System.getLogger(Reflector.class.getName());

  /** Items per list page: client-go's default for informers. */
  static final int PAGE_SIZE = 500;

  static final Duration INITIAL_BACKOFF = Duration.ofMillis(800);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final Resources<T> resources;
  private final String namespace;
  private final ListOptions selectors;
  private final Sink<T> sink;
  private final Clock clock;
  private final String name;
  private volatile long lastResourceVersion;
  private volatile boolean stopped;
  private Thread thread;
  private Watch current;

  /**
   * @param namespace the namespace to reflect; null for all
   * @param selectors label and field selectors of what to reflect (limit and continue ignored)
   */
  public Reflector(
      Resources<T> resources, String namespace, ListOptions selectors, Sink<T> sink, Clock clock) {
    this.resources = Objects.requireNonNull(resources, "resources");
    this.namespace = namespace;
    this.selectors =
        selectors == null
            ? ListOptions.all()
            : new ListOptions(
                selectors.labelSelector(), selectors.fieldSelector(), 0, null, null, null);
    this.sink = Objects.requireNonNull(sink, "sink");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.name = resources.type().qualifiedResource();
  }

  /** Starts listing and watching on a new virtual thread. */
  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    thread = Thread.ofVirtual().name("skiff-reflector-" + name).start(this::run);
  }

  /** Stops watching; the sink gets nothing more once the reflector's thread has ended. */
  public void stop() {
    Thread t;
    Watch w;
    synchronized (this) {
      stopped = true;
      t = thread;
      w = current;
    }
    if (w != null) {
      w.close();
    }
    if (t != null) {
      t.interrupt();
    }
  }

  /** Waits for the reflector's thread to end after {@link #stop()}. */
  public void join() throws InterruptedException {
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      t.join();
    }
  }

  /** The resourceVersion of the last list or event handed to the sink; 0 before the first list. */
  public long lastSyncResourceVersion() {
    return lastResourceVersion;
  }

  private void run() {
    boolean mustList = true;
    boolean paged = true;
    Duration backoff = INITIAL_BACKOFF;
    while (!stopped) {
      try {
        if (mustList) {
          listAndReplace(paged);
          mustList = false;
          paged = true;
          backoff = INITIAL_BACKOFF;
        }
        StatusError error = watchOnce();
        if (error == null) {
          continue;
        }
        mustList = true;
        if (error.code() == 410) {
          continue;
        }
        log.log(System.Logger.Level.INFO, "watch of {0} failed: {1}", name, error.getMessage());
      } catch (StatusError e) {
        if (e.code() == 410) {
          // Most likely the continue token of a paged list expired: list again in one piece.
          mustList = true;
          paged = false;
          continue;
        }
        log.log(System.Logger.Level.INFO, "list of {0} failed: {1}", name, e.getMessage());
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (stopped) {
          return;
        }
        log.log(System.Logger.Level.INFO, "list and watch of " + name + " failed", e);
        mustList = true;
      }
      try {
        clock.sleep(backoff);
      } catch (InterruptedException e) {
        return;
      }
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
    }
  }

  private void listAndReplace(boolean paged) {
    List<T> all = new ArrayList<>();
    ListOptions options = selectors.withLimit(paged ? PAGE_SIZE : 0);
    String token = null;
    long revision = -1;
    do {
      ListPage<T> page = resources.list(namespace, options.withContinue(token));
      if (revision < 0) {
        revision = page.resourceVersion();
      }
      all.addAll(page.items());
      token = page.continueToken();
    } while (token != null && !stopped);
    if (stopped) {
      return;
    }
    sink.replace(all, revision);
    lastResourceVersion = revision;
  }

  private sealed interface Item permits Event, End {}

  private record Event(EventType type, HasMetadata object) implements Item {}

  private record End(StatusError error) implements Item {}

  /**
   * Watches from the last resourceVersion until the watch ends.
   *
   * @return why it ended: null when it just ended (watch again), else the Status
   */
  private StatusError watchOnce() throws InterruptedException {
    BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    Watch watch =
        resources.watch(
            namespace,
            selectors,
            lastResourceVersion,
            new Watcher<>() {
              @Override
              public void onEvent(EventType type, T object) {
                queue.add(new Event(type, object));
              }

              @Override
              public void onClose(StatusError error) {
                queue.add(new End(error));
              }

              @Override
              public boolean readsOnly() {
                return true;
              }
            });
    synchronized (this) {
      current = watch;
      if (stopped) {
        watch.close();
      }
    }
    try {
      while (true) {
        Item item = queue.take();
        switch (item) {
          case End end -> {
            return end.error();
          }
          case Event event -> apply(event);
        }
      }
    } finally {
      watch.close();
      synchronized (this) {
        current = null;
      }
    }
  }

  @SuppressWarnings("unchecked")
  private void apply(Event event) {
    if (stopped) {
      return;
    }
    T obj = (T) event.object();
    switch (event.type()) {
      case ADDED -> sink.added(obj);
      case MODIFIED -> sink.modified(obj);
      case DELETED -> sink.deleted(obj);
    }
    String rv = obj.getMetadata().getResourceVersion();
    if (rv != null && !rv.isEmpty()) {
      lastResourceVersion = Long.parseLong(rv);
    }
  }
}
