package io.skiff.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

/**
 * The kubeconfig that points kubectl at a running Skiff: its HTTPS URL, the CA to verify the
 * server's certificate with, and the admin's bearer token.
 */
final class Kubeconfig {

  static final String CLUSTER = "skiff";
  static final String USER = "skiff-admin";
  static final String CONTEXT = "skiff";

  private Kubeconfig() {}

  /**
   * The file's text. Written by hand rather than through a YAML library: it is a fixed template,
   * and loading one at start-up would cost more than the whole file.
   */
  static String render(URI server, String caPem, String token) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %1$s
          cluster:
            server: "%2$s"
            certificate-authority-data: %5$s
        users:
        - name: %3$s
          user:
            token: "%6$s"
        contexts:
        - name: %4$s
          context:
            cluster: %1$s
            user: %3$s
        current-context: %4$s
        preferences: {}
        """
        .formatted(
            CLUSTER,
            server,
            USER,
            CONTEXT,
            Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII)),
            token.replace("\\", "\\\\").replace("\"", "\\\""));
  }

  /**
   * Writes {@code content} to {@code file} so that a reader sees the old file or the new one, never
   * half of one: a kubectl started while Skiff restarts must not read a torn config. Not fsynced:
   * every start writes it anew, so surviving a power cut is not worth 20 ms of start-up.
   */
  static void writeAtomically(Path file, String content) throws IOException {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Files.createDirectories(dir);
    // Named by pid, not by Files.createTempFile: that seeds a SecureRandom, 15 ms of start-up.
    // Skiffs of other data dirs may share one kubeconfig; their pids differ.
    Path tmp =
        dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    try {
      Files.deleteIfExists(tmp);
      try (OutputStream out =
          Files.newOutputStream(
              createPrivate(tmp), StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        out.write(content.getBytes(StandardCharsets.UTF_8));
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Creates {@code file} readable by its owner only, as the admin's token is in it. */
  private static Path createPrivate(Path file) throws IOException {
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    return Files.createFile(file);
  }
}
