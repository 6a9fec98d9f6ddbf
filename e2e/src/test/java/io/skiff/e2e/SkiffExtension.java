package io.skiff.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One Skiff for a test class, on its own port and data directory, so that test classes never share
 * state and could run in parallel:
 *
 * <pre>{@code
 * class S1DeploymentIT {
 *   @RegisterExtension static final SkiffExtension skiff = new SkiffExtension();
 *
 *   @Test
 *   void rollsOut() {
 *     skiff.kubectl().withStdin(yaml).output("create", "-f", "-");
 *   }
 * }
 * }</pre>
 *
 * <p>Skiff starts before the first test and stops (SIGTERM, and it must exit 0) after the last. A
 * test that stops or kills it leaves the next test a freshly started one on the same data
 * directory; a Skiff that dies by itself fails the test that was running. The data directory lies
 * under {@code -Dskiff.e2e.workDir} ({@code e2e/target/e2e} in Maven), holds skiff's stdout and
 * stderr, and is deleted when every test passed, kept otherwise.
 */
public final class SkiffExtension
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        TestWatcher {

  private final int nodes;
  private final String store;
  private final List<String> args;
  private SkiffProcess skiff;
  private int depth;
  private boolean failed;

  /** Three nodes, the sqlite store: the defaults of {@code skiff up}. */
  public SkiffExtension() {
    this(3, "sqlite", List.of());
  }

  private SkiffExtension(int nodes, String store, List<String> args) {
    this.nodes = nodes;
    this.store = store;
    this.args = args;
  }

  public SkiffExtension withNodes(int n) {
    return new SkiffExtension(n, store, args);
  }

  /** {@code sqlite} (the default) or {@code memory}. */
  public SkiffExtension withStore(String kind) {
    return new SkiffExtension(nodes, kind, args);
  }

  /** More {@code skiff up} flags, e.g. shorter simulated timings. */
  public SkiffExtension withArgs(String... more) {
    List<String> all = new java.util.ArrayList<>(args);
    all.addAll(List.of(more));
    return new SkiffExtension(nodes, store, List.copyOf(all));
  }

  public SkiffProcess process() {
    if (skiff == null) {
      throw new IllegalStateException("skiff starts in @BeforeAll; use it from the tests");
    }
    return skiff;
  }

  /** kubectl {@value KubectlBinary#DEFAULT_VERSION} for this class's skiff. */
  public Kubectl kubectl() {
    return process().kubectl();
  }

  /** kubectl of {@code version} for this class's skiff. */
  public Kubectl kubectl(String version) {
    return process().kubectl(version);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    // @Nested classes see the outer class's extension too: they share its skiff.
    if (depth++ > 0) {
      return;
    }
    Path root =
        Path.of(System.getProperty("skiff.e2e.workDir", System.getProperty("java.io.tmpdir")));
    Files.createDirectories(root);
    Path dataDir =
        Files.createTempDirectory(root, context.getRequiredTestClass().getSimpleName() + "-");
    skiff = new SkiffProcess(dataDir, nodes, store, args);
    skiff.start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!skiff.isRunning()) {
      skiff.start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (skiff.exitedUnexpectedly()) {
      throw new AssertionError("skiff exited during the test; " + skiff.log());
    }
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    failed = true;
    System.err.printf(
        "%s.%s [%s] failed; its skiff's data directory is kept: %s%n",
        context.getRequiredTestClass().getSimpleName(),
        context.getRequiredTestMethod().getName(),
        context.getDisplayName(),
        skiff == null ? "(none)" : skiff.dataDir());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (--depth > 0 || skiff == null) {
      return;
    }
    boolean wasRunning = skiff.isRunning();
    int exit = wasRunning ? skiff.stop() : 0;
    skiff.close();
    boolean clean = !wasRunning || (exit == 0 && skiff.stdout().contains("skiff: stopped"));
    List<String> mutations = skiff.cacheMutationReports();
    if (!mutations.isEmpty()) {
      failed = true;
    }
    Optional<Throwable> classFailure = context.getExecutionException();
    if (!failed && clean && classFailure.isEmpty()) {
      deleteRecursively(skiff.dataDir());
    } else {
      System.err.println("skiff's data directory is kept: " + skiff.dataDir());
    }
    if (!mutations.isEmpty()) {
      throw new AssertionError(
          "skiff's watch cache found objects changed by their readers: "
              + String.join("\n", mutations));
    }
    if (!clean) {
      throw new AssertionError("skiff did not stop cleanly on SIGTERM; " + skiff.log());
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(SkiffExtension::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
