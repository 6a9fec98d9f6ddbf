package io.skiff.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * Keeps sqlite-jdbc's native library extracted in a cache directory. Left alone, sqlite-jdbc writes
 * the 1 MB library to a fresh random file in java.io.tmpdir on every start, after scanning that
 * directory for stale copies and running {@code uname} to name the platform: the largest single
 * cost of {@code skiff up} after class loading. With the cache, a start only loads a file.
 *
 * <p>The cached file is named by sqlite-jdbc's version and the JVM's OS and architecture, so an
 * upgrade extracts anew; it is written under a temporary name and renamed, so a reader never loads
 * a partial copy. If anything goes wrong, sqlite-jdbc extracts its own copy as it always did.
 */
final class SqliteNativeCache {

  private static final Logger log = LoggerFactory.getLogger(SqliteNativeCache.class);

  /** Where {@code ./skiff} asks for the cache: one per checkout, shared by every data dir. */
  static final String DIR_PROPERTY = "skiff.cacheDir";

  private static final String LIB_PATH = "org.sqlite.lib.path";
  private static final String LIB_NAME = "org.sqlite.lib.name";
  private static final String TMP_DIR = "org.sqlite.tmpdir";

  private SqliteNativeCache() {}

  /**
   * Points sqlite-jdbc at the cached library in {@code dir}, extracting it first if missing. Does
   * nothing if the user configured sqlite-jdbc's library location already.
   */
  static void use(Path dir) {
    if (System.getProperty(LIB_PATH) != null || System.getProperty(LIB_NAME) != null) {
      return;
    }
    try {
      String libName = System.mapLibraryName("sqlitejdbc");
      String cachedName =
          "sqlitejdbc-"
              + SQLiteJDBCLoader.getVersion()
              + "-"
              + sanitize(System.getProperty("os.name"))
              + "-"
              + sanitize(System.getProperty("os.arch"))
              + "-"
              + libName;
      Path cached = dir.resolve(cachedName);
      if (!Files.isRegularFile(cached)) {
        extract(LibraryLoaderUtil.getNativeLibResourcePath() + "/" + libName, dir, cached);
      }
      System.setProperty(LIB_PATH, dir.toString());
      System.setProperty(LIB_NAME, cachedName);
      if (System.getProperty(TMP_DIR) == null) {
        // sqlite-jdbc sweeps its temp directory for stale copies on every start; keep it small.
        System.setProperty(TMP_DIR, dir.toString());
      }
    } catch (IOException | RuntimeException e) {
      log.info("not caching sqlite's native library in {}; sqlite-jdbc will extract it", dir, e);
    }
  }

  private static void extract(String resource, Path dir, Path target) throws IOException {
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".sqlitejdbc-", ".tmp");
    try {
      try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IOException("no native sqlite library for this platform at " + resource);
        }
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String sanitize(String s) {
    return (s == null ? "unknown" : s).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.]", "_");
  }
}
