package io.skiff.apiserver;

import io.skiff.api.ResourceRegistry;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.openapi.OpenApi;
import io.skiff.apiserver.cache.WatchCacheConfig;
import io.skiff.apiserver.discovery.Discovery;
import io.skiff.apiserver.metrics.ApiMetrics;
import io.skiff.apiserver.registry.DefaultTolerationSeconds;
import io.skiff.apiserver.registry.Registry;
import io.skiff.apiserver.rest.ResourceHandler;
import io.skiff.clock.Clock;
import io.skiff.store.Store;
import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Skiff's API server: the Kubernetes API of the served resources (lists and watches from the watch
 * cache), discovery and OpenAPI, the health endpoints ({@code /livez}, {@code /readyz}, {@code
 * /healthz}), {@code /version} and {@code /metrics}; every other path answers a Kubernetes {@code
 * Status} 404.
 *
 * <p>The server listens as soon as {@link #start()} returns, but reports ready only after {@link
 * #markReady()}, so that probes and {@code kubectl wait} see the same "not yet" that a real API
 * server gives while its post-start hooks run. Requests are handled on virtual threads.
 */
public final class ApiServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  static {
    // Without it, Jetty asks the platform MBean server whether oops are compressed, which loads
    // all of JMX: a fifth of start-up. 16 is right for compressed oops (heaps under 32 GB) and
    // merely pads more than needed otherwise.
    if (System.getProperty("org.eclipse.jetty.util.referencesPerCacheLine") == null) {
      System.setProperty("org.eclipse.jetty.util.referencesPerCacheLine", "16");
    }
  }

  private final String bindAddress;
  private final int requestedPort;
  private final Store store;
  private final Clock clock;
  private final VersionInfo version;
  private final DefaultTolerationSeconds tolerations;
  private final int maxRequestsInFlight;
  private final int maxMutatingRequestsInFlight;
  private final WatchCacheConfig watchCache;
  private final AtomicBoolean ready = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private Server server;
  private ServerConnector connector;
  private Registry registry;
  private ApiHandler api;
  private Discovery discovery;
  private ObjectCodec codec;
  private ApiMetrics metrics;

  private ApiServer(Builder b) {
    this.bindAddress = b.bindAddress;
    this.requestedPort = b.port;
    this.store = Objects.requireNonNull(b.store, "store");
    this.clock = Objects.requireNonNull(b.clock, "clock");
    this.version = b.version != null ? b.version : VersionInfo.current();
    this.tolerations = b.tolerations;
    this.maxRequestsInFlight = b.maxRequestsInFlight;
    this.maxMutatingRequestsInFlight = b.maxMutatingRequestsInFlight;
    this.watchCache = b.watchCache;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the port and starts serving.
   *
   * @throws IOException if the address cannot be bound (the port is taken, the address is not
   *     local); nothing is left running
   */
  public synchronized ApiServer start() throws IOException {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    codec = new ObjectCodec();
    registry =
        new Registry(ResourceRegistry.builtin(), store, codec, clock, watchCache, tolerations);
    registry.bootstrap();
    InFlightLimiter limiter = new InFlightLimiter(maxRequestsInFlight, maxMutatingRequestsInFlight);
    metrics =
        new ApiMetrics(
            store, registry.watchCache(), limiter::readOnlyInFlight, limiter::mutatingInFlight);
    api = new ApiHandler(new ResourceHandler(registry, clock), limiter, metrics, clock);
    discovery =
        new Discovery(
            registry.resources(),
            new OpenApi(registry.resources(), codec.mapper(), version.gitVersion()),
            codec.mapper());
    // Platform threads only for selecting and accepting; each request gets a virtual thread, so
    // that later blocking handlers (store reads, long watches) cost no pooled thread.
    QueuedThreadPool threads = new QueuedThreadPool(32, 2);
    threads.setName("skiff-http");
    threads.setVirtualThreadsExecutor(
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("skiff-request-", 0).factory()));
    Server s = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    ServerConnector c = new ServerConnector(s, new HttpConnectionFactory(http));
    c.setHost(bindAddress);
    c.setPort(requestedPort);
    s.addConnector(c);
    s.setHandler(new Routes(this));
    try {
      s.start();
    } catch (IOException e) {
      stopQuietly(s);
      throw e;
    } catch (Exception e) {
      stopQuietly(s);
      throw new IllegalStateException("the HTTP server failed to start", e);
    }
    server = s;
    connector = c;
    log.info("listening on {}", url());
    return this;
  }

  /** Reports ready from now on; {@code /readyz} turns 200. */
  public void markReady() {
    ready.set(true);
  }

  public boolean isReady() {
    return ready.get() && !stopped.get();
  }

  /** The port actually bound, which differs from the configured one when that was 0. */
  public synchronized int port() {
    if (connector == null) {
      throw new IllegalStateException("not started");
    }
    return connector.getLocalPort();
  }

  public String bindAddress() {
    return bindAddress;
  }

  /** The base URL clients use, e.g. {@code http://127.0.0.1:6443}. */
  public URI url() {
    String host = bindAddress.contains(":") ? "[" + bindAddress + "]" : bindAddress;
    return URI.create("http://" + host + ":" + port());
  }

  Store store() {
    return store;
  }

  ApiHandler api() {
    return api;
  }

  Discovery discovery() {
    return discovery;
  }

  ApiMetrics metrics() {
    return metrics;
  }

  /** The one JSON codec of the server, for every body it writes. */
  ObjectCodec codec() {
    return codec;
  }

  /** Every resource's storage: what in-process clients use. */
  public synchronized Registry registry() {
    if (registry == null) {
      throw new IllegalStateException("not started");
    }
    return registry;
  }

  Clock clock() {
    return clock;
  }

  VersionInfo version() {
    return version;
  }

  /** Stops accepting connections and ends those in flight. Safe to call more than once. */
  public synchronized void stop() {
    if (!stopped.compareAndSet(false, true) || server == null) {
      return;
    }
    ready.set(false);
    // Watches end first (cleanly, as at a timeout), so that stopping does not wait on them.
    registry.watchCache().close();
    stopQuietly(server);
  }

  @Override
  public void close() {
    stop();
  }

  private static void stopQuietly(Server s) {
    try {
      s.stop();
    } catch (Exception e) {
      log.warn("the HTTP server did not stop cleanly", e);
    }
  }

  /** Configuration of an {@link ApiServer}. */
  public static final class Builder {
    private String bindAddress = "127.0.0.1";
    private int port = 6443;
    private Store store;
    private Clock clock = Clock.system();
    private VersionInfo version;
    private DefaultTolerationSeconds tolerations = DefaultTolerationSeconds.DEFAULT;
    private int maxRequestsInFlight = 400;
    private int maxMutatingRequestsInFlight = 200;
    private WatchCacheConfig watchCache = WatchCacheConfig.defaults();

    private Builder() {}

    /** How long pods tolerate not-ready and unreachable nodes unless they say otherwise. */
    public Builder defaultTolerationSeconds(DefaultTolerationSeconds tolerations) {
      this.tolerations = Objects.requireNonNull(tolerations, "tolerations");
      return this;
    }

    /** The address to listen on; loopback by default, as the server has no authentication yet. */
    public Builder bindAddress(String address) {
      this.bindAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The TCP port; 0 picks a free one (see {@link ApiServer#port()}). */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    public Builder store(Store store) {
      this.store = store;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** What {@code /version} reports; the running build's by default. */
    public Builder version(VersionInfo version) {
      this.version = version;
      return this;
    }

    /**
     * Upstream's {@code --max-requests-inflight}: read-only requests (get, list) served at once
     * before more are refused with 429; 400 by default, 0 for no limit. Watches do not count.
     */
    public Builder maxRequestsInFlight(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxRequestsInFlight must not be negative: " + max);
      }
      this.maxRequestsInFlight = max;
      return this;
    }

    /**
     * Upstream's {@code --max-mutating-requests-inflight}: writes served at once before more are
     * refused with 429; 200 by default, 0 for no limit.
     */
    public Builder maxMutatingRequestsInFlight(int max) {
      if (max < 0) {
        throw new IllegalArgumentException(
            "maxMutatingRequestsInFlight must not be negative: " + max);
      }
      this.maxMutatingRequestsInFlight = max;
      return this;
    }

    /** How the watch cache keeps history and serves watches; upstream's values by default. */
    public Builder watchCache(WatchCacheConfig config) {
      this.watchCache = Objects.requireNonNull(config, "config");
      return this;
    }

    public ApiServer build() {
      return new ApiServer(this);
    }
  }
}
