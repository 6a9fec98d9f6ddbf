package io.skiff.controllers.runtime;

import io.skiff.client.KubeClient;
import io.skiff.client.events.EventRecorder;
import io.skiff.client.informer.SharedInformerFactory;
import io.skiff.clock.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What every controller of a manager shares: the client (in-process inside {@code skiff up}, HTTP
 * in a separate {@code skiff controller-manager}), one informer factory (so each kind is listed and
 * watched once), the clock, event recorders and options. Controllers read through the factory's
 * listers and write through the client.
 *
 * <p>A context may also hand each controller a client of its own ({@link Builder#clients}), as
 * kube-controller-manager gives each controller its own clientset and with it its own client-side
 * rate limit; {@link ControllerManager} makes each controller over {@link #forController}.
 */
public final class ControllerContext {

  private final KubeClient client;
  private final SharedInformerFactory informers;
  private final Clock clock;
  private final ControllerOptions options;
  private final Function<String, KubeClient> clientFactory;
  private final Function<String, EventRecorder> recorderFactory;
  private final Map<String, EventRecorder> recorders;

  private ControllerContext(Builder b) {
    this.client = Objects.requireNonNull(b.client, "client");
    this.clock = Objects.requireNonNull(b.clock, "clock");
    this.options = b.options;
    this.informers =
        b.informers != null
            ? b.informers
            : new SharedInformerFactory(client, clock, options.resyncPeriod());
    this.clientFactory = b.clientFactory;
    this.recorderFactory =
        b.recorderFactory != null
            ? b.recorderFactory
            : component -> EventRecorder.create(client, component, null, clock);
    this.recorders = new ConcurrentHashMap<>();
  }

  /** {@code base} with {@code client} in place of its own; everything else is shared. */
  private ControllerContext(ControllerContext base, KubeClient client) {
    this.client = client;
    this.clock = base.clock;
    this.options = base.options;
    this.informers = base.informers;
    this.clientFactory = base.clientFactory;
    this.recorderFactory = base.recorderFactory;
    this.recorders = base.recorders;
  }

  /** A context over {@code client} with default options, informers and event recorders. */
  public static ControllerContext of(KubeClient client, Clock clock) {
    return builder(client, clock).build();
  }

  public static Builder builder(KubeClient client, Clock clock) {
    return new Builder(client, clock);
  }

  /** The client of this context: the shared one, or a controller's own ({@link #forController}). */
  public KubeClient client() {
    return client;
  }

  /**
   * The client for the part of the manager named {@code name} (a controller, {@code
   * leader-election}): upstream's {@code ClientBuilder.ClientOrDie(name)}. The shared client unless
   * {@link Builder#clients} says otherwise.
   */
  public KubeClient client(String name) {
    return clientFactory == null ? client : clientFactory.apply(name);
  }

  /**
   * The context controller {@code name} is made over: this one with {@link #client(String)} as its
   * client, sharing informers, recorders, clock and options.
   */
  public ControllerContext forController(String name) {
    return clientFactory == null ? this : new ControllerContext(this, clientFactory.apply(name));
  }

  public SharedInformerFactory informers() {
    return informers;
  }

  public Clock clock() {
    return clock;
  }

  public ControllerOptions options() {
    return options;
  }

  /**
   * The event recorder of {@code component} (upstream's event source, e.g. {@code
   * replicaset-controller}); one per component, so that its correlation sees all its events.
   */
  public EventRecorder recorder(String component) {
    return recorders.computeIfAbsent(component, recorderFactory);
  }

  /** Builds a {@link ControllerContext}. */
  public static final class Builder {
    private final KubeClient client;
    private final Clock clock;
    private SharedInformerFactory informers;
    private ControllerOptions options = ControllerOptions.defaults();
    private Function<String, KubeClient> clientFactory;
    private Function<String, EventRecorder> recorderFactory;

    private Builder(KubeClient client, Clock clock) {
      this.client = client;
      this.clock = clock;
    }

    /** The informer factory to share; by default a new one of all namespaces. */
    public Builder informers(SharedInformerFactory factory) {
      this.informers = factory;
      return this;
    }

    public Builder options(ControllerOptions o) {
      this.options = Objects.requireNonNull(o, "options");
      return this;
    }

    /**
     * Makes the client of a named part of the manager ({@link ControllerManager} asks once per
     * controller and once for leader election); the client given to {@link
     * ControllerContext#builder} stays the informers' and the recorders'. By default every part
     * uses that one client.
     */
    public Builder clients(Function<String, KubeClient> factory) {
      this.clientFactory = factory;
      return this;
    }

    /** How to make a component's recorder; by default one writing Events through the client. */
    public Builder recorders(Function<String, EventRecorder> factory) {
      this.recorderFactory = factory;
      return this;
    }

    public ControllerContext build() {
      return new ControllerContext(this);
    }
  }
}
