package io.skiff.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skiff.api.apply.Schema.Atom;
import io.skiff.api.apply.Schema.ListType;
import io.skiff.api.apply.Schema.MapType;
import io.skiff.api.apply.Schema.TypeRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Structured-merge-diff's operations on JSON values of a schema type: validation of an applied
 * configuration, the field set a value owns, the merge of a configuration into a live object, the
 * comparison of two versions, and the removal of fields.
 *
 * <p>A missing value ({@code null}) and a JSON {@code null} differ, as Go's nil and null do: a
 * field set to null is present. Values are never modified; results share unchanged subtrees with
 * their inputs.
 */
final class Typed {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Schema schema;

  Typed(Schema schema) {
    this.schema = schema;
  }

  Schema schema() {
    return schema;
  }

  /** A value's atom, narrowed to the one of its three forms that its JSON shape selects. */
  private Atom atom(TypeRef type, JsonNode value) {
    Atom a = schema.resolve(type);
    if (value == null || value.isNull()) {
      return a;
    }
    if (value.isValueNode() && a.scalar() != null) {
      return new Atom(a.scalar(), null, null);
    }
    if (value.isArray() && a.list() != null) {
      return new Atom(null, a.list(), null);
    }
    if (value.isObject() && a.map() != null) {
      return new Atom(null, null, a.map());
    }
    return a;
  }

  /** The type of field {@code key} of a map; undeclared fields are deduced from their values. */
  private static TypeRef fieldType(MapType m, String key) {
    Schema.FieldDef f = m.fields().get(key);
    if (f != null) {
      return f.type();
    }
    return m.elementType() != null ? m.elementType() : Schema.deduced();
  }

  // ---- list items ----

  /** A list item that cannot be identified, with structured-merge-diff's reason. */
  static final class ItemException extends Exception {
    private static final long serialVersionUID = 1L;

    ItemException(String message) {
      super(message);
    }
  }

  /**
   * The path element of a list item: its keys (a missing key takes its field's default), its value
   * (in a set), or its index (in an atomic list).
   */
  PathElement item(ListType list, int index, JsonNode item) throws ItemException {
    if (!list.associative()) {
      return new PathElement.Index(index);
    }
    if (list.keys().isEmpty()) {
      if (item.isObject()) {
        throw new ItemException("associative list without keys has an element that's a map type");
      }
      if (item.isArray()) {
        throw new ItemException("not supported: associative list with lists as elements");
      }
      if (item.isNull()) {
        throw new ItemException(
            "associative list without keys has an element that's an explicit null");
      }
      return new PathElement.Value(item);
    }
    if (item.isNull()) {
      throw new ItemException("associative list with keys may not have a null element");
    }
    if (!item.isObject()) {
      throw new ItemException("associative list with keys may not have non-map elements");
    }
    Atom element = schema.resolve(list.elementType());
    List<PathElement.KeyField> fields = new ArrayList<>();
    for (String key : list.keys()) {
      JsonNode value = item.get(key);
      if (value == null && element.map() != null && element.map().fields().containsKey(key)) {
        value = element.map().fields().get(key).defaultValue();
      }
      if (value == null) {
        throw new ItemException(
            "associative list with keys has an element that omits key field "
                + Values.goQuote(key)
                + " (and doesn't have default value)");
      }
      fields.add(new PathElement.KeyField(key, value));
    }
    return new PathElement.Key(fields);
  }

  /**
   * A list's items by path element, in order; items that cannot be identified, and repeats, drop.
   */
  private Map<PathElement, JsonNode> index(ListType list, JsonNode items) {
    Map<PathElement, JsonNode> out = new LinkedHashMap<>();
    if (items == null || !items.isArray()) {
      return out;
    }
    for (int i = 0; i < items.size(); i++) {
      try {
        out.putIfAbsent(item(list, i, items.get(i)), items.get(i));
      } catch (ItemException e) {
        // Only an applied configuration is checked; stored objects were valid when written.
      }
    }
    return out;
  }

  private static boolean emptyOrNull(JsonNode v) {
    return v == null || v.isNull() || (v.isContainerNode() && v.isEmpty());
  }

