package io.skiff.cli;

import io.skiff.apiserver.ApiServer;
import io.skiff.apiserver.auth.AdminToken;
import io.skiff.apiserver.auth.CredentialsException;
import io.skiff.apiserver.auth.Pki;
import io.skiff.apiserver.auth.TokenAuthenticator;
import io.skiff.apiserver.registry.DefaultTolerationSeconds;
import io.skiff.clock.Clock;
import io.skiff.controllers.nodelifecycle.NodeLifecycleController;
import io.skiff.node.NodeOptions;
import io.skiff.store.Compactor;
import io.skiff.store.StorageFailureException;
import io.skiff.store.Store;
import io.skiff.store.memory.MemoryStore;
import io.skiff.store.sqlite.SqliteStore;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Skiff: the data directory lock, the credentials (CA, serving certificate and admin
 * token in {@code DIR/pki}), the store, its compactor, the API server (HTTPS, bearer tokens) and
 * the control plane (controllers, scheduler, simulated nodes), opened in that order and closed in
 * the reverse one. {@link #close()} may be called from a shutdown hook while {@link #start()} is
 * still running; whatever start has opened is closed, and start then fails.
 */
final class Instance implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Instance.class);

  static final String DB_FILE = "skiff.db";
  static final String PKI_DIR = "pki";

  /** Which store backend holds the cluster's state. */
  enum StoreKind {
    SQLITE,
    MEMORY
  }

  /** What {@code skiff up} was asked for. */
  record Config(
      Path dataDir,
      int port,
      int nodes,
      Path kubeconfig,
      StoreKind store,
      NodeOptions nodeOptions,
      DefaultTolerationSeconds tolerations,
      Duration nodeMonitorGracePeriod,
      boolean controllerManager) {
    Config {
      dataDir = dataDir.toAbsolutePath().normalize();
      kubeconfig =
          (kubeconfig == null ? dataDir.resolve("kubeconfig") : kubeconfig)
              .toAbsolutePath()
              .normalize();
      nodeOptions = (nodeOptions == null ? NodeOptions.defaults() : nodeOptions).withNodes(nodes);
      tolerations = tolerations == null ? DefaultTolerationSeconds.DEFAULT : tolerations;
      nodeMonitorGracePeriod =
          nodeMonitorGracePeriod == null
              ? NodeLifecycleController.DEFAULT_MONITOR_GRACE_PERIOD
              : nodeMonitorGracePeriod;
    }

    /**
     * Upstream's defaults for everything the simulation and admission flags set; the controllers
     * run in-process.
     */
    Config(Path dataDir, int port, int nodes, Path kubeconfig, StoreKind store) {
      this(dataDir, port, nodes, kubeconfig, store, null, null, null, true);
    }

    Path dbFile() {
      return dataDir.resolve(DB_FILE);
    }

    Path pkiDir() {
      return dataDir.resolve(PKI_DIR);
    }
  }

  private final Config config;
  private final Clock clock;
  private final Deque<AutoCloseable> opened = new ArrayDeque<>();
  private boolean closed;
  private ApiServer apiServer;
  private Pki pki;
  private String adminToken;

  Instance(Config config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /**
   * Starts everything and reports ready. On failure everything started so far is closed again.
   *
   * @throws StartupException with a one-line explanation for the user
   */
  Instance start() throws StartupException {
    try {
      startAll();
      return this;
    } catch (StartupException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private void startAll() throws StartupException {
    Path dir = config.dataDir();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StartupException("cannot create data directory " + dir + ": " + reason(e), e);
    }
    try {
      register(DataDirLock.acquire(dir));
    } catch (DataDirLock.InUseException e) {
      throw new StartupException(e.getMessage(), e);
    } catch (IOException e) {
      throw new StartupException(
          "cannot lock data directory " + dir.resolve(DataDirLock.FILE_NAME) + ": " + reason(e), e);
    }
    Pki credentials;
    String token;
    try {
      credentials = Pki.loadOrCreate(config.pkiDir(), clock);
      token = AdminToken.loadOrCreate(config.pkiDir().resolve(AdminToken.FILE));
    } catch (CredentialsException e) {
      throw new StartupException(e.getMessage(), e);
    }
    synchronized (this) {
      pki = credentials;
      adminToken = token;
    }
    Store store = register(openStore());
    register(Compactor.withDefaults(store, clock).start());
    ApiServer server =
        ApiServer.builder()
            .port(config.port())
            .store(store)
            .clock(clock)
            .defaultTolerationSeconds(config.tolerations())
            .tls(credentials.serving())
            .authenticator(TokenAuthenticator.of(token))
            .build();
    try {
      register(server.start());
    } catch (IOException e) {
      BindException bind = bindFailure(e);
      throw new StartupException(
          "cannot listen on "
              + server.bindAddress()
              + ":"
              + config.port()
              + ": "
              + (bind != null
                  ? reason(bind) + " (is another skiff or API server using the port? try --port)"
                  : reason(e)),
          e);
    }
    synchronized (this) {
      apiServer = server;
    }
    try {
      Kubeconfig.writeAtomically(
          config.kubeconfig(),
          Kubeconfig.render(server.url(), credentials.certificateAuthorityPem(), token));
    } catch (IOException e) {
      throw new StartupException(
          "cannot write kubeconfig " + config.kubeconfig() + ": " + reason(e), e);
    }
    try {
      register(
          ControlPlane.start(
              server,
              clock,
              config.nodeOptions(),
              config.controllerManager(),
              config.nodeMonitorGracePeriod()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("interrupted while starting the controllers", e);
    }
    server.markReady();
  }

  private Store openStore() throws StartupException {
    if (config.store() == StoreKind.MEMORY) {
      return new MemoryStore();
    }
    Path db = config.dbFile();
    String cacheDir = System.getProperty(SqliteNativeCache.DIR_PROPERTY);
    SqliteNativeCache.use(
        cacheDir != null && !cacheDir.isBlank()
            ? Path.of(cacheDir)
            : config.dataDir().resolve("cache"));
    try {
      return SqliteStore.open(db, SqliteStore.Options.defaults());
    } catch (StorageFailureException e) {
      String reason = reason(e);
      throw new StartupException(
          reason.contains(db.toString()) ? reason : "cannot open store " + db + ": " + reason, e);
    } catch (UnsupportedOperationException e) {
      throw new StartupException(
          "cannot open store "
              + db
              + ": the sqlite backend is not available in this build"
              + " (use --store memory)",
          e);
    }
  }

  /** Tracks {@code resource} for closing, or closes it at once if shutdown has begun. */
  private <T extends AutoCloseable> T register(T resource) throws StartupException {
    synchronized (this) {
      if (!closed) {
        opened.push(resource);
        return resource;
      }
    }
    closeQuietly(resource);
    throw new StartupException("interrupted by shutdown");
  }

  /** The API server's base URL; only after a successful {@link #start()}. */
  synchronized URI url() {
    return apiServer.url();
  }

  Config config() {
    return config;
  }

  /** The CA that signed the API server's certificate; only after a successful {@link #start()}. */
  synchronized X509Certificate certificateAuthority() {
    return pki.certificateAuthority();
  }

  /** The admin's bearer token; only after a successful {@link #start()}. */
  synchronized String adminToken() {
    return adminToken;
  }

  /** How the store is described in the ready line. */
  String storeDescription() {
    return config.store() == StoreKind.MEMORY
        ? "memory, nothing persisted"
        : "sqlite " + config.dbFile();
  }

  /** Stops serving, then closes the compactor, the store (flushing it) and the lock. */
  @Override
  public void close() {
    while (true) {
      AutoCloseable next;
      synchronized (this) {
        closed = true;
        next = opened.poll();
      }
      if (next == null) {
        return;
      }
      closeQuietly(next);
    }
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      log.warn("failed to close {}", resource.getClass().getSimpleName(), e);
    }
  }

  private static BindException bindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException b) {
        return b;
      }
    }
    return null;
  }

  /** An exception's own words, without the class name that only a developer needs. */
  static String reason(Throwable e) {
    Throwable t = e;
    while (t.getMessage() == null && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }
}
