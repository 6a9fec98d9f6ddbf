package io.skiff.api.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One step of a field path, as structured-merge-diff names it: a field of an object ({@code
 * f:name}), the item of a list map with given keys ({@code k:{"name":"nginx"}}), the item of a set
 * ({@code v:"a"}) or the item of an atomic list at an index ({@code i:0}). Elements order first by
 * kind in that sequence, then by content, which is the order of fieldsV1 keys.
 */
sealed interface PathElement extends Comparable<PathElement> {

  ObjectMapper JSON = new ObjectMapper();

  /** A field of an object, or a key of a map. */
  record Field(String name) implements PathElement {
    @Override
    public String toString() {
      return "." + name;
    }
  }

  /** The item of a list map whose key fields have these values; fields sorted by name. */
  record Key(List<KeyField> fields) implements PathElement {
    public Key {
      fields = fields.stream().sorted(Comparator.comparing(KeyField::name)).toList();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && compareTo(k) == 0;
    }

    @Override
    public int hashCode() {
      int h = 1;
      for (KeyField f : fields) {
        h = 31 * h + f.name().hashCode() ^ Values.hash(f.value());
      }
      return h;
    }

    @Override
    public String toString() {
      List<String> parts = new ArrayList<>();
      for (KeyField f : fields) {
        parts.add(f.name() + "=" + Values.toGoString(f.value()));
      }
      return "[" + String.join(",", parts) + "]";
    }
  }

  /** One key field of a list map item. */
  record KeyField(String name, JsonNode value) {}

  /** The item of a set (a list of scalars) with this value. */
  record Value(JsonNode value) implements PathElement {
    @Override
    public boolean equals(Object o) {
      return o instanceof Value v && Values.equal(value, v.value);
    }

    @Override
    public int hashCode() {
      return Values.hash(value);
    }

    @Override
    public String toString() {
      return "[=" + Values.toGoString(value) + "]";
    }
  }

  /** The item of an atomic list at this position. */
  record Index(int index) implements PathElement {
    @Override
    public String toString() {
      return "[" + index + "]";
    }
  }

  @Override
  default int compareTo(PathElement o) {
    int kinds = Integer.compare(rank(this), rank(o));
    if (kinds != 0) {
      return kinds;
    }
    return switch (this) {
      case Field f -> f.name().compareTo(((Field) o).name());
      case Key k -> compareKeys(k.fields(), ((Key) o).fields());
      case Value v -> Values.compare(v.value(), ((Value) o).value());
      case Index i -> Integer.compare(i.index(), ((Index) o).index());
    };
  }

  private static int rank(PathElement e) {
    return switch (e) {
      case Field f -> 0;
      case Key k -> 1;
      case Value v -> 2;
      case Index i -> 3;
    };
  }

  private static int compareKeys(List<KeyField> a, List<KeyField> b) {
    for (int i = 0; ; i++) {
      if (i >= a.size() && i >= b.size()) {
        return 0;
      }
      if (i >= a.size()) {
        return -1;
      }
      if (i >= b.size()) {
        return 1;
      }
      int c = a.get(i).name().compareTo(b.get(i).name());
      if (c != 0) {
        return c;
      }
      c = Values.compare(a.get(i).value(), b.get(i).value());
      if (c != 0) {
        return c;
      }
    }
  }

  /**
   * The fieldsV1 key of this element: {@code f:name}, {@code k:{...}}, {@code v:...}, {@code i:0}.
   */
  default String serialize() {
    return switch (this) {
      case Field f -> "f:" + f.name();
      case Key k -> {
        StringBuilder s = new StringBuilder("k:{");
        boolean first = true;
        for (KeyField f : k.fields()) {
          if (!first) {
            s.append(',');
          }
          first = false;
          Values.goJsonString(f.name(), s);
          s.append(':').append(Values.goJson(f.value()));
        }
        yield s.append('}').toString();
      }
      case Value v -> "v:" + Values.goJson(v.value());
      case Index i -> "i:" + i.index();
    };
  }

  /**
   * Parses a fieldsV1 key. Empty for a kind of element this version does not know, which
   * structured-merge-diff drops rather than fail on.
   *
   * @throws IllegalArgumentException for a key that is not a path element
   */
  static Optional<PathElement> deserialize(String s) {
    if (s.length() < 2) {
      throw new IllegalArgumentException("key must be 2 characters long: " + s);
    }
    if (s.charAt(1) != ':') {
      throw new IllegalArgumentException("missing colon: " + s);
    }
    String rest = s.substring(2);
    return switch (s.charAt(0)) {
      case 'f' -> Optional.of(new Field(rest));
      case 'v' -> Optional.of(new Value(parse(rest)));
      case 'k' -> {
        JsonNode obj = parse(rest);
        if (!obj.isObject()) {
          throw new IllegalArgumentException("expected object for key: " + s);
        }
        List<KeyField> fields = new ArrayList<>();
        obj.properties().forEach(e -> fields.add(new KeyField(e.getKey(), e.getValue())));
        yield Optional.of(new Key(fields));
      }
      case 'i' -> {
        try {
          yield Optional.of(new Index(Integer.parseInt(rest)));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("invalid index: " + s, e);
        }
      }
      default -> Optional.empty();
    };
  }

  private static JsonNode parse(String json) {
    try {
      JsonNode n = JSON.readTree(json);
      if (n == null || n.isMissingNode()) {
        throw new IllegalArgumentException("empty value");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    }
  }

  /** A path as Go prints it: {@code .spec.template.spec.containers[name="nginx"].image}. */
  static String toString(List<PathElement> path) {
    StringBuilder s = new StringBuilder();
    path.forEach(s::append);
    return s.toString();
  }
}