  private static JsonNode listOrNull(JsonNode v) {
    return v != null && v.isArray() ? v : null;
  }

  private static JsonNode mapOrNull(JsonNode v) {
    return v != null && v.isObject() ? v : null;
  }

  // ---- validation ----

  /**
   * What makes {@code value} not a {@code type}, as {@code path: message} lines: undeclared fields,
   * scalars of the wrong kind, list items without keys and duplicate keys.
   */
  List<String> validate(JsonNode value, TypeRef type) {
    List<String> errors = new ArrayList<>();
    validate(value, type, "", errors);
    return errors;
  }

  private void validate(JsonNode value, TypeRef type, String path, List<String> errors) {
    Atom a = atom(type, value);
    if (a.map() != null) {
      if (value.isNull()) {
        return;
      }
      if (!value.isObject()) {
        errors.add(error(path, "expected map, got " + goValue(value)));
        return;
      }
      MapType m = a.map();
      for (Map.Entry<String, JsonNode> e : value.properties()) {
        String childPath = path + "." + e.getKey();
        if (!m.fields().containsKey(e.getKey()) && m.elementType() == null) {
          errors.add(error(childPath, "field not declared in schema"));
          return;
        }
        validate(e.getValue(), fieldType(m, e.getKey()), childPath, errors);
      }
    } else if (a.scalar() != null) {
      validateScalar(a.scalar(), value, path, errors);
    } else if (a.list() != null) {
      if (value.isNull()) {
        return;
      }
      if (!value.isArray()) {
        errors.add(error(path, "expected list, got " + goValue(value)));
        return;
      }
      Set<PathElement> seen = new LinkedHashSet<>();
      for (int i = 0; i < value.size(); i++) {
        PathElement pe;
        try {
          pe = item(a.list(), i, value.get(i));
        } catch (ItemException e) {
          errors.add(error(path, "element " + i + ": " + e.getMessage()));
          return;
        }
        if (a.list().associative() && !seen.add(pe)) {
          errors.add(error(path, "duplicate entries for key " + pe));
        }
        validate(value.get(i), a.list().elementType(), path + pe, errors);
      }
    } else {
      errors.add(error(path, "schema error: no type found matching: " + type.name()));
    }
  }

  private static void validateScalar(
      Schema.Scalar scalar, JsonNode value, String path, List<String> errors) {
    if (value.isNull()) {
      return;
    }
    switch (scalar) {
      case NUMERIC -> {
        if (!value.isNumber()) {
          errors.add(error(path, "expected numeric (int or float), got " + goType(value)));
        }
      }
      case STRING -> {
        if (!value.isTextual()) {
          errors.add(error(path, "expected string, got " + goValue(value)));
        }
      }
      case BOOLEAN -> {
        if (!value.isBoolean()) {
          errors.add(error(path, "expected boolean, got " + goValue(value)));
        }
      }
      case UNTYPED -> {}
    }
  }

  private static String error(String path, String message) {
    return path.isEmpty() ? message : path + ": " + message;
  }

  /** Go's {@code %T} of an unstructured value. */
  private static String goType(JsonNode v) {
    if (v.isTextual()) {
      return "string";
    }
    if (v.isBoolean()) {
      return "bool";
    }
    if (v.isIntegralNumber()) {
      return "int64";
    }
    if (v.isNumber()) {
      return "float64";
    }
    if (v.isArray()) {
      return "[]interface {}";
    }
    return "map[string]interface {}";
  }

  /** Go's {@code %#v} of a structured-merge-diff value holding an unstructured one. */
  private static String goValue(JsonNode v) {
    String inner = v.isTextual() ? Values.goQuote(v.textValue()) : Values.toGoString(v);
    return "&value.valueUnstructured{Value:" + inner + "}";
  }

  // ---- field sets ----

  /**
   * The fields {@code value} sets: its scalars, atomic lists and maps, map keys and list items;
   * declared struct fields only through what is below them.
   */
  FieldSet toFieldSet(JsonNode value, TypeRef type) {
    FieldSet set = FieldSet.of(List.of());
    toFieldSet(value, type, new ArrayList<>(), set);
    return set;
  }

