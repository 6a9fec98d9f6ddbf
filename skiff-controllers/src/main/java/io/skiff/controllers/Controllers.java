package io.skiff.controllers;

import io.skiff.controllers.cronjob.CronJobController;
import io.skiff.controllers.daemonset.DaemonSetController;
import io.skiff.controllers.deployment.DeploymentController;
import io.skiff.controllers.disruption.DisruptionController;
import io.skiff.controllers.garbagecollector.GarbageCollector;
import io.skiff.controllers.job.JobController;
import io.skiff.controllers.namespace.NamespaceController;
import io.skiff.controllers.nodelifecycle.NodeLifecycleController;
import io.skiff.controllers.nodelifecycle.TaintEvictionController;
import io.skiff.controllers.podgc.PodGcController;
import io.skiff.controllers.replicaset.ReplicaSetController;
import io.skiff.controllers.replicationcontroller.ReplicationManager;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.ControllerManager;
import io.skiff.controllers.runtime.ControllerSelection;
import io.skiff.controllers.statefulset.StatefulSetController;
import io.skiff.controllers.ttlafterfinished.TtlAfterFinishedController;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The controllers kube-controller-manager runs by default that Skiff implements, registered on one
 * manager: what {@code skiff up} runs in-process and {@code skiff controller-manager} over HTTP.
 * Each has upstream's canonical name (what {@code --controllers} takes, with the old names as
 * aliases); it is registered under its old name, which its worker count is looked up by.
 */
public final class Controllers {

  private Controllers() {}

  /** One controller: upstream's name for it, the name Skiff registers it by, how to make it. */
  private record Descriptor(
      String name, String alias, Function<Duration, ControllerManager.Factory> factory) {}

  /** In the order the manager makes and starts them. */
  private static final List<Descriptor> DESCRIPTORS =
      List.of(
          new Descriptor(
              "node-lifecycle-controller",
              NodeLifecycleController.NAME,
              grace -> c -> new NodeLifecycleController(c, grace)),
          new Descriptor(
              TaintEvictionController.NAME,
              TaintEvictionController.NAME,
              grace -> TaintEvictionController::new),
          new Descriptor(
              "disruption-controller",
              DisruptionController.NAME,
              grace -> DisruptionController::new),
          new Descriptor(
              "deployment-controller",
              DeploymentController.NAME,
              grace -> DeploymentController::new),
          new Descriptor(
              "replicaset-controller",
              ReplicaSetController.NAME,
              grace -> ReplicaSetController::create),
          new Descriptor(
              "replicationcontroller-controller",
              ReplicationManager.NAME,
              grace -> ReplicationManager::create),
          new Descriptor(
              "garbage-collector-controller",
              GarbageCollector.NAME,
              grace -> GarbageCollector::new),
          new Descriptor(
              "namespace-controller", NamespaceController.NAME, grace -> NamespaceController::new),
          new Descriptor(
              "pod-garbage-collector-controller",
              PodGcController.NAME,
              grace -> PodGcController::new),
          new Descriptor(
              "statefulset-controller",
              StatefulSetController.NAME,
              grace -> StatefulSetController::new),
          new Descriptor(
              "daemonset-controller", DaemonSetController.NAME, grace -> DaemonSetController::new),
          new Descriptor("job-controller", JobController.NAME, grace -> JobController::new),
          new Descriptor(
              "cronjob-controller", CronJobController.NAME, grace -> CronJobController::new),
          new Descriptor(
              "ttl-after-finished-controller",
              TtlAfterFinishedController.NAME,
              grace -> TtlAfterFinishedController::new));

  /** Upstream's canonical names of the controllers Skiff runs, in start order. */
  public static final List<String> NAMES = DESCRIPTORS.stream().map(Descriptor::name).toList();

  /** Upstream's old names of those controllers, to the canonical ones. */
  private static final Map<String, String> ALIASES =
      DESCRIPTORS.stream()
          .filter(d -> !d.alias().equals(d.name()))
          .collect(Collectors.toUnmodifiableMap(Descriptor::alias, Descriptor::name));

  /**
   * Reads a {@code --controllers} list ({@code *}, {@code foo}, {@code -foo}) against {@link
   * #NAMES} and their old names.
   *
   * @throws IllegalArgumentException naming each entry that is none of them
   */
  public static ControllerSelection selection(List<String> entries) {
    return ControllerSelection.parse(entries, NAMES, ALIASES);
  }

  /**
   * A manager over {@code ctx} with every controller registered, upstream's defaults; not started.
   */
  public static ControllerManager all(ControllerContext ctx) {
    return all(ctx, NodeLifecycleController.DEFAULT_MONITOR_GRACE_PERIOD);
  }

  /**
   * A manager over {@code ctx} with every controller registered; not started.
   *
   * @param nodeMonitorGracePeriod how old a node's lease may get before it turns Unknown
   */
  public static ControllerManager all(ControllerContext ctx, Duration nodeMonitorGracePeriod) {
    return selected(ctx, nodeMonitorGracePeriod, ControllerSelection.ALL);
  }

  /**
   * A manager over {@code ctx} with the controllers {@code selection} enables; not started.
   *
   * @param nodeMonitorGracePeriod how old a node's lease may get before it turns Unknown
   */
  public static ControllerManager selected(
      ControllerContext ctx, Duration nodeMonitorGracePeriod, ControllerSelection selection) {
    ControllerManager manager = new ControllerManager(ctx);
    for (Descriptor d : DESCRIPTORS) {
      if (selection.isEnabled(d.name())) {
        manager.register(d.alias(), d.factory().apply(nodeMonitorGracePeriod));
      }
    }
    return manager;
  }
}
