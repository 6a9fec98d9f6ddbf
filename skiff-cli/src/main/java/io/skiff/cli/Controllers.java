package io.skiff.cli;

import io.skiff.apiserver.ApiServer;
import io.skiff.apiserver.inprocess.InProcessTransport;
import io.skiff.client.KubeClient;
import io.skiff.clock.Clock;
import io.skiff.controllers.garbagecollector.GarbageCollector;
import io.skiff.controllers.namespace.NamespaceController;
import io.skiff.controllers.podgc.PodGcController;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.ControllerManager;

/**
 * The control loops {@code skiff up} runs in its own process, through the in-process transport:
 * kube-controller-manager's part of Skiff.
 */
final class Controllers implements AutoCloseable {

  private final KubeClient client;
  private final ControllerManager manager;

  private Controllers(KubeClient client, ControllerManager manager) {
    this.client = client;
    this.manager = manager;
  }

  /**
   * Starts the controllers against {@code server} once their informers have synced.
   *
   * @throws IllegalStateException if the caches did not sync in time
   */
  static Controllers start(ApiServer server, Clock clock) throws InterruptedException {
    KubeClient client = KubeClient.over(new InProcessTransport(server.registry()));
    ControllerManager manager =
        new ControllerManager(ControllerContext.of(client, clock))
            .register(GarbageCollector.NAME, GarbageCollector::new)
            .register(NamespaceController.NAME, NamespaceController::new)
            .register(PodGcController.NAME, PodGcController::new);
    try {
      manager.start();
    } catch (InterruptedException | RuntimeException e) {
      manager.close();
      client.close();
      throw e;
    }
    return new Controllers(client, manager);
  }

  /** Stops the controllers, then their watches. */
  @Override
  public void close() {
    manager.close();
    client.close();
  }
}
