package io.skiff.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Finds the kubectl binary of a given minor version ({@code "1.27"}, {@code "1.33"}).
 *
 * <p>Looks for {@code kubectl.<version>} in {@code -Dskiff.e2e.kubectl.dir} (default {@value
 * #SDK_DIR}, where the Google Cloud SDK installs 1.27 to 1.33), then on {@code PATH}, and last
 * takes the plain {@code kubectl} on {@code PATH} if its client is that version. {@code
 * -Dskiff.e2e.kubectl=FILE} overrides the default version's binary.
 */
public final class KubectlBinary {

  /** The version of kubectl that matches the server (v1.33.0-skiff); tests use it by default. */
  public static final String DEFAULT_VERSION = "1.33";

  /** The oldest kubectl that the e2e tests use: the server's version minus the supported skew. */
  public static final String OLDEST_VERSION = "1.27";

  static final String SDK_DIR = "/usr/lib/google-cloud-sdk/bin";

  private static final Map<String, Optional<Path>> FOUND = new ConcurrentHashMap<>();

  private KubectlBinary() {}

  /**
   * The versions that {@link ForEachKubectl} runs a test with: {@code -Dskiff.e2e.kubectl.versions}
   * as a comma-separated list, or {@code all} for every installed one from 1.27 to 1.33; by default
   * the two ends, 1.27 and 1.33. A listed version that is not installed fails on CI and is skipped
   * elsewhere, as any missing kubectl.
   */
  public static Stream<String> kubectlVersions() {
    String wanted = System.getProperty("skiff.e2e.kubectl.versions", "").strip();
    if (wanted.isEmpty()) {
      return Stream.of(OLDEST_VERSION, DEFAULT_VERSION);
    }
    if (wanted.equals("all")) {
      List<String> installed =
          IntStream.rangeClosed(27, 33)
              .mapToObj(minor -> "1." + minor)
              .filter(v -> find(v).isPresent())
              .toList();
      return installed.isEmpty() ? Stream.of(DEFAULT_VERSION) : installed.stream();
    }
    return Stream.of(wanted.split(",")).map(String::strip).filter(v -> !v.isEmpty());
  }

  /** The binary, or the test fails (CI) or is skipped (elsewhere). */
  public static Path require(String version) {
    Optional<Path> binary = find(version);
    Prerequisites.require(
        binary.isPresent(),
        "kubectl "
            + version
            + " not found (kubectl."
            + version
            + " in "
            + sdkDir()
            + " or on PATH, or a kubectl "
            + version
            + " on PATH)");
    return binary.orElseThrow();
  }

  public static Optional<Path> find(String version) {
    return FOUND.computeIfAbsent(version, KubectlBinary::lookUp);
  }

  private static Optional<Path> lookUp(String version) {
    String override = System.getProperty("skiff.e2e.kubectl", "");
    if (version.equals(DEFAULT_VERSION) && !override.isBlank()) {
      return Optional.of(Path.of(override)).filter(Files::isExecutable);
    }
    String name = "kubectl." + version;
    Path inSdk = sdkDir().resolve(name);
    if (Files.isExecutable(inSdk)) {
      return Optional.of(inSdk);
    }
    return onPath(name).or(() -> onPath("kubectl").filter(k -> clientVersionIs(k, version)));
  }

  private static Path sdkDir() {
    return Path.of(System.getProperty("skiff.e2e.kubectl.dir", SDK_DIR));
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of(path.split(File.pathSeparator))
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, name))
        .filter(Files::isExecutable)
        .findFirst();
  }

  private static boolean clientVersionIs(Path kubectl, String version) {
    try {
      Process p =
          new ProcessBuilder(kubectl.toString(), "version", "--client", "-o", "json")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.toHandle().destroyForcibly();
        return false;
      }
      JsonNode client = Kubectl.JSON.readTree(out).path("clientVersion");
      return version.equals(
          client.path("major").asText() + "." + client.path("minor").asText().replace("+", ""));
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
