package io.skiff.api.selector;

import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A parsed label selector: requirements that all must hold. Parses the query-string form ({@code
 * app=web,tier!=db,env in (a,b),!legacy}) and converts the API form ({@code matchLabels} and {@code
 * matchExpressions}), with upstream's syntax and its string rendering.
 */
public final class LabelSelector {

  /** One requirement of a selector. */
  public record Requirement(String key, Operator operator, Set<String> values) {
    public Requirement {
      values = Set.copyOf(values);
    }

    /** Whether {@code labels} (not null) satisfy the requirement. */
    public boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return switch (operator) {
        case EQUALS, IN -> v != null && values.contains(v);
        case NOT_EQUALS, NOT_IN -> v == null || !values.contains(v);
        case EXISTS -> labels.containsKey(key);
        case DOES_NOT_EXIST -> !labels.containsKey(key);
        case GREATER_THAN, LESS_THAN -> v != null && compareNumbers(v);
      };
    }

    private boolean compareNumbers(String v) {
      try {
        long have = Long.parseLong(v);
        long want = Long.parseLong(values.iterator().next());
        return operator == Operator.GREATER_THAN ? have > want : have < want;
      } catch (NumberFormatException e) {
        return false;
      }
    }

    /** Upstream's rendering: {@code app=web}, {@code env in (a,b)}, {@code !legacy}. */
    @Override
    public String toString() {
      String sorted = String.join(",", new TreeSet<>(values));
      return switch (operator) {
        case EQUALS -> key + "=" + sorted;
        case NOT_EQUALS -> key + "!=" + sorted;
        case IN -> key + " in (" + sorted + ")";
        case NOT_IN -> key + " notin (" + sorted + ")";
        case EXISTS -> key;
        case DOES_NOT_EXIST -> "!" + key;
        case GREATER_THAN -> key + ">" + sorted;
        case LESS_THAN -> key + "<" + sorted;
      };
    }
  }

  /** Selector operators, as upstream's selection package names them. */
  public enum Operator {
    EQUALS,
    NOT_EQUALS,
    IN,
    NOT_IN,
    EXISTS,
    DOES_NOT_EXIST,
    GREATER_THAN,
    LESS_THAN
  }

  private static final LabelSelector EVERYTHING = new LabelSelector(List.of());

  private final List<Requirement> requirements;

  private LabelSelector(List<Requirement> requirements) {
    this.requirements = List.copyOf(requirements);
  }

  /** The selector that selects every object. */
  public static LabelSelector everything() {
    return EVERYTHING;
  }

  /**
   * Parses the query-string form; an empty or null string selects everything.
   *
   * @throws SelectorException with upstream's message when the syntax or a label is invalid
   */
  public static LabelSelector parse(String selector) {
    if (selector == null || selector.isBlank()) {
      return EVERYTHING;
    }
    return new LabelSelector(new LabelSelectorParser(selector).parse());
  }

  /**
   * Converts the API form; {@code null} selects nothing and an empty selector everything, as
   * upstream's {@code metav1.LabelSelectorAsSelector}.
   *
   * @return {@code null} for a null selector (selects nothing)
   * @throws SelectorException if an expression is invalid
   */
  public static LabelSelector of(io.fabric8.kubernetes.api.model.LabelSelector selector) {
    if (selector == null) {
      return null;
    }
    List<Requirement> reqs = new ArrayList<>();
    Map<String, String> matchLabels =
        selector.getMatchLabels() == null ? Map.of() : new TreeMap<>(selector.getMatchLabels());
    matchLabels.forEach(
        (k, v) -> {
          LabelRules.checkKey(k);
          LabelRules.checkValue(v);
          reqs.add(new Requirement(k, Operator.EQUALS, Set.of(v)));
        });
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement e : selector.getMatchExpressions()) {
        reqs.add(expression(e));
      }
    }
    reqs.sort(java.util.Comparator.comparing(Requirement::key));
    return new LabelSelector(reqs);
  }

  private static Requirement expression(LabelSelectorRequirement e) {
    LabelRules.checkKey(e.getKey());
    Operator op =
        switch (e.getOperator() == null ? "" : e.getOperator()) {
          case "In" -> Operator.IN;
          case "NotIn" -> Operator.NOT_IN;
          case "Exists" -> Operator.EXISTS;
          case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
          default ->
              throw new SelectorException(
                  "\"" + e.getOperator() + "\" is not a valid label selector operator");
        };
    return requirement(e.getKey(), op, e.getValues() == null ? List.of() : e.getValues());
  }

  /**
   * One requirement, checked as upstream's {@code labels.NewRequirement} checks it: the key and
   * values must be valid label keys and values, {@code In} and {@code NotIn} need values, {@code
   * Exists} and {@code DoesNotExist} none, {@code Gt} and {@code Lt} one integer, and equality one
   * value.
   *
   * @throws SelectorException for the first problem found
   */
  public static Requirement requirement(String key, Operator operator, List<String> values) {
    LabelRules.checkKey(key);
    switch (operator) {
      case IN, NOT_IN -> {
        if (values.isEmpty()) {
          throw new SelectorException("for 'in', 'notin' operators, values set can't be empty");
        }
      }
      case EQUALS, NOT_EQUALS -> {
        if (values.size() != 1) {
          throw new SelectorException("exact-match compatibility requires one single value");
        }
      }
      case EXISTS, DOES_NOT_EXIST -> {
        if (!values.isEmpty()) {
          throw new SelectorException("values set must be empty for exists and does not exist");
        }
      }
      case GREATER_THAN, LESS_THAN -> {
        if (values.size() != 1) {
          throw new SelectorException("for 'Gt', 'Lt' operators, exactly one value is required");
        }
        try {
          Long.parseLong(values.getFirst());
        } catch (NumberFormatException e) {
          throw new SelectorException(
              "for 'Gt', 'Lt' operators, the value must be an integer: \""
                  + values.getFirst()
                  + "\"");
        }
      }
    }
    values.forEach(LabelRules::checkValue);
    return new Requirement(key, operator, Set.copyOf(values));
  }

  public boolean matches(Map<String, String> labels) {
    Map<String, String> l = labels == null ? Map.of() : labels;
    for (Requirement r : requirements) {
      if (!r.matches(l)) {
        return false;
      }
    }
    return true;
  }

  public boolean isEverything() {
    return requirements.isEmpty();
  }

  public List<Requirement> requirements() {
    return requirements;
  }

  /**
   * The query-string form upstream renders, requirements sorted by key ({@code app=web,tier in
   * (a,b)}); empty for a selector of everything.
   */
  @Override
  public String toString() {
    return String.join(",", requirements.stream().map(Requirement::toString).toList());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelSelector s && s.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }
}
