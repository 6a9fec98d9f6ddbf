package io.skiff.apiserver.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.api.ResourceType;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.errors.StatusError;
import io.skiff.api.table.IncludeObject;
import io.skiff.api.table.Tables;
import io.skiff.apiserver.cache.WatchFeed;
import io.skiff.clock.Clock;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * One watch request: the stream of {@code {"type":…,"object":…}} lines that upstream sends, one per
 * event, flushed whenever no further event is waiting. Objects are Tables when the client asked for
 * them (kubectl {@code get -w}), the first one carrying the column definitions; otherwise the JSON
 * the cache encoded once for every watcher is written as it is.
 */
public final class WatchStream {

  /** Upstream's annotation on the bookmark that ends a watch-list's initial events. */
  static final String INITIAL_EVENTS_END = "k8s.io/initial-events-end";

  private static final byte[] OBJECT_FIELD = "\",\"object\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TYPE_FIELD = "{\"type\":\"".getBytes(StandardCharsets.US_ASCII);

  private final Supplier<WatchFeed> opener;
  private final Tables tables;
  private final IncludeObject include;
  private final ObjectCodec codec;
  private final Clock clock;
  private final ResourceType type;
  private WatchFeed feed;
  private boolean cancelled;
  private boolean columnsSent;

  WatchStream(
      Supplier<WatchFeed> opener,
      Tables tables,
      IncludeObject include,
      ObjectCodec codec,
      Clock clock,
      ResourceType type) {
    this.opener = opener;
    this.tables = tables;
    this.include = include;
    this.codec = codec;
    this.clock = clock;
    this.type = type;
  }

  /** Ends the stream from another thread, e.g. when the client has gone. */
  public void cancel() {
    WatchFeed f;
    synchronized (this) {
      cancelled = true;
      f = feed;
    }
    if (f != null) {
      f.close();
    }
  }

  /**
   * Starts the watch. Call before the response status is sent; a watch that cannot start (its
   * resourceVersion is too old) still starts, with an ERROR as its only event, as upstream sends it
   * in a 200 stream.
   */
  public WatchFeed start() {
    WatchFeed f = opener.get();
    boolean closeNow;
    synchronized (this) {
      feed = f;
      closeNow = cancelled;
    }
    if (closeNow) {
      f.close();
    }
    return f;
  }

  /** Writes events to {@code out} until the watch ends, {@link #cancel()} or a failed write. */
  public void stream(WatchFeed feed, OutputStream out) throws IOException {
    try {
      out.flush();
      while (true) {
        WatchFeed.Item item;
        try {
          item = feed.next();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        switch (item) {
          case WatchFeed.End end -> {
            if (end.error() != null) {
              writeLine(out, "ERROR", codec.encode(end.error().status()));
            }
            out.flush();
            return;
          }
          case WatchFeed.Event e -> write(out, e);
          case WatchFeed.Bookmark b -> writeLine(out, "BOOKMARK", bookmark(b));
        }
        if (!feed.ready()) {
          out.flush();
        }
      }
    } finally {
      feed.close();
    }
  }

  /** Writes the ERROR event of a watch that failed to start, and ends. */
  public void streamError(StatusError error, OutputStream out) throws IOException {
    writeLine(out, "ERROR", codec.encode(error.status()));
    out.flush();
  }

  private void write(OutputStream out, WatchFeed.Event e) throws IOException {
    if (tables == null) {
      writeLine(out, e.type(), e.object().json());
      return;
    }
    HasMetadata obj = e.object().object();
    ObjectNode table =
        tables.table(
            List.of(obj),
            type.type(),
            include,
            !columnsSent,
            obj.getMetadata().getResourceVersion(),
            clock.now(),
            codec::toTree);
    columnsSent = true;
    writeLine(out, e.type(), codec.encode(table));
  }

  /**
   * An object of the watched kind with only its resourceVersion (and, at the end of a watch-list's
   * initial events, upstream's annotation saying so). Sent as it is to Table watchers too: a
   * bookmark has no row to show.
   */
  private byte[] bookmark(WatchFeed.Bookmark b) {
    ObjectNode obj = codec.mapper().createObjectNode();
    obj.put("kind", type.kind());
    obj.put("apiVersion", type.apiVersion());
    ObjectNode meta = obj.putObject("metadata");
    meta.put("resourceVersion", String.valueOf(b.revision()));
    if (b.initialEventsEnd()) {
      meta.putObject("annotations").put(INITIAL_EVENTS_END, "true");
    }
    return codec.encode(obj);
  }

  /** {@code {"type":T,"object":O}} and a newline, as encoding that tree would write it. */
  private static void writeLine(OutputStream out, String eventType, byte[] object)
      throws IOException {
    out.write(TYPE_FIELD);
    out.write(eventType.getBytes(StandardCharsets.US_ASCII));
    out.write(OBJECT_FIELD);
    out.write(object);
    out.write('}');
    out.write('\n');
  }
}
