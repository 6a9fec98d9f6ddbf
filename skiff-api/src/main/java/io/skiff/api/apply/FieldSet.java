package io.skiff.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A set of field paths, stored as structured-merge-diff's trie: the elements that are members here,
 * and the children below which members lie. A path's parents are not members unless inserted
 * themselves. Sets are immutable once built; every operation returns a new one.
 */
final class FieldSet {

  static final FieldSet EMPTY = new FieldSet();

  private final TreeSet<PathElement> members = new TreeSet<>();
  private final TreeMap<PathElement, FieldSet> children = new TreeMap<>();

  private FieldSet() {}

  /** The set of the given paths. */
  static FieldSet of(List<List<PathElement>> paths) {
    FieldSet s = new FieldSet();
    paths.forEach(s::insert);
    return s;
  }

  /** Adds a path; only while the set is being built. The empty path (the object) is never owned. */
  void insert(List<PathElement> path) {
    if (path.isEmpty()) {
      return;
    }
    FieldSet s = this;
    for (int i = 0; i < path.size() - 1; i++) {
      s = s.children.computeIfAbsent(path.get(i), pe -> new FieldSet());
    }
    s.members.add(path.getLast());
  }

  boolean has(List<PathElement> path) {
    if (path.isEmpty()) {
      return false;
    }
    FieldSet s = this;
    for (int i = 0; i < path.size() - 1; i++) {
      s = s.children.get(path.get(i));
      if (s == null) {
        return false;
      }
    }
    return s.members.contains(path.getLast());
  }

