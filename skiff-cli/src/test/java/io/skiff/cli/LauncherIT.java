package io.skiff.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.skiff.client.transport.Tls;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ./skiff} script: JDK choice, the private jar copy, the class cache, exec. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LauncherIT {

  private static final Path LAUNCHER =
      Path.of(System.getProperty("skiff.launcher", "../skiff")).toAbsolutePath().normalize();
  private static final Path RUN_DIR = LAUNCHER.getParent().resolve("skiff-cli/target/run");

  @TempDir Path dataDir;
  @TempDir Path logs;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Process p : started) {
      if (p.isAlive()) {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void versionRunsThroughTheLauncher() throws Exception {
    Result r = run(List.of("version"));
    assertThat(r.status).as(r.output).isZero();
    assertThat(r.output).startsWith("skiff ").contains("Kubernetes v1.33.0-skiff");
  }

  @Test
  void controllerManagerRunsThroughTheLauncher() throws Exception {
    Path missing = dataDir.resolve("kubeconfig");
    Result r = run(List.of("controller-manager", "--kubeconfig", missing.toString()));
    assertThat(r.status).as(r.output).isEqualTo(1);
    assertThat(r.output).contains("skiff: cannot read kubeconfig " + missing);
  }

  @Test
  void upRecordsTheClassCacheOnceAndStartsWithIt() throws Exception {
    List<String> up =
        List.of("up", "--data-dir", dataDir.toString(), "--port", "0", "--exit-when-ready");
    Result first = run(up);
    assertThat(first.status).as(first.output).isZero();
    assertThat(first.output).contains("skiff: ready on https://127.0.0.1:");
    try (Stream<Path> files = Files.list(RUN_DIR)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .anyMatch(name -> name.matches("skiff-jdk.+\\.(aot|jsa)"));
    }

    Result second = run(up);
    assertThat(second.status).as(second.output).isZero();
    assertThat(second.output)
        .contains("skiff: ready on")
        .doesNotContain("recording the class cache")
        .doesNotContain("warning");
  }

  @Test
  void theLauncherExecsJavaSoSigtermReachesSkiff() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = logs.resolve("up.log");
    Process skiff =
        launcher(List.of("up", "--data-dir", dataDir.toString(), "--port", Integer.toString(port)))
            .redirectOutput(log.toFile())
            .start();
    started.add(skiff);
    Path ca = dataDir.resolve("pki/ca.crt");
    HttpRequest readyz =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/readyz")).build();
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(50))
        .failFast("skiff exited before it was ready", () -> !skiff.isAlive())
        .until(
            () -> {
              if (!Files.exists(ca)) {
                return false;
              }
              // Trusting the CA that skiff made, and nothing else.
              try (HttpClient https =
                  HttpClient.newBuilder()
                      .sslContext(
                          Tls.trusting(Tls.certificates(Files.readAllBytes(ca), ca.toString())))
                      .build()) {
                return https.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode()
                    == 200;
              } catch (ConnectException notYet) {
                return false;
              }
            });
    skiff.destroy();
    assertThat(skiff.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(skiff.exitValue()).as(Files.readString(log)).isZero();
    assertThat(log).content().contains("skiff: stopped");
  }

  private ProcessBuilder launcher(List<String> args) {
    List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    // The jar was just built by this Maven run; a nested build would race it.
    pb.environment().put("SKIFF_NO_BUILD", "1");
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    return pb;
  }

  private Result run(List<String> args) throws IOException, InterruptedException {
    Path log = Files.createTempFile(logs, "run", ".log");
    Process p = launcher(args).redirectOutput(log.toFile()).start();
    started.add(p);
    assertThat(p.waitFor(150, TimeUnit.SECONDS)).as("launcher finished").isTrue();
    return new Result(p.exitValue(), Files.readString(log));
  }

  private record Result(int status, String output) {}
}
