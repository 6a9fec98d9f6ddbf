package io.skiff.cli;

import io.skiff.apiserver.ApiServer;
import io.skiff.apiserver.inprocess.InProcessTransport;
import io.skiff.client.KubeClient;
import io.skiff.clock.Clock;
import io.skiff.controllers.Controllers;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.ControllerManager;
import io.skiff.node.NodeOptions;
import io.skiff.node.NodeSimulator;
import io.skiff.scheduler.Scheduler;
import io.skiff.scheduler.SchedulerOptions;
import java.time.Duration;
import java.util.Arrays;

/**
 * What runs beside the API server in {@code skiff up}: the controller manager, the scheduler and
 * the simulated nodes, each on its own in-process client (the same admission and storage path as
 * HTTP, without HTTP, and without client-side rate limits), and each with its own informers, as
 * separate processes would have. Started in dependency order, closed in the reverse one. The
 * controller manager may be left out, to run in {@code skiff controller-manager} processes.
 */
final class ControlPlane implements AutoCloseable {

  private final KubeClient controllerClient;
  private final KubeClient schedulerClient;
  private final KubeClient nodeClient;
  private ControllerManager controllers;
  private Scheduler scheduler;
  private NodeSimulator nodes;

  private ControlPlane(ApiServer server, boolean controllerManager) {
    controllerClient =
        controllerManager ? KubeClient.over(new InProcessTransport(server.registry())) : null;
    schedulerClient = KubeClient.over(new InProcessTransport(server.registry()));
    nodeClient = KubeClient.over(new InProcessTransport(server.registry()));
  }

  /**
   * Starts everything against {@code server}; returns once the nodes are registered and the
   * controllers' caches have synced.
   *
   * @param controllerManager whether the controllers run here
   */
  static ControlPlane start(
      ApiServer server,
      Clock clock,
      NodeOptions nodeOptions,
      boolean controllerManager,
      Duration nodeMonitorGracePeriod)
      throws InterruptedException {
    ControlPlane cp = new ControlPlane(server, controllerManager);
    try {
      cp.nodes = NodeSimulator.start(cp.nodeClient, clock, nodeOptions);
      cp.scheduler = Scheduler.start(cp.schedulerClient, clock, SchedulerOptions.defaults());
      if (controllerManager) {
        cp.controllers =
            Controllers.all(
                ControllerContext.of(cp.controllerClient, clock), nodeMonitorGracePeriod);
        cp.controllers.start();
      }
      return cp;
    } catch (InterruptedException | RuntimeException e) {
      cp.close();
      throw e;
    }
  }

  @Override
  public void close() {
    if (controllers != null) {
      controllers.close();
    }
    if (scheduler != null) {
      scheduler.close();
    }
    if (nodes != null) {
      nodes.close();
    }
    // Every client closes even if one fails (with the cache mutation detector on, a close reports
    // objects changed by their readers); the first failure is rethrown.
    RuntimeException failure = null;
    for (KubeClient client : Arrays.asList(controllerClient, schedulerClient, nodeClient)) {
      if (client == null) {
        continue;
      }
      try {
        client.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
