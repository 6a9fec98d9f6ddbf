package io.skiff.apiserver;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Properties;

/**
 * The body of {@code GET /version}: Kubernetes' {@code version.Info}, field for field, so that
 * kubectl and client libraries read it as they read a real API server's.
 *
 * @param goVersion upstream names the Go toolchain here; Skiff names the Java runtime
 */
@JsonPropertyOrder({
  "major",
  "minor",
  "gitVersion",
  "gitCommit",
  "gitTreeState",
  "buildDate",
  "goVersion",
  "compiler",
  "platform"
})
public record VersionInfo(
    String major,
    String minor,
    String gitVersion,
    String gitCommit,
    String gitTreeState,
    String buildDate,
    String goVersion,
    String compiler,
    String platform) {

  /** The Kubernetes minor version whose API Skiff serves. */
  public static final String KUBERNETES_MAJOR = "1";

  public static final String KUBERNETES_MINOR = "33";

  /**
   * Semver build of that Kubernetes version, marked as Skiff's so no one mistakes it for upstream.
   */
  public static final String GIT_VERSION = "v1.33.0-skiff";

  private static final String UNKNOWN = "unknown";

  /** The version of this build, from the properties Maven stamped into the jar. */
  public static VersionInfo current() {
    Properties build = buildProperties();
    String dirty = resolved(build, "git.dirty");
    return new VersionInfo(
        KUBERNETES_MAJOR,
        KUBERNETES_MINOR,
        GIT_VERSION,
        resolved(build, "git.commit"),
        switch (dirty) {
          case "true" -> "dirty";
          case "false" -> "clean";
          default -> UNKNOWN;
        },
        resolved(build, "build.date"),
        "java" + Runtime.version(),
        "skiff",
        currentPlatform());
  }

  /** Skiff's own release version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String skiffVersion() {
    return resolved(buildProperties(), "skiff.version");
  }

  /** {@code os/arch} in Go's spelling ({@code linux/amd64}, {@code darwin/arm64}). */
  static String currentPlatform() {
    String os = System.getProperty("os.name", UNKNOWN).toLowerCase(Locale.ROOT);
    if (os.startsWith("mac")) {
      os = "darwin";
    } else if (os.startsWith("windows")) {
      os = "windows";
    }
    String arch = System.getProperty("os.arch", UNKNOWN);
    arch =
        switch (arch) {
          case "x86_64", "amd64" -> "amd64";
          case "aarch64", "arm64" -> "arm64";
          case "x86", "i386", "i686" -> "386";
          default -> arch;
        };
    return os + "/" + arch;
  }

  private static Properties buildProperties() {
    Properties p = new Properties();
    try (InputStream in = VersionInfo.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read build.properties from the Skiff jar", e);
    }
    return p;
  }

  /** A stamped value, or "unknown" where the build could not fill it in (no git checkout). */
  private static String resolved(Properties p, String key) {
    String v = p.getProperty(key, "");
    return v.isBlank() || v.contains("${") ? UNKNOWN : v;
  }
}
