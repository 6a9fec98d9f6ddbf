package io.skiff.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * JSON patch (RFC 6902, {@code application/json-patch+json}) with the behaviour of the
 * evanphx/json-patch v4 library kube-apiserver uses, where it is more lenient than the RFC: {@code
 * replace} of a missing object member adds it, a missing member reads as {@code null} for {@code
 * test} and {@code copy}, negative array indices count from the end, and an operation without
 * {@code value} uses {@code null}. Error texts are upstream's.
 */
public final class JsonPatch {

  /** kube-apiserver's limit; longer patches get 413. */
  public static final int MAX_OPERATIONS = 10_000;

  private static final Pattern INDEX = Pattern.compile("[+-]?\\d{1,10}");

  private JsonPatch() {}

  /**
   * The result of applying {@code patch} to {@code target}; neither argument is modified.
   *
   * @throws PatchException 400 if {@code patch} is not a list of operations, 413 for more than
   *     {@link #MAX_OPERATIONS} operations, 422 if an operation does not apply
   */
  public static JsonNode apply(JsonNode target, JsonNode patch) {
    List<JsonNode> operations = decode(patch);
    if (operations.size() > MAX_OPERATIONS) {
      throw PatchException.tooLarge(
          "The allowed maximum operations in a JSON patch is "
              + MAX_OPERATIONS
              + ", got "
              + operations.size());
    }
    JsonNode root = target.deepCopy();
    for (JsonNode op : operations) {
      try {
        root = applyOne(root, op);
      } catch (OperationFailed e) {
        throw PatchException.unprocessable(e.getMessage());
      }
    }
    return root;
  }

  private static List<JsonNode> decode(JsonNode patch) {
    if (patch == null || !patch.isArray()) {
      throw PatchException.badRequest(
          "json: cannot unmarshal " + jsonKind(patch) + " into Go value of type jsonpatch.Patch");
    }
    List<JsonNode> operations = new ArrayList<>();
    for (JsonNode op : patch) {
      if (!op.isObject() && !op.isNull()) {
        throw PatchException.badRequest(
            "json: cannot unmarshal "
                + jsonKind(op)
                + " into Go value of type jsonpatch.Operation");
      }
      operations.add(op);
    }
    return operations;
  }

  private static JsonNode applyOne(JsonNode root, JsonNode op) {
    String kind = op.path("op").isTextual() ? op.path("op").textValue() : "unknown";
    switch (kind) {
      case "add" -> add(root, op);
      case "remove" -> remove(root, op);
      case "replace" -> {
        return replace(root, op);
      }
      case "move" -> move(root, op);
      case "test" -> test(root, op);
      case "copy" -> copy(root, op);
      default -> throw new OperationFailed("Unexpected kind: " + kind);
    }
    return root;
  }

  private static void add(JsonNode root, JsonNode op) {
    String path = member(op, "path", "add operation failed to decode path");
    Location at = find(root, path);
    if (at == null) {
      throw missing("add operation does not apply: doc is missing path: \"" + path + "\"");
    }
    try {
      at.add(value(op));
    } catch (OperationFailed e) {
      throw new OperationFailed("error in add for path: '" + path + "': " + e.getMessage());
    }
  }

  private static void remove(JsonNode root, JsonNode op) {
    String path = member(op, "path", "remove operation failed to decode path");
    Location at = find(root, path);
    if (at == null) {
      throw missing("remove operation does not apply: doc is missing path: \"" + path + "\"");
    }
    try {
      at.remove();
    } catch (OperationFailed e) {
      throw new OperationFailed("error in remove for path: '" + path + "': " + e.getMessage());
    }
  }

