package io.skiff.scheduler.framework;

import java.util.Set;

/** The outcome of one scheduling cycle. */
public sealed interface ScheduleResult {

  /** The pod goes to {@code nodeName}. */
  record Scheduled(String nodeName, int evaluatedNodes, int feasibleNodes)
      implements ScheduleResult {}

  /**
   * The pod fits no node.
   *
   * @param message the {@code FailedScheduling} event's and the {@code PodScheduled} condition's
   *     message, as upstream words it
   * @param rejectingPlugins the filters that rejected it; empty when there were no nodes at all,
   *     which any change to the cluster may cure
   */
  record Unschedulable(String message, Set<String> rejectingPlugins) implements ScheduleResult {
    public Unschedulable {
      rejectingPlugins = Set.copyOf(rejectingPlugins);
    }
  }
}
