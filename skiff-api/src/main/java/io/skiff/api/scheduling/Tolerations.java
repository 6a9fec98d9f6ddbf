package io.skiff.api.scheduling;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which tolerations tolerate which taints: upstream's {@code Toleration.ToleratesTaint} ({@code
 * k8s.io/api/core/v1}), {@code TolerationsTolerateTaint} and {@code FindMatchingUntoleratedTaint}
 * ({@code k8s.io/component-helpers/scheduling/corev1}) and {@code GetMatchingTolerations} ({@code
 * pkg/apis/core/v1/helper}). A null list of tolerations or taints reads as empty, as a nil slice
 * does in Go.
 */
public final class Tolerations {

  private Tolerations() {}

  /**
   * Whether {@code toleration} tolerates {@code taint}: an empty effect matches every effect, an
   * empty key every key; {@code Equal} (or no operator) compares the values, {@code Exists} does
   * not. Any other operator tolerates nothing: {@code Gt} and {@code Lt} are upstream's alpha
   * {@code TaintTolerationComparisonOperators}, off by default, and Skiff does not implement them.
   */
  public static boolean tolerates(Toleration toleration, Taint taint) {
    String effect = toleration.getEffect();
    if (effect != null && !effect.isEmpty() && !effect.equals(taint.getEffect())) {
      return false;
    }
    String key = toleration.getKey();
    if (key != null && !key.isEmpty() && !key.equals(taint.getKey())) {
      return false;
    }
    String operator = toleration.getOperator();
    if (operator == null || operator.isEmpty() || operator.equals("Equal")) {
      return emptyIfNull(toleration.getValue()).equals(emptyIfNull(taint.getValue()));
    }
    return operator.equals("Exists");
  }

  /** Whether some toleration tolerates {@code taint}. */
  public static boolean tolerationsTolerateTaint(List<Toleration> tolerations, Taint taint) {
    for (Toleration t : nullToEmpty(tolerations)) {
      if (tolerates(t, taint)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The first taint, in the node's order, that {@code inclusionFilter} keeps and no toleration
   * tolerates; empty when the tolerations tolerate every such taint.
   */
  public static Optional<Taint> findMatchingUntoleratedTaint(
      List<Taint> taints, List<Toleration> tolerations, Predicate<Taint> inclusionFilter) {
    for (Taint taint : nullToEmpty(taints)) {
      if (inclusionFilter.test(taint) && !tolerationsTolerateTaint(tolerations, taint)) {
        return Optional.of(taint);
      }
    }
    return Optional.empty();
  }

  /**
   * For each taint, the first toleration that tolerates it, in the taints' order (a toleration
   * appears once per taint it is first to tolerate); empty when some taint is not tolerated at all.
   * Which toleration counts matters to the taint eviction controller, which reads its {@code
   * tolerationSeconds}: the first match wins, not the most lenient.
   */
  public static Optional<List<Toleration>> matchingTolerations(
      List<Taint> taints, List<Toleration> tolerations) {
    List<Toleration> result = new ArrayList<>();
    for (Taint taint : nullToEmpty(taints)) {
      Optional<Toleration> first =
          nullToEmpty(tolerations).stream().filter(t -> tolerates(t, taint)).findFirst();
      if (first.isEmpty()) {
        return Optional.empty();
      }
      result.add(first.get());
    }
    return Optional.of(List.copyOf(result));
  }

  private static String emptyIfNull(String s) {
    return s == null ? "" : s;
  }

  private static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
