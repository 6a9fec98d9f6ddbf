package io.skiff.e2e;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar skiff.jar controller-manager --kubeconfig FILE} beside a {@link SkiffProcess},
 * as a user runs it against a {@code skiff up --disable-controller-manager}: stdout and stderr in
 * {@code DIR/<name>.out} and {@code DIR/<name>.err}. Its identity (the Lease holder it writes) is
 * read from the first line it prints.
 */
public final class ControllerManagerProcess implements AutoCloseable {

  private static final Pattern IDENTITY = Pattern.compile("skiff: controller-manager (\\S+) for ");

  private final SkiffProcess skiff;
  private final String name;
  private final List<String> args;
  private Process process;
  private Path stdout;
  private Path stderr;

  /** A controller manager (not started) named {@code name} in the logs, with more flags. */
  public ControllerManagerProcess(SkiffProcess skiff, String name, String... args) {
    this.skiff = skiff;
    this.name = name;
    this.args = List.of(args);
  }

  /** Starts it and waits until it has printed who it is. */
  public ControllerManagerProcess start() {
    stdout = skiff.dataDir().resolve(name + ".out");
    stderr = skiff.dataDir().resolve(name + ".err");
    List<String> command =
        new ArrayList<>(
            List.of(
                SkiffProcess.java(),
                "-jar",
                SkiffProcess.jar().toString(),
                "controller-manager",
                "--kubeconfig",
                skiff.kubeconfig().toString()));
    command.addAll(args);
    try {
      process =
          new ProcessBuilder(command)
              .directory(skiff.dataDir().toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    await(name + " started")
        .atMost(SkiffProcess.READY_TIMEOUT)
        .pollInterval(Duration.ofMillis(50))
        .failFast(name + " exited; " + log(), () -> !process.isAlive())
        .until(() -> IDENTITY.matcher(stdout()).find());
    return this;
  }

  /** The identity it campaigns under: {@code <hostname>_<uuid>}. */
  public String identity() {
    Matcher m = IDENTITY.matcher(stdout());
    if (!m.find()) {
      throw new IllegalStateException(name + " has not printed its identity; " + log());
    }
    return m.group(1);
  }

  /** Whether it printed that it acquired the lease. */
  public boolean acquiredLease() {
    return stdout().contains("skiff: successfully acquired lease ");
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** SIGKILL, as a crash: the lease is not released and must expire. */
  public int kill() {
    process.toHandle().destroyForcibly();
    return waitForExit();
  }

  /** SIGTERM; returns the exit code. */
  public int stop() {
    process.toHandle().destroy();
    return waitForExit();
  }

  private int waitForExit() {
    try {
      if (!process.waitFor(SkiffProcess.STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.toHandle().destroyForcibly();
        throw new AssertionError(name + " did not exit within " + SkiffProcess.STOP_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + name, e);
    }
    return process.exitValue();
  }

  public String stdout() {
    return read(stdout);
  }

  /** What it printed, for failure messages. */
  public String log() {
    String status = SkiffProcess.status(process);
    return name
        + " "
        + status
        + "\n--- "
        + stdout
        + " ---\n"
        + stdout()
        + "--- "
        + stderr
        + " ---\n"
        + read(stderr);
  }

  /** Kills it if it still runs (a test that failed half-way). */
  @Override
  public void close() {
    if (isRunning()) {
      kill();
    }
  }

  private static String read(Path file) {
    try {
      return file == null || !Files.exists(file) ? "" : Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
