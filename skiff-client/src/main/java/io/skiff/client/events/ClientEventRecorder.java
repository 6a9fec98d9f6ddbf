package io.skiff.client.events;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.skiff.api.errors.StatusError;
import io.skiff.api.patch.PatchType;
import io.skiff.client.KubeClient;
import io.skiff.client.Resources;
import io.skiff.clock.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The {@link EventRecorder} over a {@link KubeClient}, with client-go's EventCorrelator: an event
 * seen before (same source, object, type, reason and message) patches the existing Event's count,
 * message and lastTimestamp; from the tenth different message of similar events (same object, type
 * and reason; any field path), each less than ten minutes after the last, they are combined into
 * one; events about one object (any field path) may burst 25, then one per five minutes. Writes run
 * one at a time on {@code executor}, in submission order.
 */
public final class ClientEventRecorder implements EventRecorder {

  private static final System.Logger log = System.getLogger(ClientEventRecorder.class.getName());

  static final int MAX_SIMILAR = 10;
  static final Duration SIMILAR_WINDOW = Duration.ofMinutes(10);
  static final int SPAM_BURST = 25;
  static final Duration SPAM_REFILL = Duration.ofMinutes(5);

  /** Upstream's LRU sizes; bounded so that a long-lived recorder cannot grow without end. */
  private static final int CACHE_SIZE = 4096;

  /** The queue between callers and the writer; client-go's broadcaster drops past 1000. */
  private static final int QUEUE = 1000;

  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_INSTANT;

  private final Resources<Event> events;
  private final String component;
  private final String host;
  private final Clock clock;
  private final Executor executor;

  private final Map<AggregateKey, Similar> similar = lru();
  // Keyed by an EventKey, or by the AggregateKey of a combined event.
  private final Map<Object, Logged> seen = lru();
  private final Map<ObjectKey, Bucket> spam = lru();
  private long lastNanos;

  ClientEventRecorder(
      KubeClient client, String component, String host, Clock clock, Executor executor) {
    this.events = client.resources(Event.class);
    this.component = component;
    this.host = host;
    this.clock = clock;
    this.executor = executor;
  }

  static ClientEventRecorder background(
      KubeClient client, String component, String host, Clock clock) {
    ThreadPoolExecutor writer =
        new ThreadPoolExecutor(
            1,
            1,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(QUEUE),
            Thread.ofVirtual().name("skiff-events-" + component).factory(),
            new ThreadPoolExecutor.DiscardPolicy());
    writer.allowCoreThreadTimeOut(true);
    return new ClientEventRecorder(client, component, host, clock, writer);
  }

  /** A recorder that writes in the calling thread: for tests that check what was written. */
  public static ClientEventRecorder synchronous(
      KubeClient client, String component, String host, Clock clock) {
    return new ClientEventRecorder(client, component, host, clock, Runnable::run);
  }

  @Override
  public void event(HasMetadata involved, String type, String reason, String message) {
    event(involved, null, type, reason, message);
  }

  @Override
  public void event(
      HasMetadata involved, String fieldPath, String type, String reason, String message) {
    ObjectReference ref = reference(involved, fieldPath);
    Instant now = clock.now().truncatedTo(ChronoUnit.SECONDS);
    executor.execute(() -> record(ref, type, reason, message, now));
  }

  private synchronized void record(
      ObjectReference ref, String type, String reason, String message, Instant now) {
    // client-go's keys, less the source and reporting component: one recorder has one of each.
    // Records, not joined strings: they share their strings with the reference, and a simulated
    // node's recorder keeps thousands of keys in each cache.
    ObjectKey object =
        new ObjectKey(
            ref.getKind(), ref.getNamespace(), ref.getName(), ref.getUid(), ref.getApiVersion());
    if (!allow(object, now)) {
      return;
    }
    AggregateKey aggregateKey = new AggregateKey(object, type, reason);
    Object key = new EventKey(object, ref.getFieldPath(), type, reason, message);
    Similar s = similar.get(aggregateKey);
    // The window runs from the last similar event, not the first: a steady stream stays combined.
    if (s == null || Duration.between(s.last, now).compareTo(SIMILAR_WINDOW) > 0) {
      s = new Similar();
      similar.put(aggregateKey, s);
    }
    s.last = now;
    s.messages.add(message);
    if (s.messages.size() >= MAX_SIMILAR) {
      // As upstream, the set stays below the limit: a ReplicaSet's 10,000 "Created pod" messages
      // must not all be kept.
      s.messages.remove(s.messages.iterator().next());
      key = aggregateKey;
      message = "(combined from similar events): " + message;
    }
    write(key, ref, type, reason, message, now);
  }

