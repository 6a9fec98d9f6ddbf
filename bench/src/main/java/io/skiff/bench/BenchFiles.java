package io.skiff.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Scratch directories for the benchmarks' databases, on the disk of {@code java.io.tmpdir}. */
public final class BenchFiles {

  private BenchFiles() {}

  /** A fresh, empty directory; pass {@code -Djava.io.tmpdir=...} to bench another disk. */
  public static Path freshDir(String name) {
    try {
      return Files.createTempDirectory("skiff-bench-" + name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes {@code dir} and everything below it; a missing one is fine. */
  public static void delete(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A value of {@code size} bytes that does not compress to nothing, like a serialized object. */
  public static byte[] value(int size, long seed) {
    byte[] value = new byte[size];
    new java.util.SplittableRandom(seed).nextBytes(value);
    return value;
  }
}
