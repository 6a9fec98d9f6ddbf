package io.skiff.controllers.testcluster;

import io.skiff.api.ResourceRegistry;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.apiserver.ApiServer;
import io.skiff.apiserver.inprocess.InProcessTransport;
import io.skiff.apiserver.registry.Registry;
import io.skiff.client.KubeClient;
import io.skiff.client.transport.HttpTransport;
import io.skiff.clock.Clock;
import io.skiff.controllers.runtime.Controller;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.ControllerManager;
import io.skiff.store.memory.MemoryStore;
import java.io.IOException;
import java.util.Map;

/**
 * An API server on a memory store with a controller manager running the given controllers on the
 * system clock, as {@code skiff up} will run them: for integration tests. The controllers and the
 * test's {@link #client} talk to the server in-process or over HTTP.
 */
public final class RunningCluster implements AutoCloseable {

  private final MemoryStore store = new MemoryStore();
  private final ApiServer server;
  private final ControllerManager manager;
  public final KubeClient client;

  private RunningCluster(boolean http, Map<String, ControllerManager.Factory> controllers)
      throws IOException, InterruptedException {
    if (http) {
      server = ApiServer.builder().port(0).store(store).build().start();
      client = KubeClient.over(HttpTransport.builder(server.url()).build());
    } else {
      server = null;
      Registry registry =
          new Registry(ResourceRegistry.builtin(), store, new ObjectCodec(), Clock.system());
      registry.bootstrap();
      client = KubeClient.over(new InProcessTransport(registry));
    }
    manager = new ControllerManager(ControllerContext.of(client, Clock.system()));
    controllers.forEach(manager::register);
    manager.start();
  }

  /** Controllers and test in the API server's process. */
  public static RunningCluster inProcess(Map<String, ControllerManager.Factory> controllers)
      throws IOException, InterruptedException {
    return new RunningCluster(false, controllers);
  }

  /** Controllers and test reaching the API server over HTTP. */
  public static RunningCluster overHttp(Map<String, ControllerManager.Factory> controllers)
      throws IOException, InterruptedException {
    return new RunningCluster(true, controllers);
  }

  /** The running controller registered under {@code name}. */
  public <C extends Controller> C controller(String name, Class<C> kind) {
    return kind.cast(manager.controller(name).orElseThrow());
  }

  @Override
  public void close() {
    manager.close();
    client.close();
    if (server != null) {
      server.stop();
    }
    store.close();
  }
}