  private void toFieldSet(JsonNode value, TypeRef type, List<PathElement> path, FieldSet set) {
    Atom a = atom(type, value);
    if (a.map() != null) {
      if (a.map().atomic()) {
        set.insert(path);
        return;
      }
      JsonNode m = mapOrNull(value);
      if (m == null) {
        return;
      }
      for (Map.Entry<String, JsonNode> e : m.properties()) {
        path.add(new PathElement.Field(e.getKey()));
        toFieldSet(e.getValue(), fieldType(a.map(), e.getKey()), path, set);
        if (!a.map().fields().containsKey(e.getKey())) {
          set.insert(path);
        }
        path.removeLast();
      }
    } else if (a.scalar() != null) {
      set.insert(path);
    } else if (a.list() != null) {
      if (!a.list().associative()) {
        set.insert(path);
        return;
      }
      index(a.list(), listOrNull(value))
          .forEach(
              (pe, item) -> {
                path.add(pe);
                toFieldSet(item, a.list().elementType(), path, set);
                set.insert(path);
                path.removeLast();
              });
    }
  }

  // ---- merge ----

  /**
   * {@code rhs} merged into {@code lhs}: scalars and atomic values of {@code rhs} win, maps merge
   * key by key and list maps and sets item by item; {@code null} when both are missing.
   */
  JsonNode merge(JsonNode lhs, JsonNode rhs, TypeRef type) {
    if (lhs == null && rhs == null) {
      return null;
    }
    Atom a = atom(type, rhs != null ? rhs : lhs);
    if (a.map() != null) {
      if (a.map().atomic() || (emptyOrNull(mapOrNull(lhs)) && emptyOrNull(mapOrNull(rhs)))) {
        return rhs != null ? rhs : lhs;
      }
      JsonNode l = mapOrNull(lhs);
      JsonNode r = mapOrNull(rhs);
      ObjectNode out = NODES.objectNode();
      if (l != null) {
        for (Map.Entry<String, JsonNode> e : l.properties()) {
          JsonNode merged =
              merge(
                  e.getValue(),
                  r == null ? null : r.get(e.getKey()),
                  fieldType(a.map(), e.getKey()));
          if (merged != null) {
            out.set(e.getKey(), merged);
          }
        }
      }
      if (r != null) {
        for (Map.Entry<String, JsonNode> e : r.properties()) {
          if (l == null || !l.has(e.getKey())) {
            JsonNode merged = merge(null, e.getValue(), fieldType(a.map(), e.getKey()));
            if (merged != null) {
              out.set(e.getKey(), merged);
            }
          }
        }
      }
      return out.isEmpty() ? null : out;
    }
    if (a.list() != null) {
      JsonNode l = listOrNull(lhs);
      JsonNode r = listOrNull(rhs);
      if (!a.list().associative() || (emptyOrNull(l) && emptyOrNull(r))) {
        return rhs != null ? rhs : lhs;
      }
      return mergeList(a.list(), l, r);
    }
    return rhs != null ? rhs : lhs;
  }

