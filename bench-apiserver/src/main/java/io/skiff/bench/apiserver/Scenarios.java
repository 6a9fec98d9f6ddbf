package io.skiff.bench.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skiff.bench.apiserver.Results.ClosedLoop;
import io.skiff.bench.apiserver.Results.Latency;
import io.skiff.bench.apiserver.Results.Lists;
import io.skiff.bench.apiserver.Results.OpenLoop;
import io.skiff.bench.apiserver.Results.Watches;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The load patterns. Each runs against one {@link LoadClient} and one namespace.
 *
 * <p>Times are read from {@link System#nanoTime()} directly rather than from Skiff's injectable
 * clock: what is measured is the real time that requests take, which a virtual clock cannot give.
 */
final class Scenarios {

  /**
   * How long an open-loop run may overrun its duration (at least): a server that cannot keep up
   * falls further behind with every request, and the rest of the plan is then counted as not sent
   * rather than waited for without end.
   */
  private static final Duration MIN_OVERRUN = Duration.ofSeconds(10);

  /** How long every watcher may take to receive every event. */
  private static final Duration WATCH_DELIVERY_TIMEOUT = Duration.ofSeconds(60);

  /** How long in-flight requests may take to finish after a run (the client's request timeout). */
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(70);

  private static final ObjectMapper JSON = new ObjectMapper();

  private Scenarios() {}

  /**
   * Creates at a fixed {@code rate} for {@code duration}, with at most {@code maxInFlight}
   * outstanding. A request held back because all are in flight still counts its latency from when
   * it should have been sent, so a server that stalls is not flattered (coordinated omission).
   */
  static OpenLoop openLoopCreates(
      LoadClient client, String namespace, int rate, Duration duration, int maxInFlight)
      throws IOException, InterruptedException {
    long planned = Math.max(1, Math.round(rate * duration.toNanos() / 1e9));
    ConcurrentHistogram micros = new ConcurrentHistogram(3);
    LongAdder succeeded = new LongAdder();
    LongAdder failed = new LongAdder();
    AtomicReference<String> firstError = new AtomicReference<>();
    AtomicLong lastDone = new AtomicLong();
    Semaphore inFlight = new Semaphore(maxInFlight);
    Duration overrun = duration.compareTo(MIN_OVERRUN) > 0 ? duration : MIN_OVERRUN;

    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
    long cutoff = start + duration.toNanos() + overrun.toNanos();
    long sent = 0;
    for (long i = 0; i < planned; i++) {
      long intended = start + i * 1_000_000_000L / rate;
      parkUntil(intended);
      long wait = cutoff - System.nanoTime();
      if (wait <= 0 || !inFlight.tryAcquire(wait, TimeUnit.NANOSECONDS)) {
        break;
      }
      client
          .createAsync(namespace, "o-" + i)
          .whenComplete(
              (status, error) -> {
                long done = System.nanoTime();
                if (error == null && status / 100 == 2) {
                  micros.recordValue(Math.max(0, done - intended) / 1000);
                  succeeded.increment();
                } else {
                  failed.increment();
                  firstError.compareAndSet(
                      null, error != null ? error.toString() : "create answered " + status);
                }
                lastDone.accumulateAndGet(done, Math::max);
                inFlight.release();
              });
      sent++;
    }
    drain(inFlight, maxInFlight);
    long stored = client.countItems(namespace);
    double seconds = Math.max(1, lastDone.get() - start) / 1e9;
    return new OpenLoop(
        rate,
        duration,
        planned,
        succeeded.sum(),
        failed.sum(),
        planned - sent,
        stored,
        succeeded.sum() / seconds,
        Latency.of(micros),
        firstError.get());
  }

  /** Creates from {@code clients} workers for {@code duration}, as fast as answers come. */
  static ClosedLoop closedLoopCreates(
      LoadClient client, String namespace, int clients, Duration duration)
      throws IOException, InterruptedException {
    Loop loop =
        Loop.forDuration(
            clients,
            duration,
            seq -> {
              int status = client.create(namespace, "c-" + seq);
              return status / 100 == 2 ? null : "create answered " + status;
            });
    return loop.result(clients, client.countItems(namespace));
  }

  /**
   * Reads objects {@code prefix0 … prefix(objects-1)}, which must exist, by name and at random,
   * from {@code clients} workers.
   */
  static ClosedLoop gets(
      LoadClient client,
      String namespace,
      String prefix,
      int objects,
      int clients,
      Duration duration)
      throws InterruptedException {
    Loop loop =
        Loop.forDuration(
            clients,
            duration,
            seq -> {
              String name = prefix + ThreadLocalRandom.current().nextInt(objects);
              int status = client.get(namespace, name);
              return status == 200 ? null : "get answered " + status;
            });
    return loop.result(clients, -1);
  }

  /**
   * Lists a namespace holding {@code size} objects, whole, from {@code clients} workers; first
   * checks that one list has them all.
   */
  static Lists lists(LoadClient client, String namespace, int size, int clients, Duration duration)
      throws IOException, InterruptedException {
    int verified = client.countItems(namespace);
    LongAdder bytes = new LongAdder();
    Loop loop =
        Loop.forDuration(
            clients,
            duration,
            seq -> {
              long read = client.list(namespace);
              if (read < 0) {
                return "list answered " + -read;
              }
              bytes.add(read);
              return null;
            });
    long ok = loop.succeeded.sum();
    return new Lists(
        size,
        verified,
        clients,
        ok,
        loop.failed.sum(),
        loop.perSecond(),
        ok == 0 ? Double.NaN : bytes.sum() / (double) ok,
        Latency.of(loop.micros),
        loop.firstError.get());
  }

  /**
   * Opens {@code watchers} watches of an empty namespace, creates {@code events} objects in it from
   * {@code clients} workers, and waits until every watcher has received the ADDED event of every
   * object created.
   */
  static Watches watches(LoadClient client, String namespace, int watchers, int events, int clients)
      throws IOException, InterruptedException {
    AtomicLongArray sentAt = new AtomicLongArray(events);
    ConcurrentHistogram delivery = new ConcurrentHistogram(3);
    Semaphore delivered = new Semaphore(0);
    AtomicLong lastDelivery = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    List<LoadClient.Watch> open = new ArrayList<>();
    try {
      for (int w = 0; w < watchers; w++) {
        open.add(
            client.watch(
                namespace,
                event -> {
                  long now = System.nanoTime();
                  int index = addedIndex(event, firstError);
                  if (index < 0 || index >= events) {
                    return;
                  }
                  delivery.recordValue(Math.max(0, now - sentAt.get(index)) / 1000);
                  lastDelivery.accumulateAndGet(now, Math::max);
                  delivered.release();
                }));
      }
      long start = System.nanoTime();
      Loop creates =
          Loop.forCount(
              clients,
              events,
              seq -> {
                sentAt.set((int) seq, System.nanoTime());
                int status = client.create(namespace, "w-" + seq);
                return status / 100 == 2 ? null : "create answered " + status;
              });
      int expected = Math.toIntExact(creates.succeeded.sum() * watchers);
      if (delivered.tryAcquire(expected, WATCH_DELIVERY_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        delivered.release(expected);
      }
      double seconds = Math.max(1, lastDelivery.get() - start) / 1e9;
      long received = delivered.availablePermits();
      String error = creates.firstError.get() != null ? creates.firstError.get() : firstError.get();
      return new Watches(
          watchers,
          events,
          creates.succeeded.sum(),
          creates.failed.sum(),
          expected,
          received,
          received / seconds,
          Latency.of(delivery),
          error);
    } finally {
      for (LoadClient.Watch watch : open) {
        watch.close();
      }
    }
  }

  /** Creates {@code prefix0 … prefix(count-1)}; every one must succeed. */
  static void fill(LoadClient client, String namespace, String prefix, int count, int clients)
      throws InterruptedException {
    Loop loop =
        Loop.forCount(
            clients,
            count,
            seq -> {
              int status = client.create(namespace, prefix + seq);
              return status / 100 == 2 ? null : "create answered " + status;
            });
    if (loop.failed.sum() > 0 || loop.succeeded.sum() != count) {
      throw new IllegalStateException(
          "filling "
              + namespace
              + " with "
              + count
              + " objects: "
              + loop.succeeded.sum()
              + " created, "
              + loop.failed.sum()
              + " failed (first: "
              + loop.firstError.get()
              + ")");
    }
  }

  /** The index in {@code w-<index>} of an ADDED event's object, or -1 for any other event. */
  private static int addedIndex(String event, AtomicReference<String> firstError) {
    try {
      JsonNode node = JSON.readTree(event);
      if (!"ADDED".equals(node.path("type").asText())) {
        if ("ERROR".equals(node.path("type").asText())) {
          firstError.compareAndSet(null, "watch error: " + node.path("object"));
        }
        return -1;
      }
      String name = node.path("object").path("metadata").path("name").asText();
      return name.startsWith("w-") ? Integer.parseInt(name.substring(2)) : -1;
    } catch (IOException | NumberFormatException e) {
      firstError.compareAndSet(null, "unreadable watch event: " + e);
      return -1;
    }
  }

  private static void parkUntil(long deadline) {
    for (long left; (left = deadline - System.nanoTime()) > 0; ) {
      LockSupport.parkNanos(left);
    }
  }

  private static void drain(Semaphore inFlight, int permits) throws InterruptedException {
    if (!inFlight.tryAcquire(permits, DRAIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          "requests still in flight " + DRAIN_TIMEOUT.toSeconds() + " s after the run");
    }
    inFlight.release(permits);
  }

  /** One request of a closed loop: null when it succeeded, else why not. */
  @FunctionalInterface
  interface Request {
    String send(long seq) throws IOException, InterruptedException;
  }

  /** Workers that each send a request as soon as their previous one is answered. */
  static final class Loop {

    final Histogram micros = new ConcurrentHistogram(3);
    final LongAdder succeeded = new LongAdder();
    final LongAdder failed = new LongAdder();
    final AtomicReference<String> firstError = new AtomicReference<>();
    final AtomicLong lastDone = new AtomicLong();
    private final AtomicLong seq = new AtomicLong();
    private long start;

    /**
     * Runs {@code clients} workers until {@code duration} has passed; requests in flight finish.
     */
    static Loop forDuration(int clients, Duration duration, Request request)
        throws InterruptedException {
      return run(clients, duration.toNanos(), Long.MAX_VALUE, request);
    }

    /** Sends requests {@code 0 … count-1} from {@code clients} workers. */
    static Loop forCount(int clients, long count, Request request) throws InterruptedException {
      return run(clients, Long.MAX_VALUE, count, request);
    }

    private static Loop run(int clients, long nanos, long count, Request request)
        throws InterruptedException {
      Loop loop = new Loop();
      loop.start = System.nanoTime();
      long deadline = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : loop.start + nanos;
      List<Thread> workers = new ArrayList<>();
      ConcurrentHashMap<Thread, Throwable> crashes = new ConcurrentHashMap<>();
      for (int c = 0; c < clients; c++) {
        workers.add(
            Thread.ofVirtual()
                .name("bench-client-" + c)
                .uncaughtExceptionHandler(crashes::put)
                .start(() -> loop.work(deadline, count, request)));
      }
      for (Thread worker : workers) {
        worker.join();
      }
      if (!crashes.isEmpty()) {
        throw new IllegalStateException("a load worker failed", crashes.values().iterator().next());
      }
      return loop;
    }

    private void work(long deadline, long count, Request request) {
      while (deadline == Long.MAX_VALUE || System.nanoTime() - deadline < 0) {
        long n = seq.getAndIncrement();
        if (n >= count) {
          return;
        }
        long sentAt = System.nanoTime();
        String error;
        try {
          error = request.send(n);
        } catch (IOException e) {
          error = e.toString();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        long done = System.nanoTime();
        if (error == null) {
          micros.recordValue((done - sentAt) / 1000);
          succeeded.increment();
        } else {
          failed.increment();
          firstError.compareAndSet(null, error);
        }
        lastDone.accumulateAndGet(done, Math::max);
      }
    }

    double perSecond() {
      return succeeded.sum() / (Math.max(1, lastDone.get() - start) / 1e9);
    }

    ClosedLoop result(int clients, long stored) {
      return new ClosedLoop(
          clients,
          succeeded.sum(),
          failed.sum(),
          perSecond(),
          Latency.of(micros),
          stored,
          firstError.get());
    }
  }
}
