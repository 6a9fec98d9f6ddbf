package io.skiff.api.table;

import static io.skiff.api.table.Cells.or;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventSource;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReference;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Upstream's {@code printEvent}, for core/v1 Events and for events.k8s.io/v1 Events, which the API
 * server converts to the same internal Event (regarding is the involved object, note the message,
 * the deprecated* fields the legacy ones).
 */
final class EventPrinter {

  private static final List<Column> COLUMNS =
      List.of(
          Column.of(
              "Last Seen",
              "string",
              "The time at which the most recent occurrence of this event was recorded."),
          Column.of(
              "Type",
              "string",
              "Type of this event (Normal, Warning), new types could be added in the future"),
          Column.of(
              "Reason",
              "string",
              "This should be a short, machine understandable string that gives the reason for"
                  + " the transition into the object's current status."),
          Column.of("Object", "string", "The object that this event is about."),
          Column.wide(
              "Subobject",
              "string",
              "If referring to a piece of an object instead of an entire object, this string"
                  + " should contain a valid JSON/Go field access statement, such as"
                  + " desiredState.manifest.containers[2]. For example, if the object reference is"
                  + " to a container within a pod, this would take on a value like:"
                  + " \"spec.containers{name}\" (where \"name\" refers to the name of the container"
                  + " that triggered the event) or if no container name is specified"
                  + " \"spec.containers[2]\" (container with index 2 in this pod). This syntax is"
                  + " chosen only to have some well-defined way of referencing a part of an"
                  + " object."),
          Column.wide(
              "Source",
              "string",
              "The component reporting this event. Should be a short machine understandable"
                  + " string."),
          Column.of(
              "Message", "string", "A human-readable description of the status of this operation."),
          Column.wide(
              "First Seen",
              "string",
              "The time at which the event was first recorded. (Time of server receipt is in"
                  + " TypeMeta.)"),
          Column.wide("Count", "string", "The number of times this event has occurred."),
          new Column("Name", "string", "name", Column.NAME_DOC, 1));

  static final TablePrinter<Event> CORE =
      TablePrinter.of(
          COLUMNS,
          (e, now) -> {
            boolean series = e.getSeries() != null;
            return print(
                new View(
                    Cells.name(e),
                    e.getFirstTimestamp(),
                    e.getLastTimestamp(),
                    micro(e.getEventTime()),
                    series,
                    series ? micro(e.getSeries().getLastObservedTime()) : null,
                    series ? e.getSeries().getCount() : e.getCount(),
                    e.getInvolvedObject(),
                    e.getSource(),
                    e.getReportingComponent(),
                    e.getReportingInstance(),
                    e.getType(),
                    e.getReason(),
                    e.getMessage()),
                now);
          });

  static final TablePrinter<io.fabric8.kubernetes.api.model.events.v1.Event> EVENTS_V1 =
      TablePrinter.of(
          COLUMNS,
          (e, now) -> {
            boolean series = e.getSeries() != null;
            return print(
                new View(
                    Cells.name(e),
                    e.getDeprecatedFirstTimestamp(),
                    e.getDeprecatedLastTimestamp(),
                    micro(e.getEventTime()),
                    series,
                    series ? micro(e.getSeries().getLastObservedTime()) : null,
                    series ? e.getSeries().getCount() : e.getDeprecatedCount(),
                    e.getRegarding(),
                    e.getDeprecatedSource(),
                    e.getReportingController(),
                    e.getReportingInstance(),
                    e.getType(),
                    e.getReason(),
                    e.getNote()),
                now);
          });

  /** The fields of upstream's internal Event that the printer reads. */
  private record View(
      String name,
      String firstTimestamp,
      String lastTimestamp,
      String eventTime,
      boolean series,
      String seriesLastObserved,
      Integer count,
      ObjectReference involved,
      EventSource source,
      String reportingController,
      String reportingInstance,
      String type,
      String reason,
      String message) {}

  private EventPrinter() {}

  private static Row print(View e, Instant now) {
    String first =
        Cells.time(e.firstTimestamp()) == null
            ? Cells.since(e.eventTime(), now)
            : Cells.since(e.firstTimestamp(), now);
    String last =
        Cells.time(e.lastTimestamp()) == null ? first : Cells.since(e.lastTimestamp(), now);
    long count = Cells.num(e.count());
    if (e.series()) {
      last = Cells.since(e.seriesLastObserved(), now);
    } else if (count == 0) {
      count = 1; // singleton events of the events.k8s.io API have no count
    }
    ObjectReference involved = or(e.involved(), ObjectReference::new);
    String kind = Cells.str(involved.getKind()).toLowerCase(Locale.ROOT);
    String target =
        Cells.str(involved.getName()).isEmpty() ? kind : kind + "/" + involved.getName();
    return Row.of(
        last,
        Cells.str(e.type()),
        Cells.str(e.reason()),
        target,
        Cells.str(involved.getFieldPath()),
        source(or(e.source(), EventSource::new), e.reportingController(), e.reportingInstance()),
        Cells.str(e.message()).strip(),
        first,
        count,
        e.name());
  }

  // Component, then ", host" when there is one; the reporting fields stand in for empty ones.
  private static String source(EventSource s, String controller, String instance) {
    String component = firstNonEmpty(s.getComponent(), controller);
    String host = firstNonEmpty(s.getHost(), instance);
    return host.isEmpty() ? component : component + ", " + host;
  }

  private static String firstNonEmpty(String a, String b) {
    return a != null && !a.isEmpty() ? a : Cells.str(b);
  }

  private static String micro(MicroTime t) {
    return t == null ? null : t.getTime();
  }
}
