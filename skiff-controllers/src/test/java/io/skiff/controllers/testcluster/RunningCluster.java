package io.skiff.controllers.testcluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.apiserver.ApiServer;
import io.skiff.apiserver.inprocess.InProcessTransport;
import io.skiff.apiserver.registry.Registry;
import io.skiff.client.KubeClient;
import io.skiff.client.Resources;
import io.skiff.client.transport.HttpTransport;
import io.skiff.clock.Clock;
import io.skiff.controllers.runtime.Controller;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.ControllerManager;
import io.skiff.controllers.runtime.ControllerOptions;
import io.skiff.store.memory.MemoryStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An API server on a memory store with a controller manager running the given controllers, as
 * {@code skiff up} runs them: the fixture of the controllers' integration tests. Register it on an
 * instance field, configured before the test starts; it starts before each test's
 * {@code @BeforeEach} methods and stops after its {@code @AfterEach} methods:
 *
 * <pre>{@code
 * @RegisterExtension
 * final RunningCluster cluster =
 *     RunningCluster.inProcess().clock(clock).controller(JobController.NAME, JobController::new);
 * }</pre>
 *
 * The controllers and the test's {@link #client()} reach the server in-process (the same admission
 * and storage path, no HTTP) or over HTTP; the controllers read {@link #clock(Clock) the clock},
 * the system clock unless the test gives a {@code ManualClock}.
 */
public final class RunningCluster implements BeforeEachCallback, AfterEachCallback {

  private final boolean http;
  private Clock clock = Clock.system();
  private ControllerOptions options = ControllerOptions.defaults();
  private final Map<String, ControllerManager.Factory> controllers = new LinkedHashMap<>();

  private MemoryStore store;
  private ApiServer server;
  private KubeClient client;
  private ControllerManager manager;

  private RunningCluster(boolean http) {
    this.http = http;
  }

  /** Controllers and test in the API server's process. */
  public static RunningCluster inProcess() {
    return new RunningCluster(false);
  }

  /** Controllers and test reaching the API server over HTTP. */
  public static RunningCluster overHttp() {
    return new RunningCluster(true);
  }

  /** The clock of the API server and of the controllers. */
  public RunningCluster clock(Clock clock) {
    notStarted();
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  public RunningCluster options(ControllerOptions options) {
    notStarted();
    this.options = Objects.requireNonNull(options, "options");
    return this;
  }

  /** Runs the controller made by {@code factory} under {@code name}; they start in this order. */
  public RunningCluster controller(String name, ControllerManager.Factory factory) {
    notStarted();
    controllers.put(name, factory);
    return this;
  }

  private void notStarted() {
    if (manager != null) {
      throw new IllegalStateException("the cluster is running already");
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  private void start() throws Exception {
    notStarted();
    store = new MemoryStore();
    if (http) {
      server = ApiServer.builder().port(0).store(store).clock(clock).build().start();
      client = KubeClient.over(HttpTransport.builder(server.url()).build());
    } else {
      Registry registry = new Registry(ResourceRegistry.builtin(), store, new ObjectCodec(), clock);
      registry.bootstrap();
      client = KubeClient.over(new InProcessTransport(registry));
    }
    manager =
        new ControllerManager(ControllerContext.builder(client, clock).options(options).build());
    controllers.forEach(manager::register);
    manager.start();
  }

  /** The client of the test, which shares the controllers' transport. */
  public KubeClient client() {
    return running(client);
  }

  public <T extends HasMetadata> Resources<T> resources(Class<T> kind) {
    return client().resources(kind);
  }

  /** The controllers' context: their informers' caches, for a test to wait on. */
  public ControllerContext context() {
    return running(manager).context();
  }

  /** The running controller registered under {@code name}. */
  public <C extends Controller> C controller(String name, Class<C> kind) {
    return kind.cast(running(manager).controller(name).orElseThrow());
  }

  private static <T> T running(T part) {
    if (part == null) {
      throw new IllegalStateException("the cluster is not running");
    }
    return part;
  }

  private void close() {
    try {
      if (manager != null) {
        manager.close();
      }
      if (client != null) {
        // Fails the test if a controller changed an object its informer shares with the cache.
        client.close();
      }
    } finally {
      if (server != null) {
        server.stop();
      }
      if (store != null) {
        store.close();
      }
    }
  }
}
