package io.skiff.api.validation;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders bad values the way upstream 1.28–1.33 does inside field errors: integers and booleans
 * plain, strings Go-quoted, everything else in Go's {@code %#v} syntax (from 1.34 upstream prints
 * JSON instead, which Skiff does not emulate).
 *
 * <p>Fabric8 models cannot tell a nil Go map or slice from an empty one, so both render as nil
 * ({@code map[string]string(nil)}): nil is what a manifest that omits the field decodes to, which
 * is by far the common case.
 */
public final class GoValueFormatter {

  /**
   * Go prints the address of a non-nil pointer nested in a struct; Skiff has no meaningful address
   * to show, so it prints this fixed one.
   */
  static final String POINTER_ADDRESS = "0xc000000000";

  private GoValueFormatter() {}

  /** The value as it appears after {@code Invalid value: } in an error body. */
  public static String render(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String s) {
      return quote(s);
    }
    return syntax(value);
  }

  /** Go's {@code %#v} of a value nested in a larger structure. */
  static String syntax(Object value) {
    return switch (value) {
      case null -> "<nil>";
      case GoValue g -> g.goSyntax();
      case String s -> quote(s);
      case Integer i -> i.toString();
      case Long l -> l.toString();
      case Short s -> s.toString();
      case Byte b -> b.toString();
      case BigInteger b -> b.toString();
      case Boolean b -> b.toString();
      case BigDecimal d -> d.stripTrailingZeros().toPlainString();
      case Double d -> formatFloat(d);
      case Float f -> formatFloat(f.doubleValue());
      case IntOrString ios -> intOrString(ios).goSyntax();
      case LabelSelector ls -> labelSelector(ls).goSyntax();
      case Map<?, ?> m -> stringMap(m).goSyntax();
      case List<?> l -> stringSlice(l).goSyntax();
      default -> quote(value.toString());
    };
  }

  private static String formatFloat(double d) {
    if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e21) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }

  /** Go's {@code strconv.Quote}. */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      switch (cp) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case 0x07 -> b.append("\\a");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case 0x0b -> b.append("\\v");
        default -> {
          if (isGoPrintable(cp)) {
            b.appendCodePoint(cp);
          } else if (cp < 0x80) {
            b.append(String.format("\\x%02x", cp));
          } else if (cp < 0x10000) {
            b.append(String.format("\\u%04x", cp));
          } else {
            b.append(String.format("\\U%08x", cp));
          }
        }
      }
    }
    return b.append('"').toString();
  }

  private static boolean isGoPrintable(int cp) {
    if (cp < 0x20 || cp == 0x7f) {
      return false;
    }
    if (cp < 0x7f) {
      return true;
    }
    int type = Character.getType(cp);
    return type != Character.CONTROL
        && type != Character.FORMAT
        && type != Character.UNASSIGNED
        && type != Character.SURROGATE
        && type != Character.PRIVATE_USE
        && type != Character.LINE_SEPARATOR
        && type != Character.PARAGRAPH_SEPARATOR
        && (type != Character.SPACE_SEPARATOR || cp == 0x20);
  }

  /** {@code map[string]string{"a":"1", "b":"2"}} with keys sorted, as Go's fmt sorts them. */
  public static GoValue stringMap(Map<?, ?> map) {
    return () -> {
      if (map == null || map.isEmpty()) {
        return "map[string]string(nil)";
      }
      TreeMap<String, String> sorted = new TreeMap<>();
      map.forEach((k, v) -> sorted.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
      List<String> parts = new ArrayList<>();
      sorted.forEach((k, v) -> parts.add(quote(k) + ":" + quote(v)));
      return "map[string]string{" + String.join(", ", parts) + "}";
    };
  }

  /** {@code []string{"a", "b"}}. */
  public static GoValue stringSlice(List<?> list) {
    return slice("string", list);
  }

  /** {@code []T{e1, e2}} or {@code []T(nil)}. */
  public static GoValue slice(String elemType, List<?> list) {
    return () -> {
      if (list == null || list.isEmpty()) {
        return "[]" + elemType + "(nil)";
      }
      List<String> parts = new ArrayList<>();
      for (Object o : list) {
        parts.add(syntax(o));
      }
      return "[]" + elemType + "{" + String.join(", ", parts) + "}";
    };
  }

  /** {@code intstr.IntOrString{Type:0, IntVal:0, StrVal:""}}; null is Go's zero value. */
  public static GoValue intOrString(IntOrString v) {
    return () -> {
      boolean isString = v != null && v.getStrVal() != null;
      int intVal = v != null && v.getIntVal() != null ? v.getIntVal() : 0;
      String strVal = isString ? v.getStrVal() : "";
      return "intstr.IntOrString{Type:"
          + (isString ? 1 : 0)
          + ", IntVal:"
          + intVal
          + ", StrVal:"
          + quote(strVal)
          + "}";
    };
  }

  /**
   * {@code v1.LabelSelector{MatchLabels:map[string]string{"app":"x"},
   * MatchExpressions:[]v1.LabelSelectorRequirement(nil)}}.
   */
  public static GoValue labelSelector(LabelSelector s) {
    List<Object> exprs = new ArrayList<>();
    if (s != null && s.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : s.getMatchExpressions()) {
        exprs.add(
            struct("v1.LabelSelectorRequirement")
                .field("Key", nz(r.getKey()))
                .field("Operator", nz(r.getOperator()))
                .field("Values", stringSlice(r.getValues())));
      }
    }
    return struct("v1.LabelSelector")
        .field("MatchLabels", stringMap(s == null ? null : s.getMatchLabels()))
        .field("MatchExpressions", slice("v1.LabelSelectorRequirement", exprs));
  }

  /** A struct rendered as {@code pkg.Type{Field:value, ...}}. */
  public static GoStruct struct(String typeName) {
    return new GoStruct(typeName);
  }

  /** A pointer nested inside a struct: {@code (*T)(nil)} or, when set, Go's hexadecimal address. */
  public static GoValue pointer(String elemType, Object target) {
    return () -> "(*" + elemType + ")(" + (target == null ? "nil" : POINTER_ADDRESS) + ")";
  }

  /** A value whose Go type has a {@code String()} method, which upstream prefers to {@code %#v}. */
  public static GoValue stringer(String text) {
    return () -> text;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** Builder of a Go struct literal. */
  public static final class GoStruct implements GoValue {
    private final String typeName;
    private final List<String> fields = new ArrayList<>();

    private GoStruct(String typeName) {
      this.typeName = typeName;
    }

    /** Appends a field; fields print in the order they are added, as Go declares them. */
    public GoStruct field(String name, Object value) {
      fields.add(name + ":" + syntax(value));
      return this;
    }

    @Override
    public String goSyntax() {
      return typeName + "{" + String.join(", ", fields) + "}";
    }
  }
}
