package io.skiff.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Table printers of the served kinds, looked up by fabric8 class, and the assembly of their
 * rows into a {@code meta.k8s.io/v1 Table} as the API server sends it for {@code Accept:
 * application/json;as=Table;v=v1;g=meta.k8s.io}.
 */
public final class Tables {

  static final String API_VERSION = "meta.k8s.io/v1";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX").withZone(ZoneOffset.UTC);
  private static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

  /**
   * Upstream's default table convertor, for kinds without a printer: the name and the creation
   * time, unformatted.
   */
  static final TablePrinter<HasMetadata> DEFAULT =
      TablePrinter.of(
          List.of(Column.forName(), new Column("Created At", "date", "", Column.CREATED_DOC, 0)),
          (o, now) ->
              Row.of(
                  Cells.name(o),
                  RFC3339.format(
                      Cells.or(
                          Cells.time(Cells.meta(o).getCreationTimestamp()), () -> GO_ZERO_TIME))));

  private final Map<Class<?>, Entry<?>> printers;

  private Tables(Map<Class<?>, Entry<?>> printers) {
    this.printers = Map.copyOf(printers);
  }

  /** The printers of every built-in kind Skiff serves. */
  public static Tables builtin() {
    Map<Class<?>, Entry<?>> p = new LinkedHashMap<>();
    put(p, Pod.class, PodPrinter.PRINTER);
    put(p, Node.class, NodePrinter.PRINTER);
    put(p, Namespace.class, CorePrinters.NAMESPACE);
    put(p, Service.class, CorePrinters.SERVICE);
    put(p, Endpoints.class, CorePrinters.ENDPOINTS);
    put(p, ConfigMap.class, CorePrinters.CONFIG_MAP);
    put(p, Secret.class, CorePrinters.SECRET);
    put(p, ServiceAccount.class, CorePrinters.SERVICE_ACCOUNT);
    put(p, Event.class, EventPrinter.CORE);
    put(p, io.fabric8.kubernetes.api.model.events.v1.Event.class, EventPrinter.EVENTS_V1);
    put(p, ReplicationController.class, WorkloadPrinters.REPLICATION_CONTROLLER);
    put(p, PersistentVolume.class, CorePrinters.PERSISTENT_VOLUME);
    put(p, PersistentVolumeClaim.class, CorePrinters.PERSISTENT_VOLUME_CLAIM);
    put(p, Deployment.class, WorkloadPrinters.DEPLOYMENT);
    put(p, ReplicaSet.class, WorkloadPrinters.REPLICA_SET);
    put(p, StatefulSet.class, WorkloadPrinters.STATEFUL_SET);
    put(p, DaemonSet.class, WorkloadPrinters.DAEMON_SET);
    put(p, ControllerRevision.class, WorkloadPrinters.CONTROLLER_REVISION);
    put(p, Job.class, WorkloadPrinters.JOB);
    put(p, CronJob.class, WorkloadPrinters.CRON_JOB);
    put(p, Lease.class, CorePrinters.LEASE);
    put(p, PodDisruptionBudget.class, CorePrinters.POD_DISRUPTION_BUDGET);
    return new Tables(p);
  }

  private static <T> void put(Map<Class<?>, Entry<?>> p, Class<T> kind, TablePrinter<T> printer) {
    p.put(kind, new Entry<>(kind, printer));
  }

  /** Whether {@code kind} has its own printer rather than the default Name/Created At one. */
  public boolean hasPrinter(Class<?> kind) {
    return printers.containsKey(kind);
  }

  /** The columns a Table of {@code kind} has, wide ones included. */
  public List<Column> columns(Class<?> kind) {
    Entry<?> e = printers.get(kind);
    return e == null ? DEFAULT.columns() : e.printer().columns();
  }

  /** The row of one object, printed by its kind's printer. */
  public Row row(HasMetadata object, Instant now) {
    Entry<?> e = printers.get(object.getClass());
    return e == null ? DEFAULT.print(object, now) : e.print(object, now);
  }

  /**
   * A {@code meta.k8s.io/v1 Table} of {@code objects}, all of {@code kind}: the answer to a list
   * (or, with one object, a get).
   *
   * @param include what each row's {@code object} holds
   * @param withColumnDefinitions false for the watch events after the first, which upstream sends
   *     with {@code "columnDefinitions": null}
   * @param resourceVersion the list's (or the object's) resourceVersion; null or empty leaves it
   *     out
   * @param now the instant ages are measured up to
   * @param toJson the API server's serialization of an object (or of its metadata) as JSON
   * @throws IllegalArgumentException if an object is not of {@code kind}
   */
  public ObjectNode table(
      List<? extends HasMetadata> objects,
      Class<?> kind,
      IncludeObject include,
      boolean withColumnDefinitions,
      String resourceVersion,
      Instant now,
      Function<Object, JsonNode> toJson) {
    ObjectNode table = NODES.objectNode();
    table.put("kind", "Table");
    table.put("apiVersion", API_VERSION);
    ObjectNode metadata = table.putObject("metadata");
    if (resourceVersion != null && !resourceVersion.isEmpty()) {
      metadata.put("resourceVersion", resourceVersion);
    }
    if (withColumnDefinitions) {
      ArrayNode columns = table.putArray("columnDefinitions");
      for (Column c : columns(kind)) {
        columns
            .addObject()
            .put("name", c.name())
            .put("type", c.type())
            .put("format", c.format())
            .put("description", c.description())
            .put("priority", c.priority());
      }
    } else {
      table.putNull("columnDefinitions");
    }
    ArrayNode rows = table.putArray("rows");
    for (HasMetadata o : objects) {
      if (!kind.isInstance(o)) {
        throw new IllegalArgumentException(
            "a Table of " + kind.getSimpleName() + " cannot hold a " + o.getClass().getName());
      }
      rows.add(row(o, include, now, toJson));
    }
    return table;
  }

  private ObjectNode row(
      HasMetadata o, IncludeObject include, Instant now, Function<Object, JsonNode> toJson) {
    Row printed = row(o, now);
    ObjectNode row = NODES.objectNode();
    ArrayNode cells = row.putArray("cells");
    for (Object cell : printed.cells()) {
      switch (cell) {
        case String s -> cells.add(s);
        case Long n -> cells.add(n);
        case Boolean b -> cells.add(b);
        default -> throw new IllegalStateException("unexpected cell " + cell.getClass());
      }
    }
    if (!printed.conditions().isEmpty()) {
      ArrayNode conditions = row.putArray("conditions");
      for (Row.Condition c : printed.conditions()) {
        ObjectNode condition =
            conditions.addObject().put("type", c.type()).put("status", c.status());
        if (!c.reason().isEmpty()) {
          condition.put("reason", c.reason());
        }
        if (!c.message().isEmpty()) {
          condition.put("message", c.message());
        }
      }
    }
    switch (include) {
      case NONE -> row.putNull("object");
      case METADATA -> {
        ObjectNode partial = row.putObject("object");
        partial.put("kind", "PartialObjectMetadata");
        partial.put("apiVersion", API_VERSION);
        partial.set("metadata", toJson.apply(Cells.meta(o)));
      }
      case OBJECT -> row.set("object", toJson.apply(o));
    }
    return row;
  }

  private record Entry<T>(Class<T> kind, TablePrinter<T> printer) {
    Row print(Object object, Instant now) {
      return printer.print(kind.cast(object), now);
    }
  }
}
