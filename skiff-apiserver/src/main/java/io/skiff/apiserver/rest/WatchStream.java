package io.skiff.apiserver.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.api.ResourceType;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.errors.StatusError;
import io.skiff.api.selector.FieldSelector;
import io.skiff.api.selector.LabelSelector;
import io.skiff.api.table.IncludeObject;
import io.skiff.api.table.Tables;
import io.skiff.apiserver.registry.ResourceStorage;
import io.skiff.apiserver.registry.WatchSink;
import io.skiff.clock.Clock;
import io.skiff.store.Watch;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One watch request: the stream of {@code {"type":…,"object":…}} lines that upstream sends, one per
 * event, flushed as it happens. Objects are Tables when the client asked for them (kubectl {@code
 * get -w}), the first one carrying the column definitions.
 */
public final class WatchStream {

  private sealed interface Item permits Event, Failure, End {}

  private record Event(String type, HasMetadata object) implements Item {}

  private record Failure(StatusError error) implements Item {}

  private enum End implements Item {
    END
  }

  private final ResourceStorage storage;
  private final String namespace;
  private final LabelSelector labels;
  private final FieldSelector fields;
  private final long fromRevision;
  private final List<HasMetadata> initial;
  private final Tables tables;
  private final IncludeObject include;
  private final ObjectCodec codec;
  private final Clock clock;
  private final int timeoutSeconds;
  private final ResourceType type;
  private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private boolean columnsSent;

  WatchStream(
      ResourceStorage storage,
      String namespace,
      LabelSelector labels,
      FieldSelector fields,
      long fromRevision,
      List<HasMetadata> initial,
      Tables tables,
      IncludeObject include,
      ObjectCodec codec,
      Clock clock,
      int timeoutSeconds,
      ResourceType type) {
    this.storage = storage;
    this.namespace = namespace;
    this.labels = labels;
    this.fields = fields;
    this.fromRevision = fromRevision;
    this.initial = initial;
    this.tables = tables;
    this.include = include;
    this.codec = codec;
    this.clock = clock;
    this.timeoutSeconds = timeoutSeconds;
    this.type = type;
  }

  /** Ends the stream from another thread, e.g. when the client has gone. */
  public void cancel() {
    queue.add(End.END);
  }

  /**
   * Starts the watch. Call before the response status is sent: a compacted revision fails here with
   * 410 Expired, which upstream sends as an ERROR event in a 200 stream.
   */
  public Watch start() {
    return storage.watch(
        namespace,
        labels,
        fields,
        fromRevision,
        new WatchSink() {
          @Override
          public void event(String t, HasMetadata object) {
            queue.add(new Event(t, object));
          }

          @Override
          public void error(StatusError error) {
            queue.add(new Failure(error));
          }
        });
  }

  /**
   * Writes events to {@code out} until the timeout, an error, {@link #cancel()} or a failed write.
   */
  public void stream(Watch watch, OutputStream out) throws IOException {
    Clock.Timer timer =
        timeoutSeconds > 0
            ? clock.schedule(Duration.ofSeconds(timeoutSeconds), this::cancel)
            : () -> false;
    try {
      for (HasMetadata obj : initial) {
        write(out, "ADDED", obj);
      }
      out.flush();
      while (true) {
        Item item;
        try {
          item = queue.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        switch (item) {
          case End e -> {
            return;
          }
          case Failure f -> {
            writeLine(out, "ERROR", codec.toTree(f.error().status()));
            out.flush();
            return;
          }
          case Event e -> {
            write(out, e.type(), e.object());
            if (queue.isEmpty()) {
              out.flush();
            }
          }
        }
      }
    } finally {
      timer.cancel();
      watch.close();
    }
  }

  /** Writes the ERROR event a watch from a compacted revision gets, and ends. */
  public void streamError(StatusError error, OutputStream out) throws IOException {
    writeLine(out, "ERROR", codec.toTree(error.status()));
    out.flush();
  }

  private void write(OutputStream out, String eventType, HasMetadata obj) throws IOException {
    JsonNode object;
    if (tables != null) {
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
      object = table;
    } else {
      object = codec.toTree(obj);
    }
    writeLine(out, eventType, object);
  }

  private void writeLine(OutputStream out, String eventType, JsonNode object) throws IOException {
    ObjectNode line = codec.mapper().createObjectNode();
    line.put("type", eventType);
    line.set("object", object);
    out.write(codec.encode(line));
    out.write('\n');
  }
}