  private static JsonNode replace(JsonNode root, JsonNode op) {
    String path = member(op, "path", "replace operation failed to decode path");
    JsonNode value = value(op);
    if (path.isEmpty()) {
      if (!value.isContainerNode()) {
        throw new OperationFailed("replace operation value must be object or array");
      }
      return value;
    }
    Location at = find(root, path);
    if (at == null) {
      throw missing("replace operation does not apply: doc is missing path: " + path);
    }
    try {
      at.get();
    } catch (OperationFailed e) {
      throw missing("replace operation does not apply: doc is missing key: " + path);
    }
    at.set(value);
    return root;
  }

  private static void move(JsonNode root, JsonNode op) {
    String from = member(op, "from", "move operation failed to decode from");
    Location source = find(root, from);
    if (source == null) {
      throw missing("move operation does not apply: doc is missing from path: " + from);
    }
    JsonNode value;
    try {
      value = source.get();
      source.remove();
    } catch (OperationFailed e) {
      throw new OperationFailed(
          "error in move for path: '" + source.key() + "': " + e.getMessage());
    }
    String path = member(op, "path", "move operation failed to decode path");
    Location at = find(root, path);
    if (at == null) {
      throw missing("move operation does not apply: doc is missing destination path: " + path);
    }
    try {
      at.add(value);
    } catch (OperationFailed e) {
      throw new OperationFailed("error in move for path: '" + path + "': " + e.getMessage());
    }
  }

  private static void test(JsonNode root, JsonNode op) {
    String path = member(op, "path", "test operation failed to decode path");
    JsonNode actual;
    if (path.isEmpty()) {
      actual = root;
    } else {
      Location at = find(root, path);
      if (at == null) {
        throw missing("test operation does not apply: is missing path: " + path);
      }
      try {
        actual = at.get();
      } catch (OperationFailed e) {
        throw new OperationFailed("error in test for path: '" + path + "': " + e.getMessage());
      }
    }
    if (!equal(actual, value(op))) {
      throw new OperationFailed("testing value " + path + " failed: test failed");
    }
  }

  private static void copy(JsonNode root, JsonNode op) {
    String from = member(op, "from", "copy operation failed to decode from");
    Location source = find(root, from);
    if (source == null) {
      throw missing("copy operation does not apply: doc is missing from path: " + from);
    }
    JsonNode value;
    try {
      JsonNode found = source.get();
      value = found == null ? NullNode.instance : found.deepCopy();
    } catch (OperationFailed e) {
      throw new OperationFailed("error in copy for from: '" + from + "': " + e.getMessage());
    }
    String path = member(op, "path", "copy operation failed to decode path");
    Location at = find(root, path);
    if (at == null) {
      throw missing("copy operation does not apply: doc is missing destination path: " + path);
    }
    try {
      at.add(value);
    } catch (OperationFailed e) {
      throw new OperationFailed("error while adding value during copy: " + e.getMessage());
    }
  }

  /**
   * The container holding the last token of {@code path}, or {@code null} when a token before it
   * does not lead to an object or array. Like upstream, the text before the first {@code /} is
   * ignored.
   */
  private static Location find(JsonNode root, String path) {
    if (path.indexOf('/') < 0) {
      return null;
    }
    String[] tokens = path.split("/", -1);
    JsonNode container = root;
    for (int i = 1; i < tokens.length - 1; i++) {
      JsonNode next;
      try {
        next = new Location(container, unescape(tokens[i])).get();
      } catch (OperationFailed e) {
        return null;
      }
      if (next == null || !next.isContainerNode()) {
        return null;
      }
      container = next;
    }
    return container.isContainerNode()
        ? new Location(container, unescape(tokens[tokens.length - 1]))
        : null;
  }

