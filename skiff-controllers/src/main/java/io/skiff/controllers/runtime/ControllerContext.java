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
 */
public final class ControllerContext {

  private final KubeClient client;
  private final SharedInformerFactory informers;
  private final Clock clock;
  private final ControllerOptions options;
  private final Function<String, EventRecorder> recorderFactory;
  private final Map<String, EventRecorder> recorders = new ConcurrentHashMap<>();

  private ControllerContext(Builder b) {
    this.client = Objects.requireNonNull(b.client, "client");
    this.clock = Objects.requireNonNull(b.clock, "clock");
    this.options = b.options;
    this.informers =
        b.informers != null
            ? b.informers
            : new SharedInformerFactory(client, clock, options.resyncPeriod());
    this.recorderFactory =
        b.recorderFactory != null
            ? b.recorderFactory
            : component -> EventRecorder.create(client, component, null, clock);
  }

  /** A context over {@code client} with default options, informers and event recorders. */
  public static ControllerContext of(KubeClient client, Clock clock) {
    return builder(client, clock).build();
  }

  public static Builder builder(KubeClient client, Clock clock) {
    return new Builder(client, clock);
  }

  public KubeClient client() {
    return client;
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
