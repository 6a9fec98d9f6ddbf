package io.skiff.api.validation;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Label selector validation, conversion and matching, as {@code metav1} does them. */
final class Selectors {

  private Selectors() {}

  /** A parsed selector. */
  interface Selector {
    /** True for the selector that matches everything (an empty {@code LabelSelector}). */
    boolean empty();

    boolean matches(Map<String, String> labels);
  }

  /** What upstream converts a nil selector to: matches nothing, and is not "empty". */
  static final Selector NOTHING =
      new Selector() {
        @Override
        public boolean empty() {
          return false;
        }

        @Override
        public boolean matches(Map<String, String> labels) {
          return false;
        }
      };

  private static final Selector EVERYTHING =
      new Selector() {
        @Override
        public boolean empty() {
          return true;
        }

        @Override
        public boolean matches(Map<String, String> labels) {
          return true;
        }
      };

  private record Requirement(String key, String op, List<String> values) {
    boolean matches(Map<String, String> labels) {
      boolean has = labels != null && labels.containsKey(key);
      String v = has ? labels.get(key) : null;
      return switch (op) {
        case "In" -> has && values.contains(v);
        case "NotIn" -> !has || !values.contains(v);
        case "Exists" -> has;
        case "DoesNotExist" -> !has;
        default -> false;
      };
    }
  }

  /**
   * Upstream's {@code LabelSelectorAsSelector}: nil → matches nothing, empty → matches everything,
   * anything that does not parse → empty Optional (the caller reports its own error).
   */
  static Optional<Selector> asSelector(LabelSelector s) {
    if (s == null) {
      return Optional.of(NOTHING);
    }
    Map<String, String> matchLabels = nonNull(s.getMatchLabels());
    List<LabelSelectorRequirement> exprs = nonNullList(s.getMatchExpressions());
    if (matchLabels.isEmpty() && exprs.isEmpty()) {
      return Optional.of(EVERYTHING);
    }
    List<Requirement> reqs = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(matchLabels).entrySet()) {
      String v = e.getValue() == null ? "" : e.getValue();
      if (!Names.isQualifiedName(e.getKey()).isEmpty() || !Names.isValidLabelValue(v).isEmpty()) {
        return Optional.empty();
      }
      reqs.add(new Requirement(e.getKey(), "In", List.of(v)));
    }
    for (LabelSelectorRequirement r : exprs) {
      String op = r.getOperator() == null ? "" : r.getOperator();
      String key = r.getKey() == null ? "" : r.getKey();
      List<String> values = nonNullList(r.getValues());
      switch (op) {
        case "In", "NotIn" -> {
          if (values.isEmpty()) {
            return Optional.empty();
          }
        }
        case "Exists", "DoesNotExist" -> {
          if (!values.isEmpty()) {
            return Optional.empty();
          }
        }
        default -> {
          return Optional.empty();
        }
      }
      if (!Names.isQualifiedName(key).isEmpty()) {
        return Optional.empty();
      }
      for (String v : values) {
        if (!Names.isValidLabelValue(v == null ? "" : v).isEmpty()) {
          return Optional.empty();
        }
      }
      reqs.add(new Requirement(key, op, values));
    }
    return Optional.of(
        new Selector() {
          @Override
          public boolean empty() {
            return false;
          }

          @Override
          public boolean matches(Map<String, String> labels) {
            return reqs.stream().allMatch(r -> r.matches(labels));
          }
        });
  }

  /** A selector built from a plain label map (ReplicationController, Service). */
  static Selector fromMap(Map<String, String> selector) {
    Map<String, String> m = nonNull(selector);
    if (m.isEmpty()) {
      return EVERYTHING;
    }
    return new Selector() {
      @Override
      public boolean empty() {
        return false;
      }

      @Override
      public boolean matches(Map<String, String> labels) {
        Map<String, String> l = nonNull(labels);
        return m.entrySet().stream()
            .allMatch(
                e ->
                    l.containsKey(e.getKey())
                        && java.util.Objects.equals(l.get(e.getKey()), e.getValue()));
      }
    };
  }

  /** Upstream's {@code ValidateLabelSelector}. */
  static List<FieldError> validate(
      LabelSelector s, boolean allowInvalidLabelValue, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    if (s == null) {
      return errs;
    }
    errs.addAll(MetaValidation.validateLabels(s.getMatchLabels(), path.child("matchLabels")));
    List<LabelSelectorRequirement> exprs = nonNullList(s.getMatchExpressions());
    for (int i = 0; i < exprs.size(); i++) {
      errs.addAll(
          validateRequirement(
              exprs.get(i), allowInvalidLabelValue, path.child("matchExpressions").index(i)));
    }
    return errs;
  }

  private static List<FieldError> validateRequirement(
      LabelSelectorRequirement r, boolean allowInvalidLabelValue, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    String op = r.getOperator() == null ? "" : r.getOperator();
    List<String> values = nonNullList(r.getValues());
    switch (op) {
      case "In", "NotIn" -> {
        if (values.isEmpty()) {
          errs.add(
              FieldError.required(
                  path.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
        }
      }
      case "Exists", "DoesNotExist" -> {
        if (!values.isEmpty()) {
          errs.add(
              FieldError.forbidden(
                  path.child("values"),
                  "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        }
      }
      default ->
          errs.add(FieldError.invalid(path.child("operator"), op, "not a valid selector operator"));
    }
    errs.addAll(MetaValidation.validateLabelName(nz(r.getKey()), path.child("key")));
    if (!allowInvalidLabelValue) {
      for (int i = 0; i < values.size(); i++) {
        String v = nz(values.get(i));
        for (String msg : Names.isValidLabelValue(v)) {
          errs.add(FieldError.invalid(path.child("values").index(i), v, msg));
        }
      }
    }
    return errs;
  }

  /** True when the selector has neither matchLabels nor matchExpressions. */
  static boolean isEmpty(LabelSelector s) {
    return s != null
        && nonNull(s.getMatchLabels()).isEmpty()
        && nonNullList(s.getMatchExpressions()).isEmpty();
  }

  static <K, V> Map<K, V> nonNull(Map<K, V> m) {
    return m == null ? Map.of() : m;
  }

  static <T> List<T> nonNullList(List<T> l) {
    return l == null ? List.of() : l;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
