package io.skiff.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Strategic merge patch ({@code application/strategic-merge-patch+json}), applied as kube-apiserver
 * applies it (apimachinery {@code strategicpatch.StrategicMergeMapPatch}).
 *
 * <ul>
 *   <li>Objects merge recursively and {@code null} removes a member.
 *   <li>Lists are replaced, unless the schema gives the field the {@code merge} strategy: then
 *       elements with the same merge key value merge, new ones are added, and lists of primitives
 *       become the union.
 *   <li>{@code $patch: replace} replaces an object, {@code $patch: delete} empties it; in a merge
 *       list, an element {@code {"$patch": "delete", <key>: v}} removes the elements with that key
 *       and an element {@code {"$patch": "replace"}} replaces the whole list by the other elements.
 *   <li>{@code $deleteFromPrimitiveList/<field>} removes values from a list of primitives, {@code
 *       $setElementOrder/<field>} orders a merge list and {@code $retainKeys} clears the members it
 *       does not name.
 * </ul>
 *
 * <p>Where upstream copies a value that is new to the object straight from the patch, this
 * implementation still interprets the directives inside it, so the result never contains a
 * directive: {@code $patch: delete} makes the new value vanish (as upstream) and {@code $patch:
 * replace} keeps its content (upstream drops it). Other differences: fields the schema does not
 * know merge like plain objects instead of failing with "unable to find api field", {@code
 * $setElementOrder} only orders merge lists, and a {@code $}-key that is no directive is rejected.
 */
public final class StrategicMergePatch {

  private static final String DIRECTIVE = "$patch";
  private static final String RETAIN_KEYS = "$retainKeys";
  private static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";
  private static final String SET_ELEMENT_ORDER = "$setElementOrder";

  private static final String BAD_RETAIN_KEYS = "invalid patch format of retainKeys";
  private static final String BAD_PRIMITIVE_LIST = "invalid patch format of primitive list";
  private static final String BAD_SET_ELEMENT_ORDER =
      "invalid patch format of setElementOrder list";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Object NULL_KEY = new Object();

  private StrategicMergePatch() {}

  /**
   * The result of applying {@code patch} to {@code original}; neither argument is modified.
   *
   * @param original a JSON object, or {@code null} for an empty one
   * @param patch the decoded request body; a JSON {@code null} leaves the object unchanged, as
   *     upstream decodes it to an empty patch
   * @throws PatchException with the status kube-apiserver answers for the failure
   */
  public static JsonNode apply(JsonNode original, JsonNode patch, PatchSchema schema) {
    if (original != null && !original.isNull() && !original.isObject()) {
      throw new IllegalArgumentException("original must be a JSON object");
    }
    ObjectNode base =
        original == null || original.isNull()
            ? NODES.objectNode()
            : ((ObjectNode) original).deepCopy();
    if (patch == null || patch.isNull()) {
      return base;
    }
    if (!patch.isObject()) {
      throw PatchException.badRequest(
          "json: cannot unmarshal "
              + jsonKind(patch)
              + " into Go value of type map[string]interface {}");
    }
    return mergeObject(base, (ObjectNode) patch, schema, "");
  }