  /** RFC 6901 unescaping in one pass, so that {@code ~01} becomes {@code ~1}. */
  private static String unescape(String token) {
    if (token.indexOf('~') < 0) {
      return token;
    }
    StringBuilder out = new StringBuilder(token.length());
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      char next = i + 1 < token.length() ? token.charAt(i + 1) : 0;
      if (c == '~' && (next == '0' || next == '1')) {
        out.append(next == '0' ? '~' : '/');
        i++;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Equality as RFC 6902 {@code test} defines it: numbers compare by value. */
  private static boolean equal(JsonNode a, JsonNode b) {
    boolean aNull = a == null || a.isNull();
    boolean bNull = b == null || b.isNull();
    if (aNull || bNull) {
      return aNull && bNull;
    }
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    if (a.getNodeType() != b.getNodeType() || a.size() != b.size()) {
      return false;
    }
    if (a.isArray()) {
      for (int i = 0; i < a.size(); i++) {
        if (!equal(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a.isObject()) {
      for (Map.Entry<String, JsonNode> e : a.properties()) {
        if (!b.has(e.getKey()) || !equal(e.getValue(), b.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  private static String member(JsonNode op, String name, String failure) {
    JsonNode value = op.get(name);
    if (value == null || !value.isTextual()) {
      throw missing(failure);
    }
    return value.textValue();
  }

  private static JsonNode value(JsonNode op) {
    JsonNode value = op.get("value");
    return value == null ? NullNode.instance : value.deepCopy();
  }

  private static OperationFailed missing(String message) {
    return new OperationFailed(message + ": missing value");
  }

  private static String jsonKind(JsonNode node) {
    if (node == null || node.isNull()) {
      return "null";
    }
    return switch (node.getNodeType()) {
      case OBJECT -> "object";
      case ARRAY -> "array";
      case STRING -> "string";
      case BOOLEAN -> "bool";
      default -> "number";
    };
  }

  /** One token of a path inside its container. */
  private record Location(JsonNode container, String key) {

    /** The member or element; {@code null} for a missing object member, as upstream reads it. */
    JsonNode get() {
      if (container instanceof ObjectNode object) {
        return object.get(key);
      }
      ArrayNode array = (ArrayNode) container;
      return array.get(existingIndex(array.size()));
    }

    void set(JsonNode value) {
      if (container instanceof ObjectNode object) {
        object.set(key, value);
      } else {
        ArrayNode array = (ArrayNode) container;
        array.set(existingIndex(array.size()), value);
      }
    }

    void add(JsonNode value) {
      if (container instanceof ObjectNode object) {
        object.set(key, value);
        return;
      }
      ArrayNode array = (ArrayNode) container;
      if (key.equals("-")) {
        array.add(value);
        return;
      }
      int index;
      try {
        index = parseIndex();
      } catch (OperationFailed e) {
        throw new OperationFailed(
            "value was not a proper array index: '" + key + "': " + e.getMessage());
      }
      int size = array.size() + 1;
      if (index >= size || index < -size) {
        throw invalidIndex(index);
      }
      array.insert(index < 0 ? index + size : index, value);
    }

    void remove() {
      if (container instanceof ObjectNode object) {
        if (!object.has(key)) {
          throw missing("Unable to remove nonexistent key: " + key);
        }
        object.remove(key);
      } else {
        ArrayNode array = (ArrayNode) container;
        array.remove(existingIndex(array.size()));
      }
    }

    private int existingIndex(int size) {
      int index = parseIndex();
      if (index >= size || index < -size) {
        throw invalidIndex(index);
      }
      return index < 0 ? index + size : index;
    }

    private int parseIndex() {
      if (!INDEX.matcher(key).matches()) {
        throw new OperationFailed("strconv.Atoi: parsing \"" + key + "\": invalid syntax");
      }
      long index = Long.parseLong(key);
      if (index != (int) index) {
        throw new OperationFailed("strconv.Atoi: parsing \"" + key + "\": value out of range");
      }
      return (int) index;
    }

    private static OperationFailed invalidIndex(int index) {
      return new OperationFailed(
          "Unable to access invalid index: " + index + ": invalid index referenced");
    }
  }

  /** Why one operation failed; becomes a 422 for the whole patch. */
  private static final class OperationFailed extends RuntimeException {
    OperationFailed(String message) {
      super(message, null, false, false);
    }
  }
}
