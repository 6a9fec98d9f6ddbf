package io.skiff.controllers.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.api.errors.StatusError;
import io.skiff.client.KubeObjects;
import io.skiff.client.workqueue.RateLimiter;
import io.skiff.client.workqueue.WorkQueue;
import io.skiff.clock.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shape of every upstream controller: informer handlers that only queue keys ({@code
 * namespace/name}), and workers that take keys off a rate-limited {@link WorkQueue} and call {@link
 * #sync} for each, level-triggered: {@code sync} reads the current state from listers and
 * converges, whatever events led to it.
 *
 * <p>What a sync's outcome does to its key:
 *
 * <ul>
 *   <li>returns {@link Result#done()}: {@code forget} (its backoff is reset);
 *   <li>returns {@link Result#requeueAfter}: {@code forget}, then {@code addAfter} the delay on the
 *       clock, from the end of the sync (re-check availability after minReadySeconds);
 *   <li>returns {@link Result#requeueAt}: {@code forget}, then {@code addAfter} until that time on
 *       the clock, at once if it has passed (a deadline, a CronJob's next start time);
 *   <li>returns {@link Result#requeueRateLimited()}: {@code addRateLimited} without an error;
 *   <li>throws: {@code addRateLimited} (per-key exponential backoff from 5 ms to 1000 s, overall 10
 *       per second) until {@link #maxRetries()} requeues, then the key is dropped ({@code forget})
 *       until something queues it again.
 * </ul>
 *
 * <p>The queue guarantees that a key is never synced by two workers at once, so a sync may assume
 * it is the only one working on its object.
 *
 * <pre>{@code
 * final class FooController extends QueueController {
 *   FooController(ControllerContext ctx) {
 *     super("foo", ctx.clock());
 *     SharedInformer<Foo> foos = ctx.informers().informerFor(Foo.class);
 *     foos.addEventHandler(enqueueingHandler());
 *     fooLister = foos.lister();
 *   }
 *
 *   protected Result sync(String key) {
 *     ObjectKey k = ObjectKey.parse(key);
 *     Optional<Foo> foo = fooLister.get(k.namespace(), k.name());
 *     if (foo.isEmpty()) return Result.done();
 *     ... // converge, writing copies through ctx.client()
 *     return Result.done();
 *   }
 * }
 * }</pre>
 */
public abstract class QueueController implements Controller {

  private static final System.Logger log = System.getLogger(QueueController.class.getName());

  /** No limit on retries: upstream's ReplicaSet controller retries for ever. */
  public static final int UNLIMITED_RETRIES = Integer.MAX_VALUE;

  /** What a sync asks of the queue for its key; see the class comment. */
  public sealed interface Result {
    /** The key is converged (for now). */
    static Result done() {
      return Done.INSTANCE;
    }

    /** Sync the key again after {@code delay} on the clock. */
    static Result requeueAfter(Duration delay) {
      return new RequeueAfter(delay);
    }

    /**
     * Sync the key again at {@code time} on the clock, or at once if it has passed by the time the
     * sync returns. For deadlines: a delay computed from the time the sync read would come late by
     * however long the sync ran after reading it (or by however far a test moved its clock
     * meanwhile: a CronJob missed its start time so).
     */
    static Result requeueAt(Instant time) {
      return new RequeueAt(time);
    }

    /** Sync the key again after its rate-limited backoff, without counting as an error. */
    static Result requeueRateLimited() {
      return RequeueRateLimited.INSTANCE;
    }
  }

  private enum Done implements Result {
    INSTANCE
  }

  private enum RequeueRateLimited implements Result {
    INSTANCE
  }

  private record RequeueAfter(Duration delay) implements Result {}

  private record RequeueAt(Instant time) implements Result {}

  private final String name;
  private final Clock clock;
  private final WorkQueue<String> queue;
  private final List<Thread> workers = new ArrayList<>();
  // What the last sync of a key cost, for keys whose syncs take long enough to be worth pacing.
  private final Map<String, Long> syncCostNanos = new ConcurrentHashMap<>();

  /** A sync that takes less than this runs on every event, as upstream's do. */
  private static final long PACE_THRESHOLD_NANOS = 1_000_000;

  /** How many times its own cost a paced key waits before its next sync; 4 caps it at 20%. */
  private static final int PACE_FACTOR = 4;

  private static final Duration MAX_PACE = Duration.ofSeconds(1);

  /** A controller with upstream's default controller rate limiter. */
  protected QueueController(String name, Clock clock) {
    this(name, clock, RateLimiter.defaultControllerRateLimiter(clock));
  }

  protected QueueController(String name, Clock clock, RateLimiter<String> rateLimiter) {
    this.name = name;
    this.clock = clock;
    this.queue = new WorkQueue<>(clock, rateLimiter);
  }

  @Override
  public final String name() {
    return name;
  }

  protected final Clock clock() {
    return clock;
  }

  /** The controller's queue of keys; tests look at it and drive it. */
  public final WorkQueue<String> queue() {
    return queue;
  }

  /**
   * Converges the object of {@code key} ({@code namespace/name}) towards its spec.
   *
   * @throws Exception to be retried with backoff
   */
  protected abstract Result sync(String key) throws Exception;

  /**
   * How many times a failing key is requeued before it is dropped; {@link #UNLIMITED_RETRIES} by
   * default (upstream's ReplicaSet); the Deployment controller uses 15.
   */
  protected int maxRetries() {
    return UNLIMITED_RETRIES;
  }

  /** Queues the key of {@code object}. */
  public final void enqueue(HasMetadata object) {
    queue.add(KubeObjects.key(object));
  }

  /** Queues {@code key}. */
  public final void enqueue(String key) {
    queue.add(key);
  }

  /** Queues the key of {@code object} once {@code delay} has passed on the clock. */
  public final void enqueueAfter(HasMetadata object, Duration delay) {
    queue.addAfter(KubeObjects.key(object), delay);
  }

  /**
   * Queues {@code key} for a sync caused by an event of one of its many dependents (a pod of a
   * ReplicaSet): at once when its syncs are cheap, as upstream does; otherwise after a pause of a
   * few times what its last sync cost ({@link #recordSyncCost}). A sync reads every dependent, so a
   * set of 10,000 pods resynced on each of their events would keep a core busy recounting while the
   * pods it waits for starve; paced, it recounts at most every few syncs' worth of time and sees
   * each batch of changes at once. The outcome is the same level, reached in fewer syncs.
   */
  public final void enqueuePaced(String key) {
    Long cost = syncCostNanos.get(key);
    if (cost == null) {
      queue.add(key);
      return;
    }
    queue.addAfter(key, Duration.ofNanos(Math.min(cost * PACE_FACTOR, MAX_PACE.toNanos())));
  }

  /**
   * Notes what the last sync of {@code key} spent reading its dependents, which {@link
   * #enqueuePaced} paces by. Only the reading counts: time spent waiting on API writes costs no CPU
   * and must not slow the next sync.
   */
  protected final void recordSyncCost(String key, Duration cost) {
    if (cost.toNanos() >= PACE_THRESHOLD_NANOS) {
      syncCostNanos.put(key, cost.toNanos());
    } else {
      syncCostNanos.remove(key);
    }
  }

  /** A handler that queues the key of every object added, changed or deleted. */
  protected final <T extends HasMetadata>
      io.skiff.client.informer.ResourceEventHandler<T> enqueueingHandler() {
    return new io.skiff.client.informer.ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        enqueue(object);
      }

      @Override
      public void onUpdate(T oldObject, T newObject) {
        enqueue(newObject);
      }

      @Override
      public void onDelete(T object) {
        enqueue(object);
      }
    };
  }

  @Override
  public synchronized void run(int workerCount) {
    if (!workers.isEmpty()) {
      throw new IllegalStateException(name + " is already running");
    }
    log.log(
        System.Logger.Level.INFO, "starting {0} controller with {1} workers", name, workerCount);
    for (int i = 0; i < workerCount; i++) {
      workers.add(Thread.ofVirtual().name("skiff-" + name + "-worker-" + i).start(this::work));
    }
  }

  @Override
  public void shutDown() throws InterruptedException {
    queue.shutDown();
    List<Thread> running;
    synchronized (this) {
      running = List.copyOf(workers);
    }
    for (Thread t : running) {
      t.join();
    }
    log.log(System.Logger.Level.INFO, "stopped {0} controller", name);
  }

  private void work() {
    try {
      while (processNextWorkItem()) {
        // each call handles one key
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Takes one key (blocking until there is one), syncs it and applies the outcome to the queue, as
   * a worker does; tests call it to drive a controller on their own thread.
   *
   * @return false once the queue is shut down and drained
   */
  public final boolean processNextWorkItem() throws InterruptedException {
    Optional<String> next = queue.get();
    if (next.isEmpty()) {
      return false;
    }
    String key = next.get();
    try {
      Result result;
      try {
        result = sync(key);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failed(key, e);
        return false;
      } catch (Exception e) {
        failed(key, e);
        return true;
      }
      switch (result) {
        case RequeueAfter r -> {
          queue.forget(key);
          queue.addAfter(key, r.delay());
        }
        case RequeueAt r -> {
          queue.forget(key);
          queue.addAfter(key, Duration.between(clock.now(), r.time()));
        }
        case RequeueRateLimited r -> queue.addRateLimited(key);
        case Done d -> queue.forget(key);
      }
      return true;
    } finally {
      queue.done(key);
    }
  }

  private void failed(String key, Exception e) {
    if (queue.numRequeues(key) < maxRetries()) {
      if (e instanceof StatusError se && se.code() == 409) {
        // A stale cache lost a race, which the retry resolves: one line, as upstream logs it.
        log.log(
            System.Logger.Level.INFO,
            "sync of " + name + " " + key + " failed: " + se.getMessage());
      } else {
        log.log(System.Logger.Level.INFO, "sync of " + name + " " + key + " failed", e);
      }
      queue.addRateLimited(key);
    } else {
      log.log(
          System.Logger.Level.WARNING,
          "dropping " + name + " " + key + " out of the queue after too many retries",
          e);
      queue.forget(key);
    }
  }
}
