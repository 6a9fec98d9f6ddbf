package io.skiff.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skiff.client.transport.ClientConfig;
import io.skiff.client.transport.Tls;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code skiff up} from the shaded jar as a user would, and signals it as systemd would. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SkiffUpIT {

  private static final Path JAR =
      Path.of(System.getProperty("skiff.jar", "target/skiff.jar")).toAbsolutePath();
  private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dataDir;
  @TempDir Path logs;
  private HttpClient http;
  private final List<Run> runs = new ArrayList<>();

  @BeforeAll
  static void jarIsBuilt() {
    assertThat(JAR).as("the shaded jar; run the IT through `mvn verify`").isRegularFile();
  }

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Run run : runs) {
      if (run.process.isAlive()) {
        run.process.destroyForcibly();
        run.process.waitFor(30, TimeUnit.SECONDS);
      }
    }
    if (http != null) {
      http.close();
    }
  }

  @Test
  void upServesHealthAndVersionRefusesASecondUpAndStopsCleanlyOnSigterm() throws Exception {
    int port = freePort();
    Run skiff = up(port, "--store", "memory");
    awaitReady(skiff, port);

    assertThat(skiff.output())
        .contains("skiff: ready on https://127.0.0.1:" + port + " in ")
        .contains(
            "(store: memory, nothing persisted; kubeconfig: " + dataDir.resolve("kubeconfig"));
    assertThat(get(port, "/livez", null).body()).isEqualTo("ok");
    JsonNode version = new ObjectMapper().readTree(get(port, "/version", null).body());
    assertThat(version.path("gitVersion").asText()).isEqualTo("v1.33.0-skiff");
    HttpResponse<String> anonymous = get(port, "/apis/nothing/here", null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.body()).contains("\"reason\":\"Unauthorized\"");
    HttpResponse<String> missing = get(port, "/apis/nothing/here", token());
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("\"reason\":\"NotFound\"");

    // The second one asks for the sqlite store: it must not even create the file.
    Run second = up(freePort());
    assertThat(second.awaitExit()).isEqualTo(1);
    assertThat(second.output())
        .contains(
            "skiff: data directory "
                + dataDir
                + " is in use by another skiff (lock "
                + dataDir.resolve("skiff.lock")
                + " held by pid "
                + skiff.process.pid()
                + ")")
        .doesNotContain("Exception");
    assertThat(dataDir.resolve("skiff.db")).doesNotExist();
    assertThat(skiff.process.isAlive()).isTrue();

    skiff.process.destroy();
    assertThat(skiff.awaitExit()).isEqualTo(0);
    assertThat(skiff.output()).contains("skiff: stopped");
    assertLockIsFree();
  }

  @Test
  void theSqliteStoreSurvivesKillMinus9() throws Exception {
    int port = freePort();
    Run first = up(port);
    awaitReady(first, port);
    assertThat(first.output()).contains("(store: sqlite " + dataDir.resolve("skiff.db") + ";");
    assertThat(dataDir.resolve("skiff.db")).isRegularFile();
    byte[] ca = Files.readAllBytes(dataDir.resolve("pki/ca.crt"));
    byte[] serving = Files.readAllBytes(dataDir.resolve("pki/apiserver.crt"));
    String token = token();

    first.process.destroyForcibly();
    first.awaitExit();

    int port2 = freePort();
    Run second = up(port2);
    awaitReady(second, port2);
    // The same CA, serving certificate and token: clients configured before still get in.
    assertThat(dataDir.resolve("pki/ca.crt")).hasBinaryContent(ca);
    assertThat(dataDir.resolve("pki/apiserver.crt")).hasBinaryContent(serving);
    assertThat(get(port2, "/api/v1/namespaces", token).statusCode()).isEqualTo(200);
    second.process.destroy();
    assertThat(second.awaitExit()).isEqualTo(0);
    assertLockIsFree();
  }

  @Test
  void aFileThatIsNotASkiffDatabaseStopsUpAndIsLeftAlone() throws Exception {
    Path db = dataDir.resolve("skiff.db");
    byte[] garbage = "not a database, and not to be overwritten\n".repeat(100).getBytes();
    Files.write(db, garbage);

    Run skiff = up(freePort());

    assertThat(skiff.awaitExit()).isEqualTo(1);
    String output = skiff.output();
    assertThat(output).startsWith("skiff: ").contains(db.toString());
    assertThat(output.lines()).as("one line, no stack trace").hasSize(1);
    assertThat(Files.readAllBytes(db)).isEqualTo(garbage);
  }

  @Test
  void kubectlReadsTheServerVersionThroughTheKubeconfig() throws Exception {
    Optional<Path> kubectl = onPath("kubectl");
    if (kubectl.isEmpty()) {
      if ("true".equals(System.getenv("CI"))) {
        fail("kubectl is not on PATH; CI must have it");
      }
      Assumptions.abort("kubectl is not on PATH");
    }
    int port = freePort();
    Run skiff = up(port, "--store", "memory");
    awaitReady(skiff, port);

    Process p =
        new ProcessBuilder(
                kubectl.get().toString(),
                "--kubeconfig",
                dataDir.resolve("kubeconfig").toString(),
                "version",
                "-o",
                "json")
            .redirectErrorStream(false)
            .redirectError(logs.resolve("kubectl.err").toFile())
            .start();
    String json = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(logs.resolve("kubectl.err"))).isZero();
    JsonNode server = new ObjectMapper().readTree(json).path("serverVersion");
    assertThat(server.path("gitVersion").asText()).isEqualTo("v1.33.0-skiff");
    assertThat(server.path("major").asText()).isEqualTo("1");
    assertThat(server.path("minor").asText()).isEqualTo("33");
  }

  private Run up(int port, String... extra) throws IOException {
    List<String> command = new ArrayList<>();
    command.addAll(List.of(JAVA.toString(), "-jar", JAR.toString(), "up"));
    command.addAll(List.of("--data-dir", dataDir.toString(), "--port", Integer.toString(port)));
    command.addAll(List.of(extra));
    Path log = logs.resolve("skiff-" + runs.size() + ".log");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    Run run = new Run(process, log);
    runs.add(run);
    return run;
  }

  private void awaitReady(Run run, int port) {
    await()
        .atMost(START_TIMEOUT)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(20))
        .failFast("skiff exited before it was ready", () -> !run.process.isAlive())
        // The ready line follows /readyz turning 200 by a moment; a busy machine stretches it.
        .until(() -> readyzStatus(port) == 200 && run.output().contains("skiff: ready on "));
  }

  private int readyzStatus(int port) throws Exception {
    if (!Files.exists(dataDir.resolve("pki/ca.crt"))) {
      return -1;
    }
    try {
      return get(port, "/readyz", null).statusCode();
    } catch (ConnectException notListeningYet) {
      return -1;
    }
  }

  /** GET over HTTPS, trusting the CA that skiff made in the data directory, and nothing else. */
  private HttpResponse<String> get(int port, String path, String token) throws Exception {
    if (http == null) {
      Path ca = dataDir.resolve("pki/ca.crt");
      http =
          HttpClient.newBuilder()
              .sslContext(Tls.trusting(Tls.certificates(Files.readAllBytes(ca), ca.toString())))
              .build();
    }
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The admin token, as the kubeconfig that skiff wrote carries it. */
  private String token() throws IOException {
    return ClientConfig.fromKubeconfig(dataDir.resolve("kubeconfig")).bearerToken();
  }

  private void assertLockIsFree() throws IOException {
    try (FileChannel ch =
            FileChannel.open(dataDir.resolve("skiff.lock"), StandardOpenOption.WRITE);
        FileLock lock = ch.tryLock()) {
      assertThat(lock).as("lock released").isNotNull();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    try (Stream<String> dirs = Stream.of(path.split(File.pathSeparator))) {
      return dirs.filter(d -> !d.isEmpty())
          .map(d -> Path.of(d, name))
          .filter(Files::isExecutable)
          .findFirst();
    }
  }

  private record Run(Process process, Path log) {
    int awaitExit() throws InterruptedException {
      if (!process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        fail("skiff did not exit; output:%n%s", output());
      }
      return process.exitValue();
    }

    String output() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
