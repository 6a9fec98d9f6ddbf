package io.skiff.e2e;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Runs one kubectl binary against one Skiff: {@code kubectl --kubeconfig K --cache-dir C ARGS}.
 * Immutable; the {@code with...} methods return a changed copy.
 *
 * <pre>{@code
 * kubectl.withStdin(yaml).output("create", "-f", "-");
 * JsonNode d = kubectl.json("get", "deployment", "nginx");   // appends -o json
 * kubectl.await(r -> r.stdout().contains("3/3"), "get", "deployments");
 * }</pre>
 *
 * <p>The discovery cache is the server's own ({@code --cache-dir} in its data directory), not
 * {@code ~/.kube/cache}, so that a later server on a reused port never sees a stale one.
 */
public final class Kubectl {

  /** Parses {@code -o json}. */
  public static final ObjectMapper JSON = new ObjectMapper();

  /** Parses {@code -o yaml}. */
  public static final YAMLMapper YAML = new YAMLMapper();

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_AWAIT = Duration.ofSeconds(60);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

  private final String version;
  private final Path binary;
  private final Path kubeconfig;
  private final Path cacheDir;
  private final Map<String, String> env;
  private final byte[] stdin;
  private final Duration timeout;
  private final Duration awaitTimeout;

  private Kubectl(
      String version,
      Path binary,
      Path kubeconfig,
      Path cacheDir,
      Map<String, String> env,
      byte[] stdin,
      Duration timeout,
      Duration awaitTimeout) {
    this.version = version;
    this.binary = binary;
    this.kubeconfig = kubeconfig;
    this.cacheDir = cacheDir;
    this.env = Map.copyOf(env);
    this.stdin = stdin;
    this.timeout = timeout;
    this.awaitTimeout = awaitTimeout;
  }

  /**
   * kubectl {@code version} (e.g. {@code "1.27"}) for the server whose kubeconfig is given; fails
   * (CI) or skips (elsewhere) the test if that kubectl is not installed.
   */
  public static Kubectl of(String version, Path kubeconfig, Path cacheDir) {
    return new Kubectl(
        version,
        KubectlBinary.require(version),
        kubeconfig,
        cacheDir,
        Map.of(),
        null,
        DEFAULT_TIMEOUT,
        DEFAULT_AWAIT);
  }

  public String version() {
    return version;
  }

  public Path binary() {
    return binary;
  }

  /** The same kubectl with {@code input} on its standard input (for {@code -f -}). */
  public Kubectl withStdin(String input) {
    return new Kubectl(
        version,
        binary,
        kubeconfig,
        cacheDir,
        env,
        input.getBytes(StandardCharsets.UTF_8),
        timeout,
        awaitTimeout);
  }

  /** The same kubectl with an environment variable set, e.g. {@code EDITOR} for {@code edit}. */
  public Kubectl withEnv(String name, String value) {
    Map<String, String> more = new HashMap<>(env);
    more.put(name, value);
    return new Kubectl(version, binary, kubeconfig, cacheDir, more, stdin, timeout, awaitTimeout);
  }

  /** The same kubectl, killed (and the test failed) if one run takes longer than {@code limit}. */
  public Kubectl withTimeout(Duration limit) {
    return new Kubectl(version, binary, kubeconfig, cacheDir, env, stdin, limit, awaitTimeout);
  }

  /** The same kubectl, whose {@code await...} give up after {@code limit}. */
  public Kubectl withAwaitTimeout(Duration limit) {
    return new Kubectl(version, binary, kubeconfig, cacheDir, env, stdin, timeout, limit);
  }

  /** Runs {@code kubectl ARGS} to the end, whatever its exit code. */
  public Result run(String... args) {
    return run(List.of(args));
  }

