package io.skiff.controllers.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a set of controllers over one {@link ControllerContext}: kube-controller-manager.
 *
 * <pre>{@code
 * ControllerContext ctx = ControllerContext.of(client, Clock.system());
 * ControllerManager manager = new ControllerManager(ctx)
 *     .register(ReplicaSetController.NAME, ReplicaSetController::create)
 *     .register(ReplicationManager.NAME, ReplicationManager::create);
 * manager.start();          // in-process: no leader election
 * ...
 * manager.close();
 *
 * // a separate process over HTTP: run only while holding the kube-controller-manager Lease
 * LeaderElectionConfig election =
 *     LeaderElectionConfig.defaults(LeaderElectionConfig.defaultIdentity());
 * manager.startWithLeaderElection(election, () -> log("leading"), () -> System.exit(1));
 * }</pre>
 *
 * <p>{@link #start} makes every registered controller over its own view of the context ({@link
 * ControllerContext#forController}: its own client if the context has one per controller), which
 * asks the shared factory for its informers and adds handlers; then it starts the informers, waits
 * for their first lists, and starts each controller's workers ({@link
 * ControllerOptions#workersFor}). A manager runs once: after {@link #close} it cannot start again
 * (the informers are stopped for good), which is why losing the lease ends the process upstream.
 */
public final class ControllerManager implements AutoCloseable {

  private static final System.Logger log = System.getLogger(ControllerManager.class.getName());

  /** Makes a controller over the shared context. */
  @FunctionalInterface
  public interface Factory {
    Controller create(ControllerContext context);
  }

  private enum State {
    NEW,
    STARTING,
    RUNNING,
    STOPPED
  }

  private final ControllerContext context;
  private final Map<String, Factory> factories = new LinkedHashMap<>();
  private final Map<String, Controller> controllers = new LinkedHashMap<>();
  private State state = State.NEW;
  private LeaderElector elector;

  public ControllerManager(ControllerContext context) {
    this.context = Objects.requireNonNull(context, "context");
  }

  public ControllerContext context() {
    return context;
  }

  /**
   * Registers a controller to run under {@code name} (the name its worker count is looked up by).
   *
   * @throws IllegalStateException after {@link #start}, or if the name is taken
   */
  public synchronized ControllerManager register(String name, Factory factory) {
    if (state != State.NEW) {
      throw new IllegalStateException("controllers must be registered before the manager starts");
    }
    if (factories.putIfAbsent(name, Objects.requireNonNull(factory, "factory")) != null) {
      throw new IllegalStateException("a controller named " + name + " is already registered");
    }
    return this;
  }

  /** The names the controllers are registered under, in the order they were registered. */
  public synchronized List<String> names() {
    return List.copyOf(factories.keySet());
  }

  /** The running controller registered under {@code name}. */
  public synchronized Optional<Controller> controller(String name) {
    return Optional.ofNullable(controllers.get(name));
  }

  /**
   * Makes the controllers, starts the informers, waits for their caches, then starts the workers.
   *
   * @throws IllegalStateException if the caches did not sync within {@link
   *     ControllerOptions#cacheSyncTimeout()}, or the manager was started or closed before
   */
  public void start() throws InterruptedException {
    synchronized (this) {
      if (state != State.NEW) {
        throw new IllegalStateException("the manager is " + state.name().toLowerCase());
      }
      state = State.STARTING;
      factories.forEach((name, f) -> controllers.put(name, f.create(context.forController(name))));
    }
    context.informers().start();
    if (!context.informers().waitForCacheSync(context.options().cacheSyncTimeout())) {
      throw new IllegalStateException(
          "informer caches did not sync within " + context.options().cacheSyncTimeout());
    }
    synchronized (this) {
      if (state != State.STARTING) {
        return;
      }
      controllers.forEach((name, c) -> c.run(context.options().workersFor(name)));
      state = State.RUNNING;
    }
    log.log(System.Logger.Level.INFO, "started controllers {0}", controllers.keySet());
  }

  /**
   * Starts the controllers only while this process holds the leader Lease: {@code onElected} and
   * {@link #start} once elected, {@link #close} and {@code onLost} when the lease is lost or the
   * controllers cannot start (upstream exits the process then; so should the caller, as this
   * manager cannot start again). {@code onLost} runs at most once, and not when {@link #close} ends
   * the election. The elector uses the context's {@code leader-election} client, so that a busy
   * controller's rate limit never holds up a renewal.
   *
   * @return the running elector; {@link #close} stops it and releases the lease
   */
  public LeaderElector startWithLeaderElection(
      LeaderElectionConfig config, Runnable onElected, Runnable onLost) {
    LeaderElector e;
    AtomicBoolean lost = new AtomicBoolean();
    Runnable lose =
        () -> {
          boolean closing;
          synchronized (this) {
            closing = state == State.STOPPED;
          }
          close();
          if (!closing && lost.compareAndSet(false, true)) {
            onLost.run();
          }
        };
    synchronized (this) {
      if (state != State.NEW || elector != null) {
        throw new IllegalStateException("the manager is already started");
      }
      e =
          new LeaderElector(
              context.client("leader-election"),
              context.clock(),
              config,
              new LeaderElector.Callbacks() {
                @Override
                public void onStartedLeading() {
                  onElected.run();
                  try {
                    start();
                  } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                  } catch (RuntimeException re) {
                    log.log(System.Logger.Level.ERROR, "controllers failed to start", re);
                    lose.run();
                  }
                }

                @Override
                public void onStoppedLeading() {
                  lose.run();
                }
              });
      elector = e;
    }
    e.start();
    return e;
  }

  /** Stops the elector (releasing the lease), the controllers, then the informers. */
  @Override
  public void close() {
    List<Controller> running;
    LeaderElector e;
    synchronized (this) {
      if (state == State.STOPPED) {
        return;
      }
      state = State.STOPPED;
      running = new ArrayList<>(controllers.values());
      e = elector;
    }
    if (e != null) {
      e.stop();
    }
    for (Controller c : running) {
      try {
        c.shutDown();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    context.informers().stop();
  }
}
