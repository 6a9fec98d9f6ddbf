package io.skiff.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JSON values as structured-merge-diff sees them: equality and a total order across types, and
 * their Go renderings ({@code %v}, {@code %q} and encoding/json), which appear in field paths,
 * conflict messages and {@code k:}/{@code v:} keys.
 */
final class Values {

  private Values() {}

  /** Structured-merge-diff's Equals: numbers compare by value, whatever their JSON form. */
  static boolean equal(JsonNode a, JsonNode b) {
    return compare(a, b) == 0;
  }

  /**
   * Structured-merge-diff's total order: numbers (floats and ints by value), then strings,
   * booleans, lists, maps and null.
   */
  static int compare(JsonNode a, JsonNode b) {
    int ra = rank(a);
    int rb = rank(b);
    if (ra != rb) {
      return Integer.compare(ra, rb);
    }
    return switch (ra) {
      case 0 -> compareNumbers(a, b);
      case 1 -> a.textValue().compareTo(b.textValue());
      case 2 -> Boolean.compare(a.booleanValue(), b.booleanValue());
      case 3 -> compareLists(a, b);
      case 4 -> compareMaps(a, b);
      default -> 0;
    };
  }

  private static int rank(JsonNode n) {
    if (n.isNumber()) {
      return 0;
    }
    if (n.isTextual()) {
      return 1;
    }
    if (n.isBoolean()) {
      return 2;
    }
    if (n.isArray()) {
      return 3;
    }
    if (n.isObject()) {
      return 4;
    }
    return 5;
  }

  private static int compareNumbers(JsonNode a, JsonNode b) {
    if (a.isIntegralNumber() && b.isIntegralNumber()) {
      return a.bigIntegerValue().compareTo(b.bigIntegerValue());
    }
    return Double.compare(a.doubleValue(), b.doubleValue());
  }

  private static int compareLists(JsonNode a, JsonNode b) {
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
      int c = compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
  }

  /** Maps order by their sorted keys, then by the values of those keys, then by size. */
  private static int compareMaps(JsonNode a, JsonNode b) {
    List<String> ka = sortedKeys(a);
    List<String> kb = sortedKeys(b);
    for (int i = 0; i < Math.min(ka.size(), kb.size()); i++) {
      int c = ka.get(i).compareTo(kb.get(i));
      if (c != 0) {
        return c;
      }
      c = compare(a.get(ka.get(i)), b.get(kb.get(i)));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(ka.size(), kb.size());
  }

  static List<String> sortedKeys(JsonNode object) {
    List<String> keys = new ArrayList<>();
    object.properties().forEach(e -> keys.add(e.getKey()));
    keys.sort(null);
    return keys;
  }

  /** A hash consistent with {@link #equal}. */
  static int hash(JsonNode n) {
    if (n.isNumber()) {
      return Double.hashCode(n.doubleValue());
    }
    if (n.isArray()) {
      int h = 1;
      for (JsonNode item : n) {
        h = 31 * h + hash(item);
      }
      return h;
    }
    if (n.isObject()) {
      int h = 0;
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        h += e.getKey().hashCode() ^ hash(e.getValue());
      }
      return h;
    }
    return n.hashCode();
  }

  /** Go's {@code value.ToString}: strings quoted with {@code %q}, other scalars with {@code %v}. */
  static String toGoString(JsonNode n) {
    if (n == null || n.isNull()) {
      return "null";
    }
    if (n.isTextual()) {
      return goQuote(n.textValue());
    }
    if (n.isIntegralNumber()) {
      return n.bigIntegerValue().toString();
    }
    if (n.isNumber()) {
      return goFloat(n.doubleValue());
    }
    if (n.isBoolean()) {
      return String.valueOf(n.booleanValue());
    }
    if (n.isArray()) {
      List<String> items = new ArrayList<>();
      n.forEach(item -> items.add(toGoString(item)));
      return "[" + String.join(",", items) + "]";
    }
    StringBuilder s = new StringBuilder();
    for (String key : sortedKeys(n)) {
      s.append(key).append('=').append(toGoString(n.get(key)));
    }
    return s.toString();
  }

  /** Go's {@code %v} of a float64: the shortest representation, exponent from 1e21. */
  private static String goFloat(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e21) {
      return new BigDecimal(d).toPlainString();
    }
    return Double.toString(d).replace("E", "e+").replace("e+-", "e-");
  }

  /** Go's {@code strconv.Quote}. */
  static String goQuote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    s.codePoints()
        .forEach(
            c -> {
              switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case 7 -> out.append("\\a");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 11 -> out.append("\\v");
                default -> {
                  if (c < 0x20 || c == 0x7f) {
                    out.append(String.format("\\x%02x", c));
                  } else if (Character.isISOControl(c) || !Character.isDefined(c)) {
                    out.append(
                        c > 0xffff ? String.format("\\U%08x", c) : String.format("\\u%04x", c));
                  } else {
                    out.appendCodePoint(c);
                  }
                }
              }
            });
    return out.append('"').toString();
  }

  /**
   * A value as Go's encoding/json writes it: compact, object keys sorted, and {@code <}, {@code >},
   * {@code &}, U+2028 and U+2029 escaped.
   */
  static String goJson(JsonNode n) {
    StringBuilder out = new StringBuilder();
    writeGoJson(n, out);
    return out.toString();
  }

  private static void writeGoJson(JsonNode n, StringBuilder out) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      out.append("null");
    } else if (n.isTextual()) {
      goJsonString(n.textValue(), out);
    } else if (n.isIntegralNumber()) {
      out.append(n.bigIntegerValue());
    } else if (n.isNumber()) {
      out.append(goJsonFloat(n.doubleValue()));
    } else if (n.isBoolean()) {
      out.append(n.booleanValue());
    } else if (n.isArray()) {
      out.append('[');
      for (int i = 0; i < n.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        writeGoJson(n.get(i), out);
      }
      out.append(']');
    } else {
      out.append('{');
      boolean first = true;
      for (String key : sortedKeys(n)) {
        if (!first) {
          out.append(',');
        }
        first = false;
        goJsonString(key, out);
        out.append(':');
        writeGoJson(n.get(key), out);
      }
      out.append('}');
    }
  }

  /** encoding/json's float64: integral values without a fraction, an exponent from 1e21. */
  private static String goJsonFloat(double d) {
    double abs = Math.abs(d);
    if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
      String s = String.format("%e", d).replaceAll("\\.?0+e", "e");
      return s.replaceAll("e([+-])0(\\d)$", "e$1$2");
    }
    return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
  }

  static void goJsonString(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '<', '>', '&', '\u2028', '\u2029' -> out.append(String.format("\\u%04x", (int) c));
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
