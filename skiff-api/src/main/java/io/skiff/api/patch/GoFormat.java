package io.skiff.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders decoded JSON as Go's {@code fmt} prints {@code map[string]interface{}} values, because
 * upstream's strategic merge patch errors embed them and kubectl shows those messages verbatim.
 */
final class GoFormat {

  private GoFormat() {}

  /** {@code %v}: {@code map[image:nginx name:web]}, {@code [a b]}, {@code <nil>}. */
  static String value(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "<nil>";
    }
    if (node.isObject()) {
      Map<String, JsonNode> sorted = new TreeMap<>();
      node.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
      List<String> entries = new ArrayList<>();
      sorted.forEach((k, v) -> entries.add(k + ":" + value(v)));
      return "map[" + String.join(" ", entries) + "]";
    }
    if (node.isArray()) {
      List<String> items = new ArrayList<>();
      node.forEach(v -> items.add(value(v)));
      return "[" + String.join(" ", items) + "]";
    }
    return node.asText();
  }

  /** {@code %s}: strings as they are, anything else wrapped as Go flags a bad verb. */
  static String string(JsonNode node) {
    if (node != null && node.isTextual()) {
      return node.textValue();
    }
    if (node == null || node.isNull()) {
      return "%!s(<nil>)";
    }
    return node.isObject() ? value(node) : "%!s(" + type(node) + "=" + value(node) + ")";
  }

  /** The Go type a decoded JSON value has, as {@code reflect.Type} prints it. */
  static String type(JsonNode node) {
    if (node == null || node.isNull()) {
      return "%!s(<nil>)";
    }
    return switch (node.getNodeType()) {
      case OBJECT -> "map[string]interface {}";
      case ARRAY -> "[]interface {}";
      case STRING -> "string";
      case BOOLEAN -> "bool";
      case NUMBER -> node.isIntegralNumber() ? "int64" : "float64";
      default -> node.getNodeType().toString().toLowerCase(Locale.ROOT);
    };
  }
}