  /**
   * Merges list items keeping both orders where they agree: items only in {@code lhs} stay where
   * they were, items in {@code rhs} come in its order, and shared items are placed by {@code rhs}.
   */
  private JsonNode mergeList(ListType list, JsonNode lhs, JsonNode rhs) {
    Map<PathElement, JsonNode> left = index(list, lhs);
    Map<PathElement, JsonNode> right = index(list, rhs);
    List<PathElement> lhsOrder = new ArrayList<>(left.keySet());
    List<PathElement> rhsOrder = new ArrayList<>(right.keySet());
    List<PathElement> shared = new ArrayList<>();
    for (PathElement pe : rhsOrder) {
      if (left.containsKey(pe)) {
        shared.add(pe);
      }
    }
    int nextShared = 0;
    ArrayNode out = NODES.arrayNode();
    int li = 0;
    int ri = 0;
    while (li < lhsOrder.size() || ri < rhsOrder.size()) {
      if (li < lhsOrder.size() && ri < rhsOrder.size()) {
        PathElement pe = lhsOrder.get(li);
        if (pe.equals(rhsOrder.get(ri))) {
          addMerged(out, left.get(pe), right.get(pe), list);
          li++;
          ri++;
          nextShared++;
          continue;
        }
        if (right.containsKey(pe)
            && nextShared < shared.size()
            && !shared.get(nextShared).equals(pe)) {
          li++;
          continue;
        }
      }
      if (li < lhsOrder.size() && !right.containsKey(lhsOrder.get(li))) {
        addMerged(out, left.get(lhsOrder.get(li)), null, list);
        li++;
        continue;
      }
      if (ri < rhsOrder.size()) {
        PathElement pe = rhsOrder.get(ri);
        addMerged(out, left.get(pe), right.get(pe), list);
        ri++;
        if (nextShared < shared.size() && shared.get(nextShared).equals(pe)) {
          nextShared++;
        }
      } else {
        // Only an lhs item already merged from rhs can be left here: it is done.
        li++;
      }
    }
    return out.isEmpty() ? null : out;
  }

  private void addMerged(ArrayNode out, JsonNode l, JsonNode r, ListType list) {
    JsonNode merged = merge(l, r, list.elementType());
    if (merged != null) {
      out.add(merged);
    }
  }

  // ---- Go's zero values ----

  /**
   * {@code value} as a Go object of its type would serialize: with every non-pointer struct field
   * (an OpenAPI {@code default} of {@code {}}) present, empty if it was missing. Skiff's objects
   * omit empty structs that Go always writes (a new Deployment's {@code status}), and whether a
   * field was there before decides whether a write adds it, and owns it as a member.
   */
  JsonNode materialize(JsonNode value, TypeRef type) {
    if (value == null) {
      return null;
    }
    Atom a = atom(type, value);
    if (a.map() != null && value.isObject()) {
      ObjectNode out = NODES.objectNode();
      for (Map.Entry<String, JsonNode> e : value.properties()) {
        out.set(e.getKey(), materialize(e.getValue(), fieldType(a.map(), e.getKey())));
      }
      a.map()
          .fields()
          .forEach(
              (name, field) -> {
                JsonNode dflt = field.defaultValue();
                if (!value.has(name)
                    && dflt != null
                    && dflt.isObject()
                    && dflt.isEmpty()
                    && schema.resolve(field.type()).map() != null) {
                  out.set(name, materialize(NODES.objectNode(), field.type()));
                }
              });
      return out;
    }
    if (a.list() != null && value.isArray()) {
      ArrayNode out = NODES.arrayNode();
      value.forEach(item -> out.add(materialize(item, a.list().elementType())));
      return out;
    }
    return value;
  }

  // ---- comparison ----

  /** What changed from one version of an object to the next, as field sets. */
  record Comparison(FieldSet added, FieldSet modified, FieldSet removed) {

    /** The comparison without {@code fields} and everything below them. */
    Comparison excluding(FieldSet fields) {
      if (fields.isEmpty()) {
        return this;
      }
      return new Comparison(
          added.recursiveDifference(fields),
          modified.recursiveDifference(fields),
          removed.recursiveDifference(fields));
    }
  }

  Comparison compare(JsonNode lhs, JsonNode rhs, TypeRef type) {
    FieldSet added = FieldSet.of(List.of());
    FieldSet modified = FieldSet.of(List.of());
    FieldSet removed = FieldSet.of(List.of());
    compare(lhs, rhs, type, new ArrayList<>(), added, modified, removed);
    return new Comparison(added, modified, removed);
  }

