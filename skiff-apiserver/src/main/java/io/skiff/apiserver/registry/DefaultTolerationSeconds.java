package io.skiff.apiserver.registry;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Upstream's DefaultTolerationSeconds admission: a pod created or updated without a NoExecute
 * toleration for the not-ready and unreachable taints gets one for a bounded time, so that when its
 * node stops reporting it is evicted after that time rather than at once or never.
 *
 * @param notReadySeconds {@code --default-not-ready-toleration-seconds}
 * @param unreachableSeconds {@code --default-unreachable-toleration-seconds}
 */
public record DefaultTolerationSeconds(long notReadySeconds, long unreachableSeconds) {

  public static final String NOT_READY = "node.kubernetes.io/not-ready";
  public static final String UNREACHABLE = "node.kubernetes.io/unreachable";

  /** Upstream's defaults: five minutes each. */
  public static final DefaultTolerationSeconds DEFAULT = new DefaultTolerationSeconds(300, 300);

  public DefaultTolerationSeconds {
    if (notReadySeconds < 0 || unreachableSeconds < 0) {
      throw new IllegalArgumentException("toleration seconds must not be negative");
    }
  }

  /**
   * Adds the missing default tolerations to {@code pod}, in place (it is the request's copy). On an
   * update this puts back defaults the new object left out, which pod validation would otherwise
   * refuse as a removed toleration.
   */
  void admit(Pod pod) {
    if (pod.getSpec() == null) {
      return;
    }
    List<Toleration> tolerations =
        new ArrayList<>(Objects.requireNonNullElse(pod.getSpec().getTolerations(), List.of()));
    boolean notReady = tolerates(tolerations, NOT_READY);
    boolean unreachable = tolerates(tolerations, UNREACHABLE);
    if (notReady && unreachable) {
      return;
    }
    if (!notReady) {
      tolerations.add(toleration(NOT_READY, notReadySeconds));
    }
    if (!unreachable) {
      tolerations.add(toleration(UNREACHABLE, unreachableSeconds));
    }
    pod.getSpec().setTolerations(tolerations);
  }

  /**
   * Whether some toleration names {@code key} (or every key) and NoExecute (or every effect).
   * Upstream looks at nothing else: an {@code Equal} toleration with any value counts, although it
   * would not tolerate the taint, whose value is empty.
   */
  private static boolean tolerates(List<Toleration> tolerations, String key) {
    for (Toleration t : tolerations) {
      boolean anyKey = t.getKey() == null || t.getKey().isEmpty();
      boolean anyEffect = t.getEffect() == null || t.getEffect().isEmpty();
      if ((anyKey || key.equals(t.getKey())) && (anyEffect || "NoExecute".equals(t.getEffect()))) {
        return true;
      }
    }
    return false;
  }

  private static Toleration toleration(String key, long seconds) {
    Toleration t = new Toleration();
    t.setKey(key);
    t.setOperator("Exists");
    t.setEffect("NoExecute");
    t.setTolerationSeconds(seconds);
    return t;
  }
}
