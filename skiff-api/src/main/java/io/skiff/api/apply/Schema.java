package io.skiff.api.apply;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.ResourceType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The structured-merge-diff schema of the served kinds, converted from the OpenAPI definitions as
 * kube-openapi's {@code schemaconv} does: objects with properties are structs, {@code
 * additionalProperties} maps; {@code x-kubernetes-map-type} makes either atomic; a list is a list
 * map keyed by {@code x-kubernetes-list-map-keys}, a set, or atomic, and without {@code
 * x-kubernetes-list-type} its patch strategy decides ({@code merge} with a merge key is a list map
 * on that key, without one a set). Strings with a format other than {@code byte}, quantities and
 * raw extensions are untyped scalars.
 */
final class Schema {

  private static final String SOURCE = "openshift-generated.json";
  private static final String DEFS = "#/definitions/";
  private static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
  private static final String RAW_EXTENSION = "io.k8s.apimachinery.pkg.runtime.RawExtension";
  private static final String SCALE = "io.k8s.api.autoscaling.v1.Scale";

  enum Scalar {
    NUMERIC,
    STRING,
    BOOLEAN,
    UNTYPED
  }

  /**
   * What a value of a type may be. A definition is one of the three; the untyped types allow all
   * three and the value decides.
   */
  record Atom(Scalar scalar, ListType list, MapType map) {
    static final Atom NONE = new Atom(null, null, null);
  }

  /**
   * A list: atomic (replaced whole), a set of scalars (no keys), or a list map (items identified by
   * their key fields).
   */
  record ListType(TypeRef elementType, boolean associative, List<String> keys) {}

  /**
   * A struct or a map: its declared fields, the type of any other key ({@code null}: none allowed),
   * and whether it is replaced whole.
   */
  record MapType(Map<String, FieldDef> fields, TypeRef elementType, boolean atomic) {}

  /** A declared field: its type and its OpenAPI {@code default} ({@code null} if none). */
  record FieldDef(TypeRef type, JsonNode defaultValue) {}

  /**
   * A reference to a named type or an inline one; {@code atomic} overrides a map's element
   * relationship ({@code x-kubernetes-map-type} beside a {@code $ref}).
   */
  record TypeRef(String name, Atom inline, Boolean atomic) {
    static TypeRef named(String name) {
      return new TypeRef(name, null, null);
    }
  }

  static final String UNTYPED = "__untyped_atomic_";
  static final String DEDUCED = "__untyped_deduced_";

  private final Map<String, Atom> types = new HashMap<>();
  private final Map<String, String> roots;
  private final Map<String, ObjectNode> zeroObjects = new HashMap<>();

  /** Converts every definition; the OpenAPI data is not kept. */
  private Schema(Map<String, JsonNode> definitions, Map<String, String> roots) {
    this.roots = Map.copyOf(roots);
    types.put(
        UNTYPED,
        new Atom(
            Scalar.UNTYPED,
            new ListType(TypeRef.named(UNTYPED), false, List.of()),
            new MapType(Map.of(), TypeRef.named(UNTYPED), true)));
    types.put(
        DEDUCED,
        new Atom(
            Scalar.UNTYPED,
            new ListType(TypeRef.named(UNTYPED), false, List.of()),
            new MapType(Map.of(), TypeRef.named(DEDUCED), false)));
    definitions.forEach(this::define);
    roots.forEach((kind, name) -> zeroObjects.put(kind, zero(definitions, name, 0)));
  }

  private static final class Holder {
    static final Schema BUILTIN = load(ResourceRegistry.builtin());
  }

  /** The schema of Skiff's built-in kinds, loaded once. */
  static Schema builtin() {
    return Holder.BUILTIN;
  }