  boolean isEmpty() {
    if (!members.isEmpty()) {
      return false;
    }
    for (FieldSet c : children.values()) {
      if (!c.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** Members directly at this level. */
  boolean hasMember(PathElement pe) {
    return members.contains(pe);
  }

  /** The paths below {@code pe}, without it; empty if there are none. */
  FieldSet withPrefix(PathElement pe) {
    FieldSet c = children.get(pe);
    return c == null ? EMPTY : c;
  }

  FieldSet union(FieldSet o) {
    FieldSet out = new FieldSet();
    out.members.addAll(members);
    out.members.addAll(o.members);
    out.children.putAll(children);
    o.children.forEach((pe, set) -> out.children.merge(pe, set, FieldSet::union));
    return out;
  }

  FieldSet intersection(FieldSet o) {
    FieldSet out = new FieldSet();
    for (PathElement pe : members) {
      if (o.members.contains(pe)) {
        out.members.add(pe);
      }
    }
    children.forEach(
        (pe, set) -> {
          FieldSet other = o.children.get(pe);
          if (other != null) {
            FieldSet i = set.intersection(other);
            if (!i.isEmpty()) {
              out.children.put(pe, i);
            }
          }
        });
    return out;
  }

  /**
   * The members not in {@code o}; a child is only removed path by path (parent - child = parent).
   */
  FieldSet difference(FieldSet o) {
    FieldSet out = new FieldSet();
    for (PathElement pe : members) {
      if (!o.members.contains(pe)) {
        out.members.add(pe);
      }
    }
    children.forEach(
        (pe, set) -> {
          FieldSet other = o.children.get(pe);
          if (other == null) {
            out.children.put(pe, set);
          } else {
            FieldSet d = set.difference(other);
            if (!d.isEmpty()) {
              out.children.put(pe, d);
            }
          }
        });
    return out;
  }

  /** As {@link #difference}, but a member of {@code o} also removes everything below it. */
  FieldSet recursiveDifference(FieldSet o) {
    FieldSet out = new FieldSet();
    for (PathElement pe : members) {
      if (!o.members.contains(pe)) {
        out.members.add(pe);
      }
    }
    children.forEach(
        (pe, set) -> {
          if (o.members.contains(pe)) {
            return;
          }
          FieldSet other = o.children.get(pe);
          if (other == null) {
            out.children.put(pe, set);
          } else {
            FieldSet d = set.recursiveDifference(other);
            if (!d.isEmpty()) {
              out.children.put(pe, d);
            }
          }
        });
    return out;
  }

  /**
   * This set plus, as members, every declared field of an object that has members below it: a set
   * of {@code a.b.c} also owns {@code a} if it is a field, but not {@code a.b} if {@code b} is a
   * map key.
   */
  FieldSet ensureNamedFieldsAreMembers(Schema schema, Schema.TypeRef type) {
    FieldSet out = new FieldSet();
    out.members.addAll(members);
    Schema.Atom atom = schema.resolve(type);
    children.forEach(
        (pe, set) -> {
          Schema.TypeRef childType = null;
          if (pe instanceof PathElement.Field f && atom.map() != null) {
            Schema.FieldDef field = atom.map().fields().get(f.name());
            if (field != null) {
              out.members.add(pe);
              childType = field.type();
            } else {
              childType = atom.map().elementType();
            }
          } else if (pe instanceof PathElement.Key && atom.list() != null) {
            childType = atom.list().elementType();
          }
          out.children.put(pe, set.ensureNamedFieldsAreMembers(schema, childType));
        });
    return out;
  }

  /** Calls {@code visit} with every member path: this level's members, then each child's. */
  void forEachPath(Consumer<List<PathElement>> visit) {
    forEachPath(new ArrayList<>(), visit);
  }

  private void forEachPath(List<PathElement> prefix, Consumer<List<PathElement>> visit) {
    for (PathElement pe : members) {
      List<PathElement> p = new ArrayList<>(prefix);
      p.add(pe);
      visit.accept(Collections.unmodifiableList(p));
    }
    children.forEach(
        (pe, set) -> {
          prefix.add(pe);
          set.forEachPath(prefix, visit);
          prefix.removeLast();
        });
  }

  // ---- fieldsV1 ----

  /**
   * The fieldsV1 form: members and children in element order, a member that also has children
   * marked by a last {@code "."} key.
   */
  ObjectNode toFieldsV1() {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    emit(out, false);
    return out;
  }

  private void emit(ObjectNode out, boolean includeSelf) {
    TreeSet<PathElement> keys = new TreeSet<>(members);
    keys.addAll(children.keySet());
    for (PathElement pe : keys) {
      FieldSet child = children.get(pe);
      ObjectNode value = out.putObject(pe.serialize());
      if (child != null) {
        child.emit(value, members.contains(pe));
      }
    }
    if (includeSelf && !keys.isEmpty()) {
      out.putObject(".");
    }
  }

  /**
   * Parses fieldsV1 as structured-merge-diff does: {@code "."} marks the enclosing element a
   * member, an empty object marks its key's element one, keys of unknown kinds are dropped.
   *
   * @throws IllegalArgumentException for anything else that is not a fieldsV1 set
   */
  static FieldSet fromFieldsV1(JsonNode json) {
    if (json == null || json.isNull()) {
      return EMPTY;
    }
    Parsed p = parse(json);
    return p.children == null ? EMPTY : p.children;
  }

  private record Parsed(FieldSet children, boolean member) {}

  private static Parsed parse(JsonNode node) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("expected an object in fieldsV1, got " + node);
    }
    FieldSet children = null;
    boolean member = false;
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (e.getKey().equals(".")) {
        member = true;
        continue;
      }
      Optional<PathElement> pe = PathElement.deserialize(e.getKey());
      if (pe.isEmpty()) {
        continue;
      }
      Parsed below = parse(e.getValue());
      if (below.member) {
        if (children == null) {
          children = new FieldSet();
        }
        children.members.add(pe.get());
      }
      if (below.children != null) {
        if (children == null) {
          children = new FieldSet();
        }
        children.children.merge(pe.get(), below.children, FieldSet::union);
      }
    }
    return new Parsed(children, member || children == null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldSet s
        && members.equals(s.members)
        && Objects.equals(nonEmptyChildren(), s.nonEmptyChildren());
  }

  private Map<PathElement, FieldSet> nonEmptyChildren() {
    TreeMap<PathElement, FieldSet> m = new TreeMap<>();
    children.forEach(
        (pe, s) -> {
          if (!s.isEmpty()) {
            m.put(pe, s);
          }
        });
    return m;
  }

  @Override
  public int hashCode() {
    return members.hashCode();
  }

  /** One path per line, as structured-merge-diff prints a set. */
  @Override
  public String toString() {
    List<String> lines = new ArrayList<>();
    forEachPath(p -> lines.add(PathElement.toString(p)));
    return String.join("\n", lines);
  }
}