  /** Merges {@code patch} into {@code original}, which it may modify, and returns the result. */
  private static JsonNode mergeObject(
      ObjectNode original, ObjectNode patch, PatchSchema schema, String path) {
    JsonNode directive = patch.get(DIRECTIVE);
    if (directive != null) {
      return switch (directive.isTextual() ? directive.textValue() : "") {
        case "replace" -> {
          ObjectNode content = NODES.objectNode().setAll(patch);
          content.remove(DIRECTIVE);
          yield mergeObject(NODES.objectNode(), content, schema, path);
        }
        case "delete" -> NODES.objectNode();
        default -> throw unknownPatchType(directive, patch);
      };
    }
    retainKeys(original, patch);
    Set<String> ordered = new HashSet<>();
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      if (e.getKey().startsWith(SET_ELEMENT_ORDER)) {
        orderElements(original, patch, e.getKey(), schema, path, ordered);
      }
    }
    List<Map.Entry<String, JsonNode>> deletions = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      String key = e.getKey();
      if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
        deletions.add(e);
      } else if (!key.equals(RETAIN_KEYS)
          && !key.startsWith(SET_ELEMENT_ORDER)
          && !ordered.contains(key)) {
        mergeField(original, key, e.getValue(), schema.field(key), child(path, key));
      }
    }
    // After the merge, so that a value both added and deleted ends up deleted.
    for (Map.Entry<String, JsonNode> e : deletions) {
      deleteFromList(original, e.getKey(), e.getValue());
    }
    return original;
  }

  private static void mergeField(
      ObjectNode original, String key, JsonNode value, PatchMeta meta, String path) {
    if (value.isNull()) {
      original.remove(key);
      return;
    }
    if (key.startsWith("$")) {
      throw PatchException.unknownField(path);
    }
    JsonNode current = original.get(key);
    JsonNode merged;
    if (current != null
        && current.isObject()
        && value.isObject()
        && meta.strategy() != PatchStrategy.REPLACE) {
      merged = mergeObject((ObjectNode) current, (ObjectNode) value, meta.schema(), path);
    } else if (current != null
        && current.isArray()
        && value.isArray()
        && meta.strategy().merges()) {
      merged = mergeList((ArrayNode) current, (ArrayNode) value, meta, path);
    } else {
      merged = materialize(value, meta, path);
    }
    if (merged == null) {
      original.remove(key);
    } else {
      original.set(key, merged);
    }
  }

  /**
   * A patch value as it is stored when there is nothing to merge it with: directives applied,
   * {@code null} members dropped. {@code null} when the value deletes itself.
   */
  private static JsonNode materialize(JsonNode value, PatchMeta meta, String path) {
    if (value.isObject()) {
      return isDirective(value, "delete")
          ? null
          : mergeObject(NODES.objectNode(), (ObjectNode) value, meta.schema(), path);
    }
    if (!value.isArray()) {
      return value;
    }
    if (meta.strategy().merges()) {
      return mergeList(NODES.arrayNode(), (ArrayNode) value, meta, path);
    }
    PatchMeta elements = atomic(meta);
    ArrayNode result = NODES.arrayNode(value.size());
    for (int i = 0; i < value.size(); i++) {
      JsonNode element = materialize(value.get(i), elements, path + "[" + i + "]");
      if (element != null) {
        result.add(element);
      }
    }
    return result;
  }

  private static ArrayNode mergeList(
      ArrayNode current, ArrayNode patch, PatchMeta meta, String path) {
    return mergeList(current, patch, meta, path, new ArrayList<>());
  }

  /**
   * Merges a list. {@code liveOrder} receives the order {@code $setElementOrder} compares
   * server-only elements against: upstream deletes and appends in place in the live list's backing
   * array, so up to the live list's length it sees the remaining elements followed by the added
   * ones.
   */
  private static ArrayNode mergeList(
      ArrayNode current, ArrayNode patch, PatchMeta meta, String path, List<JsonNode> liveOrder) {
    current.forEach(liveOrder::add);
    if (current.isEmpty() && patch.isEmpty()) {
      return current;
    }
    if (!holdsObjects(current, patch)) {
      List<JsonNode> union = new ArrayList<>();
      Set<Object> seen = new HashSet<>();
      for (JsonNode list : List.of(current, patch)) {
        for (JsonNode value : list) {
          if (seen.add(canonical(value))) {
            union.add(value);
          }
        }
      }
      return ElementOrder.normalize(union, patch, current, StrategicMergePatch::canonical);
    }
    String mergeKey = meta.mergeKey();
    if (mergeKey.isEmpty()) {
      throw PatchException.malformed("cannot merge lists without merge key for " + path);
    }
    Function<JsonNode, Object> key = element -> mergeKeyValue(element, mergeKey);
    List<JsonNode> items = new ArrayList<>();
    current.forEach(items::add);
    List<JsonNode> plain = new ArrayList<>();
    boolean replace = false;
    for (JsonNode element : patch) {
      JsonNode directive = element.get(DIRECTIVE);
      if (directive == null) {
        plain.add(element);
        continue;
      }
      switch (directive.isTextual() ? directive.textValue() : "") {
        case "delete" -> {
          Object doomed = key.apply(element);
          items.removeIf(item -> item.has(mergeKey) && doomed.equals(key.apply(item)));
        }
        case "replace" -> replace = true;
        case "merge" ->
            throw PatchException.malformed("merging lists cannot yet be specified in the patch");
        default -> throw unknownPatchType(directive, element);
      }
    }
    liveOrder.clear();
    liveOrder.addAll(items);
    if (replace) {
      return (ArrayNode) materialize(NODES.arrayNode().addAll(plain), atomic(meta), path);
    }
    List<JsonNode> serverOrder = List.copyOf(items);
    for (int i = 0; i < plain.size(); i++) {
      JsonNode element = plain.get(i);
      Object wanted = key.apply(element);
      String elementPath = path + "[" + i + "]";
      int at = -1;
      for (int j = 0; j < items.size() && at < 0; j++) {
        if (items.get(j).has(mergeKey) && wanted.equals(key.apply(items.get(j)))) {
          at = j;
        }
      }
      if (at >= 0) {
        items.set(
            at,
            mergeObject(
                (ObjectNode) items.get(at), (ObjectNode) element, meta.schema(), elementPath));
      } else {
        items.add(materialize(element, meta, elementPath));
        if (liveOrder.size() < current.size()) {
          liveOrder.add(items.getLast());
        }
      }
    }
    return ElementOrder.normalize(items, plain, serverOrder, key);
  }

  private static void retainKeys(ObjectNode original, ObjectNode patch) {
    JsonNode keys = patch.get(RETAIN_KEYS);
    if (keys == null) {
      return;
    }
    if (!keys.isArray()) {
      throw PatchException.badRequest(BAD_RETAIN_KEYS);
    }
    Set<String> retained = new HashSet<>();
    for (JsonNode k : keys) {
      if (k.isTextual()) {
        retained.add(k.textValue());
      }
    }
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      String key = e.getKey();
      boolean exempt =
          key.equals(RETAIN_KEYS)
              || e.getValue().isNull()
              || key.startsWith(DELETE_FROM_PRIMITIVE_LIST)
              || key.startsWith(SET_ELEMENT_ORDER);
      if (!exempt && !retained.contains(key)) {
        throw PatchException.badRequest(BAD_RETAIN_KEYS);
      }
    }
    original.retain(retained);
  }

  /** Applies {@code $setElementOrder/<field>} together with the patch's value of the field. */
  private static void orderElements(
      ObjectNode original,
      ObjectNode patch,
      String directive,
      PatchSchema schema,
      String path,
      Set<String> ordered) {
    String field = directiveTarget(directive, SET_ELEMENT_ORDER, BAD_SET_ELEMENT_ORDER);
    JsonNode order = patch.get(directive);
    JsonNode current = original.get(field);
    JsonNode patchList = patch.get(field);
    for (JsonNode list : new JsonNode[] {order, current, patchList}) {
      if (list != null && !list.isNull() && !list.isArray()) {
        throw PatchException.malformed(
            "expected a []interface {}, but received a " + GoFormat.type(list));
      }
    }
    PatchMeta meta = schema.field(field);
    boolean hasCurrent = current != null && current.isArray();
    boolean hasPatch = patchList != null && patchList.isArray();
    if (!order.isArray() || !meta.strategy().merges() || (!hasCurrent && !hasPatch)) {
      return;
    }
    String fieldPath = child(path, field);
    Function<JsonNode, Object> key =
        meta.hasMergeKey()
            ? element -> mergeKeyValue(element, meta.mergeKey())
            : StrategicMergePatch::canonical;
    if (hasPatch) {
      checkOrder((ArrayNode) patchList, (ArrayNode) order, meta, key);
    }
    List<JsonNode> liveOrder = new ArrayList<>();
    ArrayNode merged;
    if (hasCurrent && hasPatch) {
      merged = mergeList((ArrayNode) current, (ArrayNode) patchList, meta, fieldPath, liveOrder);
    } else if (hasCurrent) {
      merged = (ArrayNode) current;
      current.forEach(liveOrder::add);
    } else {
      merged = (ArrayNode) materialize(patchList, meta, fieldPath);
    }
    List<JsonNode> items = new ArrayList<>();
    merged.forEach(items::add);
    original.set(field, ElementOrder.normalize(items, order, liveOrder, key));
    ordered.add(field);
  }

  /**
   * Upstream's {@code validatePatchWithSetOrderList}: the patch list, without deletions and
   * directive elements, must name its elements in the order {@code $setElementOrder} does.
   */
  private static void checkOrder(
      ArrayNode patchList, ArrayNode order, PatchMeta meta, Function<JsonNode, Object> key) {
    List<JsonNode> items = new ArrayList<>();
    for (JsonNode element : patchList) {
      if (!(meta.hasMergeKey() && isDirective(element, "delete"))) {
        items.add(element);
      }
    }
    int p = 0;
    int o = 0;
    while (p < items.size() && o < order.size()) {
      if (items.get(p).has(DIRECTIVE)) {
        p++;
        continue;
      }
      if (key.apply(items.get(p)).equals(key.apply(order.get(o)))) {
        p++;
      }
      o++;
    }
    if (p < items.size()) {
      throw PatchException.malformed(
          "the order in patch list:\n"
              + GoFormat.value(patchList)
              + "\n doesn't match "
              + SET_ELEMENT_ORDER
              + " list:\n"
              + GoFormat.value(order));
    }
  }

  private static void deleteFromList(ObjectNode original, String directive, JsonNode values) {
    String field = directiveTarget(directive, DELETE_FROM_PRIMITIVE_LIST, BAD_PRIMITIVE_LIST);
    if (values.isNull()) {
      original.remove(field);
      return;
    }
    if (!values.isArray()) {
      throw PatchException.badRequest(BAD_PRIMITIVE_LIST);
    }
    JsonNode current = original.get(field);
    if (current == null || !current.isArray()) {
      return;
    }
    Set<Object> doomed = new HashSet<>();
    for (JsonNode value : values) {
      if (value.isContainerNode()) {
        throw PatchException.badRequest(BAD_PRIMITIVE_LIST);
      }
      doomed.add(canonical(value));
    }
    ArrayNode kept = NODES.arrayNode();
    current.forEach(
        value -> {
          if (!doomed.contains(canonical(value))) {
            kept.add(value);
          }
        });
    original.set(field, kept);
  }

  /**
   * Whether two lists hold objects. All their elements must have one Go type, as upstream's {@code
   * sliceElementType} demands.
   */
  private static boolean holdsObjects(ArrayNode current, ArrayNode patch) {
    String type = null;
    for (JsonNode list : List.of(current, patch)) {
      for (JsonNode element : list) {
        if (element.isArray()) {
          throw PatchException.unprocessable("lists of lists are not supported");
        }
        String elementType = GoFormat.type(element);
        if (type == null) {
          type = elementType;
        } else if (!type.equals(elementType)) {
          throw PatchException.malformed(
              "list element types are not identical: ["
                  + GoFormat.value(current)
                  + " "
                  + GoFormat.value(patch)
                  + "]");
        }
      }
    }
    return GoFormat.type(NODES.objectNode()).equals(type);
  }

  private static Object mergeKeyValue(JsonNode element, String mergeKey) {
    if (!element.isObject()) {
      throw PatchException.malformed(
          "expected a map[string]interface {}, but received a " + GoFormat.type(element));
    }
    JsonNode value = element.get(mergeKey);
    if (value == null) {
      throw PatchException.malformed(
          "map: " + GoFormat.value(element) + " does not contain declared merge key: " + mergeKey);
    }
    return canonical(value);
  }

  /** Identity of a value for matching: numbers by value, so that 80 and 80.0 match. */
  private static Object canonical(JsonNode value) {
    if (value.isNumber()) {
      return value.decimalValue().stripTrailingZeros();
    }
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    return value.isNull() ? NULL_KEY : value;
  }

  /** The same field with its list treated as atomic. */
  private static PatchMeta atomic(PatchMeta meta) {
    return new PatchMeta(PatchStrategy.NONE, "", meta.schema());
  }

  private static boolean isDirective(JsonNode value, String directive) {
    JsonNode marker = value.get(DIRECTIVE);
    return marker != null && marker.isTextual() && marker.textValue().equals(directive);
  }

  /** The field a {@code <prefix>/<field>} directive applies to. */
  private static String directiveTarget(String directive, String prefix, String formatError) {
    int slash = directive.indexOf('/');
    if (slash < 0 || !directive.substring(0, slash).equals(prefix)) {
      throw PatchException.badRequest(formatError);
    }
    return directive.substring(slash + 1);
  }

  private static PatchException unknownPatchType(JsonNode directive, JsonNode map) {
    return PatchException.malformed(
        "unknown patch type: " + GoFormat.string(directive) + " in map: " + GoFormat.value(map));
  }

  private static String child(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String jsonKind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "array";
      case STRING -> "string";
      case BOOLEAN -> "bool";
      default -> "number";
    };
  }
}