  /**
   * Loads the definitions the registry's kinds (and Scale) reach from fabric8's OpenAPI data. The
   * document has thousands of definitions and the kinds need a few hundred: only those are parsed.
   */
  static Schema load(ResourceRegistry registry) {
    Definitions all;
    try (InputStream in = Schema.class.getClassLoader().getResourceAsStream(SOURCE)) {
      if (in == null) {
        throw new IllegalStateException(SOURCE + " is missing from the class path");
      }
      all = Definitions.index(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + SOURCE, e);
    }
    Map<String, JsonNode> needed = new LinkedHashMap<>();
    ArrayDeque<String> todo = new ArrayDeque<>();
    Map<String, String> roots = new HashMap<>();
    for (ResourceType t : registry.all()) {
      String name = definitionName(t.group(), t.version(), t.kind());
      roots.put(t.apiVersion() + " " + t.kind(), name);
      todo.add(name);
    }
    roots.put("autoscaling/v1 Scale", SCALE);
    todo.add(SCALE);
    while (!todo.isEmpty()) {
      String name = todo.poll();
      if (needed.containsKey(name)) {
        continue;
      }
      JsonNode def = all.get(name);
      needed.put(name, def == null ? JsonNodeFactory.instance.objectNode() : def);
      collectRefs(needed.get(name), todo);
    }
    return new Schema(needed, roots);
  }

