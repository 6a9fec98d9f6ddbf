package io.skiff.scheduler.framework;

import java.util.List;

/**
 * What a filter says about one node: upstream's {@code framework.Status} without the codes Skiff
 * has no use for.
 *
 * @param code whether the node fits, and if not whether preemption could change that
 * @param reasons the texts counted in the {@code FailedScheduling} message, one per reason
 */
public record Status(Code code, List<String> reasons) {

  /** Upstream's status codes that a filter returns. */
  public enum Code {
    SUCCESS,
    /** The node does not fit now; removing pods from it (preemption) might help. */
    UNSCHEDULABLE,
    /** The node does not fit whatever pods are removed from it. */
    UNSCHEDULABLE_AND_UNRESOLVABLE
  }

  public static final Status SUCCESS = new Status(Code.SUCCESS, List.of());

  public Status {
    reasons = List.copyOf(reasons);
  }

  public static Status unschedulable(String... reasons) {
    return new Status(Code.UNSCHEDULABLE, List.of(reasons));
  }

  public static Status unresolvable(String... reasons) {
    return new Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, List.of(reasons));
  }

  public boolean isSuccess() {
    return code == Code.SUCCESS;
  }

  /** The reasons joined as upstream's {@code Status.Message()} joins them. */
  public String message() {
    return String.join(", ", reasons);
  }
}
