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
 * message and lastTimestamp; more than ten similar events (same but for the message) about one
 * object within ten minutes are combined into one; each source and object may burst 25 events, then
 * one per five minutes. Writes run one at a time on {@code executor}, in submission order.
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

  private final Map<String, Similar> similar = lru();
  private final Map<String, Event> seen = lru();
  private final Map<String, Bucket> spam = lru();
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
    String objectKey =
        String.join(
            "\u0000",
            component,
            String.valueOf(host),
            ref.getKind(),
            String.valueOf(ref.getNamespace()),
            ref.getName(),
            String.valueOf(ref.getUid()),
            String.valueOf(ref.getApiVersion()),
            String.valueOf(ref.getFieldPath()));
    if (!allow(objectKey, now)) {
      return;
    }
    String aggregateKey = objectKey + "\u0000" + type + "\u0000" + reason;
    String key = aggregateKey + "\u0000" + message;
    Similar s = similar.get(aggregateKey);
    if (s == null || Duration.between(s.since, now).compareTo(SIMILAR_WINDOW) > 0) {
      s = new Similar(now);
      similar.put(aggregateKey, s);
    }
    s.messages.add(message);
    if (s.messages.size() >= MAX_SIMILAR) {
      key = aggregateKey;
      message = "(combined from similar events): " + message;
    }
    write(key, ref, type, reason, message, now);
  }

  private void write(
      String key, ObjectReference ref, String type, String reason, String message, Instant now) {
    Event previous = seen.get(key);
    String ts = RFC3339.format(now);
    if (previous != null) {
      int count = previous.getCount() == null ? 2 : previous.getCount() + 1;
      String patch =
          "{\"count\":"
              + count
              + ",\"lastTimestamp\":\""
              + ts
              + "\",\"message\":"
              + quote(message)
              + "}";
      try {
        Event patched =
            events.patch(
                previous.getMetadata().getNamespace(),
                previous.getMetadata().getName(),
                PatchType.MERGE_PATCH,
                patch);
        seen.put(key, patched);
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
      seen.put(key, events.create(event));
    } catch (RuntimeException e) {
      // An event about an object in a namespace being deleted, say: events are best effort.
      log.log(System.Logger.Level.DEBUG, "event create failed: {0}", e.getMessage());
    }
  }

  /** client-go's spam filter: a token bucket per source and object. */
  private boolean allow(String objectKey, Instant now) {
    Bucket b = spam.computeIfAbsent(objectKey, k -> new Bucket(SPAM_BURST, now));
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

  private static <V> Map<String, V> lru() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > CACHE_SIZE;
      }
    };
  }

  private static final class Similar {
    final Instant since;
    final Set<String> messages = new HashSet<>();

    Similar(Instant since) {
      this.since = since;
    }
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
