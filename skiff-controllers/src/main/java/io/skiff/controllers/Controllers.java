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
import io.skiff.controllers.statefulset.StatefulSetController;
import io.skiff.controllers.ttlafterfinished.TtlAfterFinishedController;
import java.time.Duration;

/**
 * The controllers kube-controller-manager runs by default that Skiff implements, registered on one
 * manager: what {@code skiff up} runs in-process and {@code skiff controller-manager} over HTTP.
 */
public final class Controllers {

  private Controllers() {}

  /** Upstream's {@code --node-monitor-grace-period}. */
  public static final Duration DEFAULT_NODE_MONITOR_GRACE_PERIOD = Duration.ofSeconds(40);

  /**
   * A manager over {@code ctx} with every controller registered, upstream's defaults; not started.
   */
  public static ControllerManager all(ControllerContext ctx) {
    return all(ctx, DEFAULT_NODE_MONITOR_GRACE_PERIOD);
  }

  /**
   * A manager over {@code ctx} with every controller registered; not started.
   *
   * @param nodeMonitorGracePeriod how old a node's lease may get before it turns Unknown
   */
  public static ControllerManager all(ControllerContext ctx, Duration nodeMonitorGracePeriod) {
    return new ControllerManager(ctx)
        .register(
            NodeLifecycleController.NAME,
            c -> new NodeLifecycleController(c, nodeMonitorGracePeriod))
        .register(TaintEvictionController.NAME, TaintEvictionController::new)
        .register(DisruptionController.NAME, DisruptionController::new)
        .register(DeploymentController.NAME, DeploymentController::new)
        .register(ReplicaSetController.NAME, ReplicaSetController::create)
        .register(ReplicationManager.NAME, ReplicationManager::create)
        .register(GarbageCollector.NAME, GarbageCollector::new)
        .register(NamespaceController.NAME, NamespaceController::new)
        .register(PodGcController.NAME, PodGcController::new)
        .register(StatefulSetController.NAME, StatefulSetController::new)
        .register(DaemonSetController.NAME, DaemonSetController::new)
        .register(JobController.NAME, JobController::new)
        .register(CronJobController.NAME, CronJobController::new)
        .register(TtlAfterFinishedController.NAME, TtlAfterFinishedController::new);
  }
}
