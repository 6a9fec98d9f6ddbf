package io.skiff.api.selector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed field selector ({@code metadata.name=web,status.phase!=Running}): exact-match terms on
 * the fields a resource supports, with upstream's escaping of {@code \,}, {@code \=} and {@code
 * \\}.
 */
public final class FieldSelector {

  /** One term: {@code field=value} or, when {@code negated}, {@code field!=value}. */
  public record Term(String field, String value, boolean negated) {
    @Override
    public String toString() {
      return field + (negated ? "!=" : "=") + escape(value);
    }
  }

  private static final FieldSelector EVERYTHING = new FieldSelector(List.of());

  private final List<Term> terms;

  private FieldSelector(List<Term> terms) {
    this.terms = List.copyOf(terms);
  }

  public static FieldSelector everything() {
    return EVERYTHING;
  }

  /**
   * Parses a selector; an empty or null string selects everything.
   *
   * @throws SelectorException for a term without an operator, as upstream's "invalid selector"
   */
  public static FieldSelector parse(String selector) {
    if (selector == null || selector.isBlank()) {
      return EVERYTHING;
    }
    List<Term> terms = new ArrayList<>();
    for (String part : splitUnescaped(selector, ',')) {
      if (part.isEmpty()) {
        continue;
      }
      terms.add(term(part));
    }
    return new FieldSelector(terms);
  }

  /**
   * Checks that every term names a field in {@code supported}.
   *
   * @throws SelectorException {@code field label not supported: <field>} as upstream
   */
  public FieldSelector requireFields(Set<String> supported) {
    for (Term t : terms) {
      if (!supported.contains(t.field())) {
        throw new SelectorException("field label not supported: " + t.field());
      }
    }
    return this;
  }

  /** Whether an object whose selectable fields have these values matches. */
  public boolean matches(Map<String, String> fields) {
    for (Term t : terms) {
      String v = fields.getOrDefault(t.field(), "");
      if (v.equals(t.value()) == t.negated()) {
        return false;
      }
    }
    return true;
  }

  public boolean isEverything() {
    return terms.isEmpty();
  }

  public List<Term> terms() {
    return terms;
  }

  /** The value this selector requires of {@code field} with {@code =}, or null. */
  public String requiredValue(String field) {
    for (Term t : terms) {
      if (!t.negated() && t.field().equals(field)) {
        return t.value();
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return String.join(",", terms.stream().map(Term::toString).toList());
  }

  private static Term term(String part) {
    int[] op = findOperator(part);
    if (op == null) {
      throw new SelectorException(
          "invalid selector: '" + part + "'; can't understand '" + part + "'");
    }
    String field = part.substring(0, op[0]).trim();
    String value = unescape(part.substring(op[0] + op[1]));
    boolean negated = part.charAt(op[0]) == '!';
    return new Term(field, value, negated);
  }

  /** Index and length of the first unescaped operator ({@code !=}, {@code ==}, {@code =}). */
  private static int[] findOperator(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        i++;
        continue;
      }
      if (c == '!' && i + 1 < s.length() && s.charAt(i + 1) == '=') {
        return new int[] {i, 2};
      }
      if (c == '=') {
        return new int[] {i, i + 1 < s.length() && s.charAt(i + 1) == '=' ? 2 : 1};
      }
    }
    return null;
  }

  private static List<String> splitUnescaped(String s, char sep) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        cur.append(c).append(s.charAt(++i));
      } else if (c == sep) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }

  private static String unescape(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        if (n != '\\' && n != ',' && n != '=') {
          throw new SelectorException("invalid escape sequence: \\" + n);
        }
        out.append(n);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=");
  }
}
