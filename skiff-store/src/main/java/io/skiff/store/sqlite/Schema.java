package io.skiff.store.sqlite;

import io.skiff.store.StorageFailureException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteException;

/** The file format: opening, checking and creating a Skiff database. */
final class Schema {

  /** "SKIF": marks the file as Skiff's, so that no other database is ever taken for one. */
  static final int APPLICATION_ID = 0x534B4946;

  static final int VERSION = 2;

  // Compare-and-swap enforced by the database itself, behind the writer's own check: a row must
  // follow its key's latest row, so two writes based on the same previous row cannot both commit.
  // Schema version 1 enforced it with a unique index on (name, prev_revision); this costs a lookup
  // in the index that reads use anyway, where that index cost a random insert into a second one:
  // pages to write to the WAL and checkpoint, on the one writer thread, at every write.
  private static final String FOLLOWS_LATEST =
      """
      CREATE TRIGGER log_follows_latest BEFORE INSERT ON log
      WHEN NEW.prev_revision != coalesce(
        (SELECT id FROM log WHERE name = NEW.name ORDER BY id DESC LIMIT 1), 0)
      BEGIN SELECT RAISE(ABORT, 'a row must follow its key''s latest row'); END""";

  /** Turns a version 1 store into a version 2 one; its data stays as it is. */
  private static final List<String> UPGRADE_FROM_1 =
      List.of("DROP INDEX IF EXISTS log_name_prev", FOLLOWS_LATEST, "PRAGMA user_version = 2");

  private static final List<String> CREATE =
      List.of(
          // The revision is the row id; AUTOINCREMENT keeps it from being reused even after the
          // newest rows are compacted away.
          """
          CREATE TABLE log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            created INTEGER NOT NULL,
            deleted INTEGER NOT NULL,
            create_revision INTEGER NOT NULL,
            prev_revision INTEGER NOT NULL,
            value BLOB)""",
          FOLLOWS_LATEST,
          // Newest first: point reads and list-at-revision want each key's latest row.
          "CREATE INDEX log_name_id ON log (name, id DESC)",
          "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
          // compacted: reads below it fail; purged: history up to it has been deleted.
          "INSERT INTO meta VALUES ('compacted', 0), ('purged', 0)",
          "PRAGMA application_id = " + APPLICATION_ID,
          "PRAGMA user_version = " + VERSION);

  private Schema() {}

  /**
   * Opens {@code file}, creating the schema if the file is new or empty, and checks that it is an
   * intact Skiff database without writing to it otherwise, except to upgrade a version 1 store.
   */
  static Connection openWriter(Path file, boolean synchronousFull) {
    Connection c = null;
    try {
      c = connect(file);
      if (isEmpty(c, file)) {
        create(c, file);
      } else if (check(c, file) == 1) {
        inTransaction(c, UPGRADE_FROM_1);
      }
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA synchronous = " + (synchronousFull ? "FULL" : "NORMAL"));
        // Keeps the WAL from staying huge after a burst of large values.
        s.execute("PRAGMA journal_size_limit = " + (64 << 20));
        s.execute("PRAGMA cache_size = -" + (16 << 10));
      }
      return c;
    } catch (SQLException e) {
      closeQuietly(c);
      throw failure(file, e);
    } catch (RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  static Connection openReader(Path file) throws SQLException {
    Connection c = connect(file);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA query_only = 1");
      // Big enough that listing a large prefix is served from memory, not from read() calls.
      s.execute("PRAGMA cache_size = -" + (32 << 10));
    }
    return c;
  }

  private static Connection connect(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(10_000);
    // Revisions are the rows' ids, chosen by the writer. Left on, sqlite-jdbc runs an extra
    // "SELECT last_insert_rowid()" statement, with a statement object of its own, after every
    // insert, on the one writer thread every write waits for.
    config.setGetGeneratedKeys(false);
    return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
  }

  /** Whether the file holds no database yet; throws if it holds another application's. */
  private static boolean isEmpty(Connection c, Path file) throws SQLException {
    int applicationId = intPragma(c, "application_id");
    int objects;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_schema")) {
      objects = rs.getInt(1);
    }
    if (applicationId == 0 && objects == 0) {
      return true;
    }
    if (applicationId != APPLICATION_ID) {
      throw new StorageFailureException(
          file
              + " is a SQLite database of another application (application_id "
              + String.format("0x%08X", applicationId)
              + ", "
              + objects
              + " schema objects), not a Skiff store; refusing to use it",
          null);
    }
    return false;
  }

  /** Checks an existing store, which may be of the current schema version or of version 1. */
  private static int check(Connection c, Path file) throws SQLException {
    int version = intPragma(c, "user_version");
    if (version != VERSION && version != 1) {
      throw new StorageFailureException(
          file
              + " is a Skiff store of schema version "
              + version
              + ", but this Skiff reads version "
              + VERSION,
          null);
    }
    List<String> problems = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA quick_check(5)")) {
      while (rs.next()) {
        problems.add(rs.getString(1));
      }
    }
    if (!problems.equals(List.of("ok"))) {
      throw new StorageFailureException(
          file + " is corrupted: " + String.join("; ", problems), null);
    }
    useWal(c, file);
    return version;
  }

  private static void useWal(Connection c, Path file) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
      String mode = rs.getString(1);
      // Readers beside the writer, and one fsync per commit, both need WAL.
      if (!"wal".equalsIgnoreCase(mode)) {
        throw new StorageFailureException(
            file + ": cannot use WAL mode (journal mode stays " + mode + ")", null);
      }
    }
  }

  private static void create(Connection c, Path file) throws SQLException {
    try (Statement s = c.createStatement()) {
      // Must be set before the first table exists: lets compaction give space back.
      s.execute("PRAGMA auto_vacuum = INCREMENTAL");
    }
    useWal(c, file);
    inTransaction(c, CREATE);
  }

  private static void inTransaction(Connection c, List<String> statements) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      try {
        for (String sql : statements) {
          s.execute(sql);
        }
        s.execute("COMMIT");
      } catch (SQLException e) {
        s.execute("ROLLBACK");
        throw e;
      }
    }
  }

  private static int intPragma(Connection c, String name) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      return rs.getInt(1);
    }
  }

  /** A {@link StorageFailureException} that names the file and says what went wrong. */
  static StorageFailureException failure(Path file, SQLException e) {
    return new StorageFailureException(file + describe(e) + " (" + e.getMessage() + ")", e);
  }

  private static String describe(SQLException e) {
    String code = e instanceof SQLiteException se ? se.getResultCode().name() : "";
    if (code.equals("SQLITE_NOTADB")) {
      return " is not a SQLite database";
    }
    if (code.startsWith("SQLITE_CORRUPT")) {
      return " is corrupted";
    }
    if (code.equals("SQLITE_FULL")) {
      return ": the disk or the database is full";
    }
    return ": storage failure";
  }

  static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // Already failing; the first error is the one worth reporting.
      }
    }
  }
}
