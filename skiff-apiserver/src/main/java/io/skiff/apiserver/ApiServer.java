package io.skiff.apiserver;

import io.skiff.api.ResourceRegistry;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.openapi.OpenApi;
import io.skiff.apiserver.auth.Authentication;
import io.skiff.apiserver.auth.ServingCertificate;
import io.skiff.apiserver.auth.TokenAuthenticator;
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
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Skiff's API server: the Kubernetes API of the served resources (lists and watches from the watch
 * cache), discovery and OpenAPI, the health endpoints ({@code /livez}, {@code /readyz}, {@code
 * /healthz}), {@code /version} and {@code /metrics}; every other path answers a Kubernetes {@code
 * Status} 404.
 *
 * <p>With a {@linkplain Builder#tls serving certificate} it speaks HTTPS, offering HTTP/2 by ALPN
 * (which kubectl and client-go take) and HTTP/1.1 to clients that do not ask for it; with a
 * {@linkplain Builder#authenticator token authenticator} it requires a bearer token (see {@link
 * Authentication}). {@code skiff up} sets both; without them the server speaks plain HTTP to anyone
 * who can reach it, which tests and benchmarks use.
 *
 * <p>The server listens as soon as {@link #start()} returns, but reports ready only after {@link
 * #markReady()}, so that probes and {@code kubectl wait} see the same "not yet" that a real API
 * server gives while its post-start hooks run. Requests are handled on virtual threads.
 */
public final class ApiServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  /** Jetty's default, which the server had before the timeout was configurable. */
  static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

  /** kube-apiserver's: Go's default of 250, made explicit there. */
  static final int MAX_CONCURRENT_STREAMS = 250;

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
  private final ServingCertificate tls;
  private final TokenAuthenticator authenticator;
  private final Duration idleTimeout;
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
    this.tls = b.tls;
    this.authenticator = b.authenticator;
    this.idleTimeout = b.idleTimeout;
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
    // Setting up Jetty and TLS needs nothing from the registry, and their first use in a process
    // (class initialisation, the TLS provider) took a fifth of a second: they are made meanwhile.
    CompletableFuture<ServerConnector> http = CompletableFuture.supplyAsync(this::newConnector);
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
    ServerConnector c;
    try {
      c = http.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    Server s = c.getServer();
    Routes routes = new Routes(this);
    s.setHandler(authenticator == null ? routes : new Authentication(authenticator, codec, routes));
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

  /** The HTTP server, not started, with its one connector. */
  private ServerConnector newConnector() {
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
    ServerConnector c = tls == null ? plainConnector(s, http) : tlsConnector(s, http, tls);
    c.setHost(bindAddress);
    c.setPort(requestedPort);
    c.setIdleTimeout(idleTimeout.toMillis());
    s.addConnector(c);
    return c;
  }

  private static ServerConnector plainConnector(Server s, HttpConfiguration http) {
    return new ServerConnector(s, new HttpConnectionFactory(http));
  }

  /** TLS, then ALPN choosing HTTP/2 when the client offers it and HTTP/1.1 otherwise. */
  private static ServerConnector tlsConnector(
      Server s, HttpConfiguration http, ServingCertificate cert) {
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    // Jetty would refuse requests whose SNI the certificate does not name; verifying the server's
    // name is the client's business, and kube-apiserver does not second-guess it either.
    secure.setSniHostCheck(false);
    http.addCustomizer(secure);
    HttpConnectionFactory h1 = new HttpConnectionFactory(http);
    HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
    // kube-apiserver's limit: client-go multiplexes every request and watch of a process onto one
    // connection.
    h2.setMaxConcurrentStreams(MAX_CONCURRENT_STREAMS);
    ALPNServerConnectionFactory alpn =
        new ALPNServerConnectionFactory(h2.getProtocol(), h1.getProtocol());
    alpn.setDefaultProtocol(h1.getProtocol());
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setSslContext(cert.sslContext());
    ssl.setCipherComparator(HTTP2Cipher.COMPARATOR);
    return new ServerConnector(s, new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, h2, h1);
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

  /** The base URL clients use, e.g. {@code https://127.0.0.1:6443}. */
  public URI url() {
    String host = bindAddress.contains(":") ? "[" + bindAddress + "]" : bindAddress;
    return URI.create((tls == null ? "http://" : "https://") + host + ":" + port());
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

    private ServingCertificate tls;
    private TokenAuthenticator authenticator;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;

    private Builder() {}

    /** How long pods tolerate not-ready and unreachable nodes unless they say otherwise. */
    public Builder defaultTolerationSeconds(DefaultTolerationSeconds tolerations) {
      this.tolerations = Objects.requireNonNull(tolerations, "tolerations");
      return this;
    }

    /**
     * The address to listen on; loopback by default, so that a server configured without TLS and
     * tokens is reachable from this machine only.
     */
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

    /** Serves HTTPS (HTTP/2 or HTTP/1.1) with {@code cert}, instead of plain HTTP/1.1. */
    public Builder tls(ServingCertificate cert) {
      this.tls = Objects.requireNonNull(cert, "cert");
      return this;
    }

    /**
     * Requires a bearer token that {@code tokens} accepts on every path but the health endpoints
     * and {@code /version}; without one, every request is served.
     */
    public Builder authenticator(TokenAuthenticator tokens) {
      this.authenticator = Objects.requireNonNull(tokens, "tokens");
      return this;
    }

    /**
     * How long a connection may stay silent before the server closes it (30 s by default). Watches
     * are exempt: they stay open, however quiet, until their own timeout.
     */
    public Builder idleTimeout(Duration timeout) {
      if (!timeout.isPositive()) {
        throw new IllegalArgumentException("idle timeout must be positive: " + timeout);
      }
      this.idleTimeout = timeout;
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
