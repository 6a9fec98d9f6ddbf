package io.skiff.client.informer;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.client.KubeObjects;
import io.skiff.client.ListOptions;
import io.skiff.client.Resources;
import io.skiff.clock.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One cache of one kind, kept current by one {@link Reflector}, shared by many handlers:
 * client-go's SharedIndexInformer.
 *
 * <ul>
 *   <li>Handlers run on the informer's dispatch thread, one call at a time: for each change every
 *       handler is called, in the order they were added, before the next change is handed out. Keep
 *       handlers short (queue a key).
 *   <li>A handler added to a running informer first gets {@code onAdd} for every cached object,
 *       then the changes that follow, without a gap or a duplicate.
 *   <li>When a relist replaces the cache (after a 410), handlers get {@code onAdd} for new objects,
 *       {@code onUpdate} for those whose resourceVersion changed and {@code onDelete} for those
 *       gone.
 *   <li>Every {@code resyncPeriod} on the {@link Clock}, handlers get {@code onUpdate(obj, obj)}
 *       for every cached object.
 * </ul>
 *
 * <p>The objects handed to handlers and held by the {@link #indexer()} and {@link #lister()} are
 * the cache's own instances, shared by all: <b>never change them</b>; copy first ({@link
 * KubeObjects#deepCopy}, or the fabric8 builder's {@code edit()}). Upstream hands out the cached
 * instance for the same reason: copying every object for every handler would cost more than the
 * rest of the informer.
 */
public final class SharedInformer<T extends HasMetadata> {

  private static final System.Logger log = System.getLogger(SharedInformer.class.getName());

  private sealed interface Notification<T> permits Added, Updated, Deleted, Joined, Stopped {}

  private record Added<T>(T object) implements Notification<T> {}

  private record Updated<T>(T oldObject, T newObject) implements Notification<T> {}

  private record Deleted<T>(T object) implements Notification<T> {}

  private record Joined<T>(ResourceEventHandler<? super T> handler, List<T> cached)
      implements Notification<T> {}

  private record Stopped<T>() implements Notification<T> {}

  private final Clock clock;
  private final Duration resyncPeriod;
  private final String name;
  private final Indexer<T> indexer = new Indexer<>();
  private final Lister<T> lister = new Lister<>(indexer);
  private final Reflector<T> reflector;
  private final BlockingQueue<Notification<T>> notifications = new LinkedBlockingQueue<>();
  // Only the dispatch thread reads and writes it.
  private final List<ResourceEventHandler<? super T>> handlers = new ArrayList<>();
  // Makes a cache change and the queueing of its notification one step, so that a handler joining
  // sees each change either in its snapshot or as a notification, never both or neither.
  private final Object cacheLock = new Object();
  private final CompletableFuture<Void> synced = new CompletableFuture<>();
  private boolean started;
  private boolean stopped;
  private Thread dispatcher;
  private Clock.Timer resyncTimer;

  /** An informer of every object of the kind, in all namespaces. */
  public SharedInformer(Resources<T> resources, Clock clock, Duration resyncPeriod) {
    this(resources, null, null, clock, resyncPeriod);
  }

  /**
   * @param namespace the namespace to cache; null for all
   * @param selectors label and field selectors of the objects to cache; null for all
   * @param resyncPeriod how often handlers get every object again; zero for never
   */
  public SharedInformer(
      Resources<T> resources,
      String namespace,
      ListOptions selectors,
      Clock clock,
      Duration resyncPeriod) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.resyncPeriod = resyncPeriod == null ? Duration.ZERO : resyncPeriod;
    this.name = resources.type().qualifiedResource();
    this.reflector = new Reflector<>(resources, namespace, selectors, new CacheSink(), clock);
  }

  /** Adds a handler; see the class comment for what it is called with. */
  public void addEventHandler(ResourceEventHandler<? super T> handler) {
    Objects.requireNonNull(handler, "handler");
    synchronized (cacheLock) {
      notifications.add(new Joined<>(handler, indexer.list()));
    }
  }

  /** Adds an index to the cache (e.g. pods by node); see {@link Indexer#addIndex}. */
  public void addIndex(String indexName, Indexer.IndexFunction<? super T> function) {
    indexer.addIndex(indexName, function);
  }

  /** The cache. Its objects must not be changed. */
  public Indexer<T> indexer() {
    return indexer;
  }

  /** Reads of the cache. Its objects must not be changed. */
  public Lister<T> lister() {
    return lister;
  }

  /** Whether the cache holds the result of the first list. */
  public boolean hasSynced() {
    return synced.isDone();
  }

  /**
   * Waits until each of {@code informers} holds its first list, or until {@code timeout} has passed
   * on {@code clock}.
   *
   * @return whether all are synced
   */
  public static boolean waitForSync(
      Clock clock, Duration timeout, List<? extends SharedInformer<?>> informers)
      throws InterruptedException {
    List<CompletableFuture<Void>> each = new ArrayList<>();
    for (SharedInformer<?> i : informers) {
      each.add(i.synced);
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(each.toArray(CompletableFuture[]::new));
    CompletableFuture<Void> expired = new CompletableFuture<>();
    Clock.Timer timer = clock.schedule(timeout, () -> expired.complete(null));
    try {
      CompletableFuture.anyOf(all, expired).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot happen: nothing completes exceptionally", e);
    } finally {
      timer.cancel();
    }
    return all.isDone();
  }

  /** The resourceVersion the cache is at. */
  public long lastSyncResourceVersion() {
    return reflector.lastSyncResourceVersion();
  }

  /** Starts the reflector, the dispatch thread and the resync timer; once only. */
  public synchronized void start() {
    if (started) {
      return;
    }
    started = true;
    dispatcher = Thread.ofVirtual().name("skiff-informer-" + name).start(this::dispatch);
    reflector.start();
    armResync();
  }

  public synchronized boolean isStarted() {
    return started;
  }

  /** Stops watching and the resync; handlers get what was already queued, then nothing. */
  public void stop() {
    Clock.Timer timer;
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
      timer = resyncTimer;
    }
    if (timer != null) {
      timer.cancel();
    }
    reflector.stop();
    notifications.add(new Stopped<>());
  }

  /** Waits until the reflector and the dispatch thread have ended after {@link #stop()}. */
  public void join() throws InterruptedException {
    reflector.join();
    Thread d;
    synchronized (this) {
      d = dispatcher;
    }
    if (d != null) {
      d.join();
    }
  }

  // ---- resync ----

  private synchronized void armResync() {
    if (stopped || !resyncPeriod.isPositive()) {
      return;
    }
    resyncTimer = clock.schedule(resyncPeriod, this::resync);
  }

  /** Runs on the clock's thread: only queues, so that timers stay short. */
  private void resync() {
    synchronized (cacheLock) {
      if (synced.isDone()) {
        for (T obj : indexer.list()) {
          notifications.add(new Updated<>(obj, obj));
        }
      }
    }
    armResync();
  }

  // ---- dispatch ----

  private void dispatch() {
    while (true) {
      Notification<T> n;
      try {
        n = notifications.take();
      } catch (InterruptedException e) {
        return;
      }
      switch (n) {
        case Stopped<T> s -> {
          return;
        }
        case Joined<T> j -> {
          handlers.add(j.handler());
          for (T obj : j.cached()) {
            call(j.handler(), h -> h.onAdd(obj));
          }
        }
        case Added<T> a -> handlers.forEach(h -> call(h, x -> x.onAdd(a.object())));
        case Updated<T> u ->
            handlers.forEach(h -> call(h, x -> x.onUpdate(u.oldObject(), u.newObject())));
        case Deleted<T> d -> handlers.forEach(h -> call(h, x -> x.onDelete(d.object())));
      }
    }
  }

  private interface Call<T extends HasMetadata> {
    void on(ResourceEventHandler<? super T> handler);
  }

  private void call(ResourceEventHandler<? super T> handler, Call<T> call) {
    try {
      call.on(handler);
    } catch (RuntimeException e) {
      // One broken handler must not starve the others of notifications.
      log.log(System.Logger.Level.WARNING, "a handler of " + name + " failed", e);
    }
  }

  // ---- what the reflector feeds ----

  private final class CacheSink implements Reflector.Sink<T> {
    @Override
    public void replace(List<T> objects, long resourceVersion) {
      synchronized (cacheLock) {
        Map<String, T> old = indexer.replace(objects);
        for (T obj : objects) {
          T prev = old.remove(KubeObjects.key(obj));
          if (prev == null) {
            notifications.add(new Added<>(obj));
          } else if (!Objects.equals(
              prev.getMetadata().getResourceVersion(), obj.getMetadata().getResourceVersion())) {
            notifications.add(new Updated<>(prev, obj));
          }
        }
        for (T gone : old.values()) {
          notifications.add(new Deleted<>(gone));
        }
      }
      synced.complete(null);
    }

    @Override
    public void added(T object) {
      store(object);
    }

    @Override
    public void modified(T object) {
      store(object);
    }

    private void store(T object) {
      synchronized (cacheLock) {
        Optional<T> prev = indexer.put(object);
        notifications.add(
            prev.<Notification<T>>map(p -> new Updated<>(p, object))
                .orElseGet(() -> new Added<>(object)));
      }
    }

    @Override
    public void deleted(T object) {
      synchronized (cacheLock) {
        indexer.remove(object);
        notifications.add(new Deleted<>(object));
      }
    }
  }
}