  public Result run(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(
        List.of("--kubeconfig", kubeconfig.toString(), "--cache-dir", cacheDir.toString()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().remove("KUBECONFIG");
    pb.environment().putAll(env);
    if (stdin == null) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + binary, e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<Thread> pumps = new ArrayList<>();
    pumps.add(Thread.ofVirtual().start(() -> copy(p.getInputStream(), out)));
    pumps.add(Thread.ofVirtual().start(() -> copy(p.getErrorStream(), err)));
    if (stdin != null) {
      pumps.add(Thread.ofVirtual().start(() -> feed(p.getOutputStream(), stdin)));
    }
    try {
      boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        // Its children too (an EDITOR), which would keep the pipes open.
        p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        p.toHandle().destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
      for (Thread pump : pumps) {
        pump.join(Duration.ofSeconds(10));
      }
      Result result = new Result(command, p.exitValue(), text(out), text(err));
      if (!finished) {
        throw new AssertionError("kubectl ran longer than " + timeout + ", killed; " + result);
      }
      return result;
    } catch (InterruptedException e) {
      p.toHandle().destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }

  /** Runs {@code kubectl ARGS}, fails the test unless it exits 0, and returns its stdout. */
  public String output(String... args) {
    return run(args).assertSuccess().stdout();
  }

  /** {@code kubectl ARGS -o json}, which must succeed, parsed. */
  public JsonNode json(String... args) {
    return run(withOutput(args, "json")).assertSuccess().json();
  }

  /** {@code kubectl ARGS -o yaml}, which must succeed, parsed. */
  public JsonNode yaml(String... args) {
    return run(withOutput(args, "yaml")).assertSuccess().yaml();
  }

  /**
   * Runs {@code kubectl ARGS} every 200 ms until its result satisfies {@code until}, and returns
   * that result; fails the test with the last result after the await timeout (60 s by default).
   */
  public Result await(Predicate<Result> until, String... args) {
    List<String> argList = List.of(args);
    AtomicReference<Result> last = new AtomicReference<>();
    try {
      return Awaitility.await("kubectl " + String.join(" ", argList))
          .atMost(awaitTimeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(POLL_INTERVAL)
          .until(
              () -> {
                Result r = run(argList);
                last.set(r);
                return r;
              },
              until);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "gave up after " + awaitTimeout + " waiting for a result; the last: " + last.get(), e);
    }
  }

  /** Polls {@code kubectl ARGS} until it exits 0 with a stdout that satisfies {@code until}. */
  public String awaitOutput(Predicate<String> until, String... args) {
    return await(r -> r.succeeded() && until.test(r.stdout()), args).stdout();
  }

  /**
   * Polls {@code kubectl ARGS -o json} until it succeeds and the document satisfies {@code until}.
   */
  public JsonNode awaitJson(Predicate<JsonNode> until, String... args) {
    return await(r -> r.succeeded() && until.test(r.json()), withOutput(args, "json")).json();
  }

  private static String[] withOutput(String[] args, String format) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "-o";
    all[args.length + 1] = format;
    return all;
  }

  private static void copy(InputStream in, OutputStream out) {
    try (in) {
      in.transferTo(out);
    } catch (IOException closedWhenKilled) {
      // What was read so far stays in out.
    }
  }

  private static void feed(OutputStream in, byte[] bytes) {
    try (in) {
      in.write(bytes);
    } catch (IOException exitedWithoutReadingItAll) {
      // kubectl decides how much of its input it needs.
    }
  }

  private static String text(ByteArrayOutputStream bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "kubectl " + version + " (" + binary + ")";
  }

  /** What one kubectl run did. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {

    public boolean succeeded() {
      return exitCode == 0;
    }

    /** This result, or an {@link AssertionError} that shows it unless kubectl exited 0. */
    public Result assertSuccess() {
      if (!succeeded()) {
        throw new AssertionError("kubectl failed: " + this);
      }
      return this;
    }

    /** This result, or an {@link AssertionError} that shows it if kubectl exited 0. */
    public Result assertFailure() {
      if (succeeded()) {
        throw new AssertionError("kubectl should have failed: " + this);
      }
      return this;
    }

    /** stdout parsed as JSON ({@code -o json}). */
    public JsonNode json() {
      return parse(JSON);
    }

    /** stdout parsed as YAML ({@code -o yaml}). */
    public JsonNode yaml() {
      return parse(YAML);
    }

    private JsonNode parse(ObjectMapper mapper) {
      try {
        return mapper.readTree(stdout);
      } catch (JsonProcessingException e) {
        throw new AssertionError("cannot parse the output of " + this, e);
      }
    }

    @Override
    public String toString() {
      return "`"
          + String.join(" ", command)
          + "` exited "
          + exitCode
          + "\n--- stdout ---\n"
          + stdout
          + "\n--- stderr ---\n"
          + stderr;
    }
  }
}