  /** The document's definitions by name, as byte ranges that are parsed when asked for. */
  private record Definitions(byte[] data, Map<String, int[]> ranges) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static Definitions index(byte[] data) throws IOException {
      Map<String, int[]> ranges = new HashMap<>();
      try (JsonParser p = MAPPER.getFactory().createParser(data)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw new IOException(SOURCE + " is not a JSON object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          p.nextToken();
          if (!field.equals("definitions")) {
            p.skipChildren();
            continue;
          }
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            int start = (int) p.currentTokenLocation().getByteOffset();
            p.skipChildren();
            int end = (int) p.currentLocation().getByteOffset();
            ranges.put(name, new int[] {start, end});
          }
        }
      }
      return new Definitions(data, ranges);
    }

    JsonNode get(String name) {
      int[] r = ranges.get(name);
      if (r == null) {
        return null;
      }
      try {
        return MAPPER.readTree(data, r[0], r[1] - r[0]);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read definition " + name, e);
      }
    }
  }

  /** {@code io.k8s.api.apps.v1.Deployment}: the OpenAPI definition of a built-in kind. */
  static String definitionName(String group, String version, String kind) {
    String pkg = group.isEmpty() ? "core" : group.split("\\.")[0];
    return "io.k8s.api." + pkg + "." + version + "." + kind;
  }

  private static void collectRefs(JsonNode node, ArrayDeque<String> todo) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null && ref.asText().startsWith(DEFS)) {
        todo.add(ref.asText().substring(DEFS.length()));
      }
      node.forEach(child -> collectRefs(child, todo));
    } else if (node.isArray()) {
      node.forEach(child -> collectRefs(child, todo));
    }
  }

  /** The root type of a kind; empty for kinds without a definition. */
  Optional<TypeRef> forKind(String apiVersion, String kind) {
    return Optional.ofNullable(roots.get(apiVersion + " " + kind)).map(TypeRef::named);
  }

  /** A schema of one kind that knows nothing: maps merge key by key, lists are atomic. */
  static TypeRef deduced() {
    return TypeRef.named(DEDUCED);
  }

  /** The atom a reference stands for; {@link Atom#NONE} for a missing type. */
  Atom resolve(TypeRef ref) {
    if (ref == null) {
      return Atom.NONE;
    }
    Atom a = ref.inline() != null ? ref.inline() : types.getOrDefault(ref.name(), Atom.NONE);
    if (ref.atomic() != null && a.map() != null) {
      a =
          new Atom(
              a.scalar(),
              a.list(),
              new MapType(a.map().fields(), a.map().elementType(), ref.atomic()));
    }
    return a;
  }

  private void define(String name, JsonNode definition) {
    if (name.equals(QUANTITY) || name.equals(RAW_EXTENSION)) {
      types.put(name, new Atom(Scalar.UNTYPED, null, null));
      return;
    }
    types.put(name, parse(definition));
  }

  private Atom parse(JsonNode s) {
    String type = s.path("type").asText("");
    return switch (type) {
      case "" -> new Atom(Scalar.UNTYPED, parseList(s), parseObject(s));
      case "object" -> new Atom(null, null, parseObject(s));
      case "array" -> new Atom(null, parseList(s), null);
      case "integer", "number" -> new Atom(Scalar.NUMERIC, null, null);
      case "boolean" -> new Atom(Scalar.BOOLEAN, null, null);
      case "string" -> {
        String format = s.path("format").asText("");
        yield new Atom(
            format.isEmpty() || format.equals("byte") ? Scalar.STRING : Scalar.UNTYPED, null, null);
      }
      default -> new Atom(Scalar.UNTYPED, null, null);
    };
  }

  private TypeRef ref(JsonNode s) {
    String ref = s.path("$ref").asText("");
    if (ref.isEmpty() && s.path("allOf").size() == 1) {
      ref = s.path("allOf").get(0).path("$ref").asText("");
    }
    if (ref.startsWith(DEFS)) {
      return new TypeRef(ref.substring(DEFS.length()), null, mapType(s));
    }
    return new TypeRef(null, parse(s), null);
  }

  /** {@code x-kubernetes-map-type}: true for atomic, false for granular, null when absent. */
  private static Boolean mapType(JsonNode s) {
    JsonNode t = s.get("x-kubernetes-map-type");
    return t == null ? null : t.asText().equals("atomic");
  }

  private MapType parseObject(JsonNode s) {
    Map<String, FieldDef> fields = new LinkedHashMap<>();
    s.path("properties")
        .properties()
        .forEach(
            e ->
                fields.put(
                    e.getKey(), new FieldDef(ref(e.getValue()), e.getValue().get("default"))));
    JsonNode additional = s.get("additionalProperties");
    TypeRef element;
    if (additional == null) {
      element = fields.isEmpty() ? TypeRef.named(DEDUCED) : null;
    } else if (additional.isObject()) {
      element = ref(additional);
    } else {
      element = additional.asBoolean() ? TypeRef.named(DEDUCED) : null;
    }
    return new MapType(fields, element, Boolean.TRUE.equals(mapType(s)));
  }

  private ListType parseList(JsonNode s) {
    TypeRef element = s.has("items") ? ref(s.get("items")) : TypeRef.named(UNTYPED);
    String listType = s.path("x-kubernetes-list-type").asText("");
    if (!listType.isEmpty()) {
      return switch (listType) {
        case "set" -> new ListType(element, true, List.of());
        case "map" -> {
          List<String> keys = new ArrayList<>();
          s.path("x-kubernetes-list-map-keys").forEach(k -> keys.add(k.asText()));
          yield new ListType(element, true, keys);
        }
        default -> new ListType(element, false, List.of());
      };
    }
    String strategy = s.path("x-kubernetes-patch-strategy").asText("");
    if (strategy.equals("merge") || strategy.equals("merge,retainKeys")) {
      JsonNode key = s.get("x-kubernetes-patch-merge-key");
      return new ListType(element, true, key == null ? List.of() : List.of(key.asText()));
    }
    return new ListType(element, false, List.of());
  }

  /**
   * The object Go's zero value of a kind serializes to, which a create is compared against:
   * non-pointer struct fields (an OpenAPI {@code default} of {@code {}}) are present and empty,
   * non-omitempty scalars (a zero {@code default}) hold their zero value, and required fields
   * without one are {@code null}.
   */
  ObjectNode zeroObject(String apiVersion, String kind) {
    ObjectNode zero = zeroObjects.get(apiVersion + " " + kind);
    ObjectNode copy = zero == null ? JsonNodeFactory.instance.objectNode() : zero.deepCopy();
    copy.put("apiVersion", apiVersion);
    copy.put("kind", kind);
    return copy;
  }

  private ObjectNode zero(Map<String, JsonNode> definitions, String name, int depth) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    JsonNode def = definitions.get(name);
    if (def == null || depth > 16) {
      return out;
    }
    List<String> required = new ArrayList<>();
    def.path("required").forEach(r -> required.add(r.asText()));
    def.path("properties")
        .properties()
        .forEach(
            e -> {
              JsonNode prop = e.getValue();
              JsonNode dflt = prop.get("default");
              String ref = ref(prop).name();
              if (dflt != null && dflt.isObject() && dflt.isEmpty() && ref != null) {
                out.set(e.getKey(), zero(definitions, ref, depth + 1));
              } else if (dflt != null && isZero(dflt)) {
                out.set(e.getKey(), dflt);
              } else if (required.contains(e.getKey())) {
                out.putNull(e.getKey());
              }
            });
    return out;
  }

  private static boolean isZero(JsonNode v) {
    return (v.isTextual() && v.textValue().isEmpty())
        || (v.isNumber() && v.doubleValue() == 0)
        || (v.isBoolean() && !v.booleanValue());
  }
}
