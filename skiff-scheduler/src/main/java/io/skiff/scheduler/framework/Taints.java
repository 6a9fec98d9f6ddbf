package io.skiff.scheduler.framework;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** Toleration matching, as {@code k8s.io/api/core/v1} {@code Toleration.ToleratesTaint}. */
public final class Taints {

  private Taints() {}

  /** The taint {@code kubectl cordon} mirrors {@code spec.unschedulable} into. */
  public static final String UNSCHEDULABLE_KEY = "node.kubernetes.io/unschedulable";

  /**
   * Whether {@code toleration} tolerates {@code taint}: an empty effect matches every effect, an
   * empty key (with {@code Exists}) every key; {@code Equal} (or no operator) compares the values,
   * {@code Exists} does not; any other operator tolerates nothing.
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
    String op = toleration.getOperator();
    if (op == null || op.isEmpty() || op.equals("Equal")) {
      return nz(toleration.getValue()).equals(nz(taint.getValue()));
    }
    return op.equals("Exists");
  }

  public static boolean toleratedByAny(List<Toleration> tolerations, Taint taint) {
    for (Toleration t : tolerations) {
      if (tolerates(t, taint)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The first taint, in the node's order, that {@code applies} and no toleration tolerates:
   * upstream's {@code FindMatchingUntoleratedTaint}.
   */
  public static Optional<Taint> firstUntolerated(
      List<Taint> taints, List<Toleration> tolerations, Predicate<Taint> applies) {
    for (Taint taint : taints) {
      if (applies.test(taint) && !toleratedByAny(tolerations, taint)) {
        return Optional.of(taint);
      }
    }
    return Optional.empty();
  }

  /** The effects the filter keeps pods away for; {@code PreferNoSchedule} only lowers a score. */
  public static boolean isNoScheduleOrNoExecute(Taint t) {
    return "NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect());
  }

  static String nz(String s) {
    return s == null ? "" : s;
  }
}
