package io.skiff.apiserver.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Reads and writes credentials files: atomically, and readable by their owner only when secret. */
final class SecureFiles {

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> WORLD_READABLE =
      PosixFilePermissions.fromString("rw-r--r--");

  private SecureFiles() {}

  /**
   * Creates {@code dir} (and its parents) if missing; a new one is accessible to its owner only.
   */
  static void createPrivateDirectory(Path dir) throws CredentialsException {
    if (Files.isDirectory(dir)) {
      return;
    }
    try {
      Files.createDirectories(dir.toAbsolutePath().getParent());
      if (isPosix(dir)) {
        Files.createDirectory(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectory(dir);
      }
    } catch (FileAlreadyExistsException raced) {
      if (!Files.isDirectory(dir)) {
        throw new CredentialsException("cannot create directory " + dir + ": a file is in the way");
      }
    } catch (IOException e) {
      throw new CredentialsException("cannot create directory " + dir + ": " + reason(e), e);
    }
  }

  /** Writes a key or token: only its owner may read it. */
  static void writeSecret(Path file, byte[] content) throws CredentialsException {
    write(file, content, OWNER_ONLY);
  }

  /** Writes a certificate, which any user of the machine may read (and trust). */
  static void writePublic(Path file, byte[] content) throws CredentialsException {
    write(file, content, WORLD_READABLE);
  }

  /**
   * Replaces {@code file} so that a reader, or the next start after a crash, finds the old content
   * or the new, never part of it: written to a temporary file in the same directory, forced to disk
   * and then moved over the target.
   */
  private static void write(Path file, byte[] content, Set<PosixFilePermission> permissions)
      throws CredentialsException {
    Path target = file.toAbsolutePath();
    Path tmp =
        target.resolveSibling(
            "." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    try {
      Files.deleteIfExists(tmp);
      FileAttribute<?>[] attributes =
          isPosix(target)
              ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
              : new FileAttribute<?>[0];
      try (FileChannel ch =
          FileChannel.open(
              tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          ch.write(buffer);
        }
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new CredentialsException("cannot write " + target + ": " + reason(e), e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        // A leftover temporary file is replaced by the next write; the failure is reported above.
      }
    }
  }

  /** The file's bytes; a file that is missing or unreadable is reported by its name. */
  static byte[] read(Path file) throws CredentialsException {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CredentialsException("cannot read " + file + ": " + reason(e), e);
    }
  }

  private static boolean isPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** An exception's own words, without the class name, nor the file name the caller gives. */
  static String reason(Throwable e) {
    Throwable t = e;
    while (t.getMessage() == null && t.getCause() != null) {
      t = t.getCause();
    }
    return switch (t) {
      case AccessDeniedException a -> "permission denied";
      case NoSuchFileException n -> "no such file or directory";
      case FileSystemException f when f.getReason() != null -> f.getReason();
      default -> t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    };
  }
}
