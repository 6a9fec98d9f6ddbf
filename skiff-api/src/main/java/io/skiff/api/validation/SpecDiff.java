package io.skiff.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Iterator;
import java.util.TreeSet;

/**
 * The diff some upstream errors append after their text. Upstream prints go-cmp's rendering of
 * internal Go structs, which cannot be reproduced from the JSON model; Skiff prints the changed
 * JSON paths in a similar shape instead (one {@code -} and one {@code +} line per changed leaf).
 */
final class SpecDiff {

  private SpecDiff() {}

  static String diff(String typeName, JsonNode oldNode, JsonNode newNode) {
    StringBuilder b = new StringBuilder("  ").append(typeName).append("{\n");
    walk("", oldNode, newNode, b);
    return b.append("  }\n").toString();
  }

  private static void walk(String path, JsonNode o, JsonNode n, StringBuilder out) {
    JsonNode a = o == null ? MissingNode.getInstance() : o;
    JsonNode c = n == null ? MissingNode.getInstance() : n;
    if (a.equals(c)) {
      return;
    }
    if (a.isObject() && c.isObject()) {
      TreeSet<String> keys = new TreeSet<>();
      a.fieldNames().forEachRemaining(keys::add);
      c.fieldNames().forEachRemaining(keys::add);
      for (String k : keys) {
        walk(path.isEmpty() ? k : path + "." + k, a.get(k), c.get(k), out);
      }
      return;
    }
    if (a.isArray() && c.isArray() && a.size() == c.size()) {
      Iterator<JsonNode> ia = a.elements();
      Iterator<JsonNode> ic = c.elements();
      for (int i = 0; ia.hasNext(); i++) {
        walk(path + "[" + i + "]", ia.next(), ic.next(), out);
      }
      return;
    }
    if (!a.isMissingNode()) {
      out.append("- \t").append(path).append(": ").append(a).append(",\n");
    }
    if (!c.isMissingNode()) {
      out.append("+ \t").append(path).append(": ").append(c).append(",\n");
    }
  }
}
