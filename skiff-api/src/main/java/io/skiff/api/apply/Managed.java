package io.skiff.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skiff.api.apply.Updater.VersionedSet;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An object's {@code metadata.managedFields} decoded: each manager's fields and the time of its
 * last change. Decoding checks what upstream checks; encoding sorts entries as upstream does
 * (appliers first, then oldest first).
 */
record Managed(Map<ManagerId, VersionedSet> fields, Map<ManagerId, Instant> times) {

  static Managed empty() {
    return new Managed(new TreeMap<>(), new HashMap<>());
  }

  boolean isEmpty() {
    return fields.isEmpty();
  }

  /**
   * Decodes managedFields entries (a JSON array; {@code null} or missing for none).
   *
   * @throws IllegalArgumentException with upstream's reason when an entry is invalid
   */
  static Managed decode(JsonNode entries) {
    Managed m = empty();
    if (entries == null || entries.isNull()) {
      return m;
    }
    if (!entries.isArray()) {
      throw new IllegalArgumentException("managedFields must be a list");
    }
    for (int i = 0; i < entries.size(); i++) {
      JsonNode e = entries.get(i);
      String operation = text(e, "operation");
      if (!operation.equals(ManagerId.APPLY) && !operation.equals(ManagerId.UPDATE)) {
        throw new IllegalArgumentException("operation must be `Apply` or `Update`");
      }
      String apiVersion = text(e, "apiVersion");
      if (apiVersion.isEmpty()) {
        throw new IllegalArgumentException("apiVersion must not be empty");
      }
      String fieldsType = text(e, "fieldsType");
      if (fieldsType.isEmpty()) {
        throw new IllegalArgumentException("missing fieldsType in managed fields entry " + i);
      }
      if (!fieldsType.equals("FieldsV1")) {
        throw new IllegalArgumentException(
            "invalid fieldsType " + Values.goQuote(fieldsType) + " in managed fields entry " + i);
      }
      ManagerId id =
          ManagerId.of(text(e, "manager"), operation, apiVersion, text(e, "subresource"));
      FieldSet set = FieldSet.fromFieldsV1(e.get("fieldsV1"));
      m.fields.put(id, new VersionedSet(set, apiVersion, operation.equals(ManagerId.APPLY)));
      String time = text(e, "time");
      if (time.isEmpty()) {
        m.times.remove(id);
      } else {
        try {
          m.times.put(id, Instant.parse(time).truncatedTo(ChronoUnit.SECONDS));
        } catch (DateTimeParseException ex) {
          throw new IllegalArgumentException("invalid time " + Values.goQuote(time), ex);
        }
      }
    }
    return m;
  }

  private static String text(JsonNode e, String field) {
    JsonNode v = e.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }

  /** The entries, sorted as upstream stores them; {@code null} when nobody manages anything. */
  ArrayNode encode() {
    if (fields.isEmpty()) {
      return null;
    }
    record Entry(ManagerId id, VersionedSet set, Instant time) {
      String operation() {
        return set.applied() ? ManagerId.APPLY : id.operation();
      }

      long seconds() {
        return time == null ? 0 : time.getEpochSecond();
      }
    }
    List<Entry> entries = new ArrayList<>();
    fields.forEach((id, set) -> entries.add(new Entry(id, set, times.get(id))));
    entries.sort(
        Comparator.comparing(Entry::operation)
            .thenComparingLong(Entry::seconds)
            .thenComparing(e -> e.id().manager())
            .thenComparing(e -> e.set().apiVersion())
            .thenComparing(e -> e.id().subresource()));
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (Entry e : entries) {
      ObjectNode n = out.addObject();
      if (!e.id().manager().isEmpty()) {
        n.put("manager", e.id().manager());
      }
      n.put("operation", e.operation());
      n.put("apiVersion", e.set().apiVersion());
      if (e.time() != null) {
        n.put("time", e.time().toString());
      }
      n.put("fieldsType", "FieldsV1");
      n.set("fieldsV1", e.set().set().toFieldsV1());
      if (!e.id().subresource().isEmpty()) {
        n.put("subresource", e.id().subresource());
      }
    }
    return out;
  }
}