  private void compare(
      JsonNode lhs,
      JsonNode rhs,
      TypeRef type,
      List<PathElement> path,
      FieldSet added,
      FieldSet modified,
      FieldSet removed) {
    if (lhs == null && rhs == null) {
      return;
    }
    Atom a = atom(type, rhs != null ? rhs : lhs);
    boolean leaf;
    if (a.map() != null) {
      JsonNode l = mapOrNull(lhs);
      JsonNode r = mapOrNull(rhs);
      leaf = a.map().atomic() || (emptyOrNull(l) && emptyOrNull(r));
      if (!leaf) {
        Set<String> keys = new LinkedHashSet<>();
        if (l != null) {
          l.properties().forEach(e -> keys.add(e.getKey()));
        }
        if (r != null) {
          r.properties().forEach(e -> keys.add(e.getKey()));
        }
        for (String key : keys) {
          path.add(new PathElement.Field(key));
          compare(
              l == null ? null : l.get(key),
              r == null ? null : r.get(key),
              fieldType(a.map(), key),
              path,
              added,
              modified,
              removed);
          path.removeLast();
        }
      }
    } else if (a.list() != null) {
      JsonNode l = listOrNull(lhs);
      JsonNode r = listOrNull(rhs);
      leaf = !a.list().associative() || (emptyOrNull(l) && emptyOrNull(r));
      if (!leaf) {
        Map<PathElement, JsonNode> left = index(a.list(), l);
        Map<PathElement, JsonNode> right = index(a.list(), r);
        Set<PathElement> keys = new LinkedHashSet<>(right.keySet());
        keys.addAll(left.keySet());
        for (PathElement pe : keys) {
          path.add(pe);
          compare(
              left.get(pe), right.get(pe), a.list().elementType(), path, added, modified, removed);
          path.removeLast();
        }
      }
    } else {
      leaf = true;
    }
    if (leaf) {
      if (lhs == null) {
        added.insert(path);
      } else if (rhs == null) {
        removed.insert(path);
      } else if (!Values.equal(lhs, rhs)) {
        modified.insert(path);
      }
    } else if (lhs == null) {
      added.insert(path);
    } else if (rhs == null) {
      removed.insert(path);
    }
  }

  // ---- removal ----

  /**
   * {@code value} without the fields in {@code toRemove}; a map or list emptied by the removal
   * stays, empty.
   */
  JsonNode removeItems(JsonNode value, FieldSet toRemove, TypeRef type) {
    if (value == null) {
      return null;
    }
    Atom a = atom(type, value);
    if (a.map() != null) {
      if (!value.isObject() || value.isEmpty() || a.map().atomic()) {
        return value.isObject() && !value.isEmpty() && a.map().atomic() ? null : value;
      }
      ObjectNode out = NODES.objectNode();
      boolean matched = false;
      for (Map.Entry<String, JsonNode> e : value.properties()) {
        PathElement pe = new PathElement.Field(e.getKey());
        if (toRemove.hasMember(pe)) {
          matched = true;
          continue;
        }
        FieldSet below = toRemove.withPrefix(pe);
        JsonNode child = e.getValue();
        if (!below.isEmpty()) {
          matched = true;
          JsonNode removed = removeItems(child, below, fieldType(a.map(), e.getKey()));
          child = removed != null ? removed : emptyLike(child);
        }
        out.set(e.getKey(), child);
      }
      return out.isEmpty() && !matched ? null : out;
    }
    if (a.list() != null) {
      if (!value.isArray() || value.isEmpty() || !a.list().associative()) {
        return value.isArray() && !value.isEmpty() && !a.list().associative() ? null : value;
      }
      ArrayNode out = NODES.arrayNode();
      boolean matched = false;
      for (int i = 0; i < value.size(); i++) {
        JsonNode item = value.get(i);
        PathElement pe;
        try {
          pe = item(a.list(), i, item);
        } catch (ItemException e) {
          out.add(item);
          continue;
        }
        if (toRemove.hasMember(pe)) {
          matched = true;
          continue;
        }
        FieldSet below = toRemove.withPrefix(pe);
        if (!below.isEmpty()) {
          matched = true;
          JsonNode removed = removeItems(item, below, a.list().elementType());
          item = removed != null ? removed : emptyLike(item);
        }
        out.add(item);
      }
      return out.isEmpty() && !matched ? null : out;
    }
    return value;
  }

  private static JsonNode emptyLike(JsonNode v) {
    if (v.isObject()) {
      return NODES.objectNode();
    }
    if (v.isArray()) {
      return NODES.arrayNode();
    }
    return NODES.nullNode();
  }
}
