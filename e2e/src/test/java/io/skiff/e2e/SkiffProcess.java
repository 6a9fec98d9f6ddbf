package io.skiff.e2e;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * {@code java -jar skiff-cli/target/skiff.jar up} on its own data directory and port, as a user
 * runs it: with the JDK that runs the tests, stdout and stderr in {@code DIR/skiff-N.out} and
 * {@code DIR/skiff-N.err} (N counts the starts), ready once {@code GET /readyz} answers 200 over
 * HTTPS, verified against the CA that skiff made in {@code DIR/pki/ca.crt}, as kubectl verifies it.
 *
 * <p>Can be stopped (SIGTERM), killed (SIGKILL) and started again on the same data directory.
 */
public final class SkiffProcess implements AutoCloseable {

  public static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  /** Longer than skiff's own shutdown grace (15 s), after which it halts itself. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  private static final Path JAR =
      Path.of(System.getProperty("skiff.jar", "../skiff-cli/target/skiff.jar"))
          .toAbsolutePath()
          .normalize();

  /** The java that runs the tests, so that skiff runs on the same JDK. */
  private static final String JAVA =
      ProcessHandle.current()
          .info()
          .command()
          .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());

  private final Path dataDir;
  private final int nodes;
  private final String store;
  private HttpClient http;
  private final List<String> extraArgs;
  private int port;
  private int starts;
  private Process process;
  private boolean stopRequested;
  private Path stdout;
  private Path stderr;

  /** A Skiff (not started yet) with the sqlite store in {@code dataDir} and {@code nodes} nodes. */
  public SkiffProcess(Path dataDir, int nodes) {
    this(dataDir, nodes, "sqlite");
  }

  /** {@code store} is {@code sqlite} or {@code memory}. */
  public SkiffProcess(Path dataDir, int nodes, String store) {
    this(dataDir, nodes, store, List.of());
  }

  /** {@code extraArgs} go to {@code skiff up} after the ones the harness sets. */
  public SkiffProcess(Path dataDir, int nodes, String store, List<String> extraArgs) {
    this.dataDir = dataDir.toAbsolutePath();
    this.nodes = nodes;
    this.store = store;
    this.extraArgs = List.copyOf(extraArgs);
    this.port = freePort();
  }

  /** The packaged jar that the tests run. */
  public static Path jar() {
    return JAR;
  }

  /** The java that runs the tests, and skiff. */
  static String java() {
    return JAVA;
  }

  /**
   * Starts skiff and waits until it is ready; on the same data directory and port as before if it
   * ran already (a new port only if another process took that one meanwhile).
   */
  public SkiffProcess start() {
    if (isRunning()) {
      throw new IllegalStateException("skiff is running already (pid " + process.pid() + ")");
    }
    if (!Files.isRegularFile(JAR)) {
      throw new AssertionError(
          "no "
              + JAR
              + ": the e2e tests run the packaged skiff; build it first, e.g."
              + " `./mvnw -B verify -pl e2e -am`");
    }
    for (int attempt = 1; ; attempt++) {
      launch();
      if (awaitReady()) {
        return this;
      }
      if (attempt == 3) {
        throw new AssertionError("skiff found its port taken three times; " + log());
      }
      port = freePort();
    }
  }

  private void launch() {
    starts++;
    stdout = dataDir.resolve("skiff-" + starts + ".out");
    stderr = dataDir.resolve("skiff-" + starts + ".err");
    List<String> command =
        new ArrayList<>(
            List.of(
                JAVA,
                // As in every test of the build: fail when a reader changes an object the API
                // server's watch cache shares with the in-process informers.
                "-Dskiff.cacheMutationDetector=true",
                "-jar",
                JAR.toString(),
                "up",
                "--data-dir",
                dataDir.toString(),
                "--port",
                Integer.toString(port),
                "--nodes",
                Integer.toString(nodes),
                "--kubeconfig",
                kubeconfig().toString(),
                "--store",
                store));
    command.addAll(extraArgs);
    try {
      Files.createDirectories(dataDir);
      process =
          new ProcessBuilder(command)
              .directory(dataDir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    stopRequested = false;
  }

  /** True once ready; false if the port was taken; an AssertionError for any other failure. */
  private boolean awaitReady() {
    try {
      await("skiff on port " + port + " ready")
          .atMost(READY_TIMEOUT)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(20))
          .failFast("skiff exited", () -> !process.isAlive())
          // The ready line follows /readyz by a moment; tests read it, so wait for both.
          .until(() -> readyzStatus() == 200 && stdout().contains("skiff: ready on "));
      return true;
    } catch (TerminalFailureException | ConditionTimeoutException e) {
      if (process.isAlive()) {
        kill();
        throw new AssertionError("skiff was not ready within " + READY_TIMEOUT + "; " + log(), e);
      }
      if (stderr().contains("Address already in use")) {
        return false;
      }
      throw new AssertionError("skiff exited before it was ready; " + log(), e);
    }
  }

  private int readyzStatus() throws InterruptedException {
    if (!Files.exists(caFile())) {
      return -1;
    }
    try {
      return http()
          .send(
              HttpRequest.newBuilder(baseUrl().resolve("/readyz"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException notListeningYetOrNotSkiff) {
      // Refused, or (on a port that someone else took) no answer: the fail-fast check sees the
      // exit.
      return -1;
    }
  }

  /** Sends SIGTERM and waits for the exit (SIGKILL after 20 s); returns the exit code. */
  public int stop() {
    if (process == null) {
      throw new IllegalStateException("skiff never started");
    }
    if (process.isAlive()) {
      stopRequested = true;
      process.toHandle().destroy();
      if (!waitForExit(STOP_TIMEOUT)) {
        process.toHandle().destroyForcibly();
        waitForExit(STOP_TIMEOUT);
      }
    }
    return process.exitValue();
  }

  /**
   * Sends SIGKILL, as a crash or {@code kill -9} would, and waits for the exit. Through the process
   * handle: {@link Process#destroyForcibly()} would also close our ends of its pipes.
   */
  public int kill() {
    if (process == null) {
      throw new IllegalStateException("skiff never started");
    }
    stopRequested = true;
    process.toHandle().destroyForcibly();
    if (!waitForExit(STOP_TIMEOUT)) {
      throw new AssertionError("skiff (pid " + process.pid() + ") outlived SIGKILL");
    }
    return process.exitValue();
  }

  /** {@link #stop()} if running, then {@link #start()} on the same data directory. */
  public SkiffProcess restart() {
    if (isRunning()) {
      stop();
    }
    return start();
  }

  private boolean waitForExit(Duration limit) {
    try {
      return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for skiff to exit", e);
    }
  }

  /** Stops skiff (SIGTERM) if it runs. */
  @Override
  public void close() {
    if (isRunning()) {
      stop();
    }
    if (http != null) {
      http.close();
    }
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** The last run ended without {@link #stop()} or {@link #kill()}: skiff crashed or exited. */
  public boolean exitedUnexpectedly() {
    return process != null && !process.isAlive() && !stopRequested;
  }

  public long pid() {
    return process.pid();
  }

  public Process process() {
    return process;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path kubeconfig() {
    return dataDir.resolve("kubeconfig");
  }

  /** The certificate authority that skiff generated on its first start, and keeps. */
  public Path caFile() {
    return dataDir.resolve("pki/ca.crt");
  }

  /** The admin's bearer token, read from the kubeconfig that skiff wrote. */
  public String token() {
    try {
      return Kubectl.YAML
          .readTree(kubeconfig().toFile())
          .path("users")
          .get(0)
          .path("user")
          .path("token")
          .asText();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + kubeconfig(), e);
    }
  }

  /**
   * A TLS context that trusts skiff's CA and nothing else: clients of these tests verify skiff's
   * certificate as kubectl does.
   */
  public SSLContext trustingSkiff() {
    try (InputStream in = Files.newInputStream(caFile())) {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int i = 0;
      for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trusted.setCertificateEntry("skiff-ca-" + i++, ca);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + caFile(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot trust " + caFile(), e);
    }
  }

  /** The client of {@link #get} and {@link #getAnonymously}; made once the CA exists. */
  private synchronized HttpClient http() {
    if (http == null) {
      http =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .sslContext(trustingSkiff())
              .build();
    }
    return http;
  }

  public int port() {
    return port;
  }

  public URI baseUrl() {
    return URI.create("https://127.0.0.1:" + port);
  }

  /**
   * The lines in which any run of this skiff's reported a cached object changed by a reader (its
   * cache mutation detector: a log line when found, an exception at shutdown).
   */
  public List<String> cacheMutationReports() {
    List<String> reports = new ArrayList<>();
    for (int run = 1; run <= starts; run++) {
      for (Path file :
          List.of(
              dataDir.resolve("skiff-" + run + ".out"), dataDir.resolve("skiff-" + run + ".err"))) {
        read(file)
            .lines()
            .filter(
                l -> l.contains("changed by a reader") || l.contains("changed by their readers"))
            .forEach(reports::add);
      }
    }
    return reports;
  }

  /** What the current (or last) run printed on stdout so far. */
  public String stdout() {
    return read(stdout);
  }

  /** What the current (or last) run printed on stderr so far. */
  public String stderr() {
    return read(stderr);
  }

  /** A process's state for failure messages: not started, running, or how it exited. */
  static String status(Process process) {
    return process == null
        ? "not started"
        : process.isAlive() ? "running as pid " + process.pid() : "exited " + process.exitValue();
  }

  /** Where this skiff lives and what its current (or last) run printed: for failure messages. */
  public String log() {
    String status = status(process);
    return "skiff on "
        + baseUrl()
        + ", data dir "
        + dataDir
        + ", "
        + status
        + "\n--- "
        + stdout
        + " ---\n"
        + stdout()
        + "--- "
        + stderr
        + " ---\n"
        + stderr();
  }

  /** GET {@code path} from the API server with the admin's token, as kubectl does. */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http()
        .send(
            HttpRequest.newBuilder(baseUrl().resolve(path))
                .header("Authorization", "Bearer " + token())
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** GET {@code path} from the API server without credentials. */
  public HttpResponse<String> getAnonymously(String path) throws IOException, InterruptedException {
    return http()
        .send(
            HttpRequest.newBuilder(baseUrl().resolve(path)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** kubectl {@value KubectlBinary#DEFAULT_VERSION}, the server's version, for this skiff. */
  public Kubectl kubectl() {
    return kubectl(KubectlBinary.DEFAULT_VERSION);
  }

  /** kubectl of {@code version} (e.g. {@code "1.27"}) for this skiff. */
  public Kubectl kubectl(String version) {
    return Kubectl.of(version, kubeconfig(), dataDir.resolve("kubectl-cache"));
  }

  private static String read(Path file) {
    try {
      return file == null || !Files.exists(file) ? "" : Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "skiff on " + baseUrl() + " (" + dataDir + ")";
  }
}