  private void write(
      Object key, ObjectReference ref, String type, String reason, String message, Instant now) {
    Logged previous = seen.get(key);
    String ts = RFC3339.format(now);
    if (previous != null) {
      int count = previous.count() + 1;
      String patch =
          "{\"count\":"
              + count
              + ",\"lastTimestamp\":\""
              + ts
              + "\",\"message\":"
              + quote(message)
              + "}";
      try {
        seen.put(
            key,
            Logged.of(
                events.patch(previous.namespace(), previous.name(), PatchType.MERGE_PATCH, patch)));
        return;
      } catch (StatusError e) {
        if (e.code() != 404) {
          log.log(System.Logger.Level.DEBUG, "event patch failed: {0}", e.getMessage());
          return;
        }
        // Expired or deleted since: record it afresh.
      } catch (RuntimeException e) {
        log.log(System.Logger.Level.DEBUG, "event patch failed: {0}", e.getMessage());
        return;
      }
    }
    Event event = new Event();
    ObjectMeta meta = new ObjectMeta();
    // Upstream names events <object>.<unix nanos>; a clock that stands still (a test's) must not
    // make two events collide.
    lastNanos = Math.max(nanos(clock.now()), lastNanos + 1);
    meta.setName(ref.getName() + "." + Long.toHexString(lastNanos));
    meta.setNamespace(
        ref.getNamespace() == null || ref.getNamespace().isEmpty()
            ? "default"
            : ref.getNamespace());
    event.setMetadata(meta);
    event.setInvolvedObject(ref);
    event.setType(type);
    event.setReason(reason);
    event.setMessage(message);
    event.setFirstTimestamp(ts);
    event.setLastTimestamp(ts);
    event.setCount(1);
    event.setSource(new EventSource(component, host));
    event.setReportingComponent(component);
    event.setReportingInstance(host == null ? "" : host);
    try {
      seen.put(key, Logged.of(events.create(event)));
    } catch (RuntimeException e) {
      // An event about an object in a namespace being deleted, say: events are best effort.
      log.log(System.Logger.Level.DEBUG, "event create failed: {0}", e.getMessage());
    }
  }

  /** client-go's spam filter: a token bucket per source and object. */
  private boolean allow(ObjectKey object, Instant now) {
    Bucket b = spam.computeIfAbsent(object, k -> new Bucket(SPAM_BURST, now));
    long refills = Duration.between(b.updated, now).dividedBy(SPAM_REFILL);
    if (refills > 0) {
      b.tokens = (int) Math.min(SPAM_BURST, b.tokens + refills);
      b.updated = b.updated.plus(SPAM_REFILL.multipliedBy(refills));
    }
    if (b.tokens == 0) {
      return false;
    }
    b.tokens--;
    return true;
  }

  private static ObjectReference reference(HasMetadata obj, String fieldPath) {
    ObjectReference ref = new ObjectReference();
    ref.setKind(obj.getKind());
    ref.setApiVersion(obj.getApiVersion());
    ObjectMeta meta = obj.getMetadata();
    ref.setName(meta.getName());
    ref.setNamespace(meta.getNamespace());
    ref.setUid(meta.getUid());
    ref.setResourceVersion(meta.getResourceVersion());
    ref.setFieldPath(fieldPath);
    return ref;
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static String quote(String s) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
  }

  private static <K, V> Map<K, V> lru() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > CACHE_SIZE;
      }
    };
  }

  /** The involved object: client-go's spam key. */
  private record ObjectKey(
      String kind, String namespace, String name, String uid, String apiVersion) {}

  /** Events that differ only in their message (and field path) are similar. */
  private record AggregateKey(ObjectKey object, String type, String reason) {}

  /** An event seen before, whose Event a repeat counts on. */
  private record EventKey(
      ObjectKey object, String fieldPath, String type, String reason, String message) {}

  /**
   * What a later identical event needs of the Event written: upstream's eventLog. Not the Event
   * itself: a simulated node's recorder holds up to 4,096 of these, and a server runs one per node.
   */
  private record Logged(String namespace, String name, int count) {
    static Logged of(Event e) {
      return new Logged(
          e.getMetadata().getNamespace(),
          e.getMetadata().getName(),
          e.getCount() == null ? 1 : e.getCount());
    }
  }

  private static final class Similar {
    Instant last;
    final Set<String> messages = new HashSet<>();
  }

  private static final class Bucket {
    int tokens;
    Instant updated;

    Bucket(int tokens, Instant updated) {
      this.tokens = tokens;
      this.updated = updated;
    }
  }
}
