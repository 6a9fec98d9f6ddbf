package io.skiff.store.sqlite;

import io.skiff.store.CompactedException;
import io.skiff.store.FutureRevisionException;
import io.skiff.store.KeyRules;
import io.skiff.store.KeyValue;
import io.skiff.store.ListResult;
import io.skiff.store.WatchEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL of the store over one connection, which keeps its prepared statements. Used by one thread
 * at a time.
 */
final class LogTable implements AutoCloseable {

  /** The newest row of a key; {@code value} is null for a tombstone. */
  record Row(long id, boolean deleted, long createRevision, byte[] value) {
    KeyValue kv(String key) {
      return new KeyValue(key, value, createRevision, id);
    }
  }

  /** The counters of the store as of the current transaction. */
  record Meta(long revision, long compacted, long purged) {}

  private static final String LATEST =
      "SELECT id, deleted, create_revision, value FROM log WHERE name = ? ORDER BY id DESC LIMIT 1";

  // SQLite takes the other columns of a max() group from the row holding the max, and reads them
  // only when the max changes. The (name, id DESC) index yields each key's newest row first, so
  // older versions cost an index step, not a table read; GROUP BY follows the index order, so
  // LIMIT stops the scan after one page. This beat a correlated max(id) subquery per row and a
  // GROUP BY join, and stays fast when keys have many versions.
  private static final String LIST =
      """
      SELECT l.name, max(l.id), l.create_revision, l.value FROM log l
      WHERE l.name %s ? AND l.name < ? AND l.id <= ?
      GROUP BY l.name HAVING l.deleted = 0
      ORDER BY l.name LIMIT ?""";
  private static final String LIST_FROM = LIST.formatted(">=");
  private static final String LIST_AFTER = LIST.formatted(">");

  private static final String COUNT =
      """
      SELECT count(*) FROM (
        SELECT max(id), deleted FROM log WHERE name >= ? AND name < ?
        GROUP BY name HAVING deleted = 0)""";

  // The previous row is joined for prevKv. Compaction keeps each key's newest row at or below the
  // compacted revision unless it is a tombstone, so an event above it finds its previous live
  // value.
  private static final String HISTORY =
      """
      SELECT l.id, l.name, l.created, l.deleted, l.create_revision, l.value,
             p.id, p.deleted, p.create_revision, p.value
      FROM log l LEFT JOIN log p ON p.id = l.prev_revision
      WHERE l.id > ? AND l.id <= ? AND l.name >= ? AND l.name < ?
      ORDER BY l.id""";

  private static final String META =
      """
      SELECT (SELECT seq FROM sqlite_sequence WHERE name = 'log'),
             (SELECT value FROM meta WHERE key = 'compacted'),
             (SELECT value FROM meta WHERE key = 'purged')""";

  // The writer numbers rows itself, so that a create stores its own revision as create_revision in
  // one statement; AUTOINCREMENT still records the highest id in sqlite_sequence.
  private static final String INSERT =
      """
      INSERT INTO log (id, name, created, deleted, create_revision, prev_revision, value)
      VALUES (?, ?, ?, ?, ?, ?, ?)""";

  // A row is history once a later row of its key is at or below the purge bound: delete the
  // predecessors of the rows in (from, to], then the tombstones there, which nothing needs.
  private static final String PURGE_PREDECESSORS =
      "DELETE FROM log WHERE id IN (SELECT prev_revision FROM log WHERE id > ? AND id <= ?)";
  private static final String PURGE_TOMBSTONES =
      "DELETE FROM log WHERE id > ? AND id <= ? AND deleted = 1";
  private static final String SET_META = "UPDATE meta SET value = ? WHERE key = ?";

  private final Connection conn;
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  LogTable(Connection conn) {
    this.conn = conn;
  }

  void exec(String sql) throws SQLException {
    try (Statement s = conn.createStatement()) {
      s.execute(sql);
    }
  }

  /** The last value of the first column of a pragma's result. */
  long pragma(String pragma) throws SQLException {
    long last = 0;
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA " + pragma)) {
      while (rs.next()) {
        last = rs.getLong(1);
      }
    }
    return last;
  }

  Meta meta() throws SQLException {
    try (ResultSet rs = prepare(META).executeQuery()) {
      return new Meta(rs.getLong(1), rs.getLong(2), rs.getLong(3));
    }
  }

  /** The newest row of {@code key}, tombstone or not, or null if there is none. */
  Row latest(String key) throws SQLException {
    PreparedStatement ps = prepare(LATEST);
    ps.setString(1, key);
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      boolean deleted = rs.getBoolean(2);
      return new Row(
          rs.getLong(1), deleted, rs.getLong(3), deleted ? null : nonNull(rs.getBytes(4)));
    }
  }

  /** A list page; call inside a read transaction so that the checks and the rows agree. */
  ListResult list(String prefix, int limit, String continueAfter, long atRevision)
      throws SQLException {
    Meta meta = meta();
    long at = atRevision == 0 ? meta.revision : atRevision;
    if (at > meta.revision) {
      throw new FutureRevisionException(at, meta.revision);
    }
    if (at < meta.compacted) {
      throw new CompactedException(at, meta.compacted);
    }
    boolean after = continueAfter != null && continueAfter.compareTo(prefix) >= 0;
    PreparedStatement ps = prepare(after ? LIST_AFTER : LIST_FROM);
    ps.setString(1, after ? continueAfter : prefix);
    ps.setString(2, KeyRules.prefixEnd(prefix));
    ps.setLong(3, at);
    ps.setLong(4, limit == 0 ? -1 : limit + 1L);
    List<KeyValue> items = new ArrayList<>();
    boolean more = false;
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        if (limit > 0 && items.size() == limit) {
          more = true;
          break;
        }
        items.add(
            new KeyValue(rs.getString(1), nonNull(rs.getBytes(4)), rs.getLong(3), rs.getLong(2)));
      }
    }
    return new ListResult(items, at, more);
  }

  long count(String prefix) throws SQLException {
    PreparedStatement ps = prepare(COUNT);
    ps.setString(1, prefix);
    ps.setString(2, KeyRules.prefixEnd(prefix));
    try (ResultSet rs = ps.executeQuery()) {
      return rs.getLong(1);
    }
  }

  /** The events on keys starting with {@code prefix} in {@code (after, upTo]}, in order. */
  List<WatchEvent> history(String prefix, long after, long upTo) throws SQLException {
    PreparedStatement ps = prepare(HISTORY);
    ps.setLong(1, after);
    ps.setLong(2, upTo);
    ps.setString(3, prefix);
    ps.setString(4, KeyRules.prefixEnd(prefix));
    List<WatchEvent> events = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        events.add(event(rs));
      }
    }
    return events;
  }

  private static WatchEvent event(ResultSet rs) throws SQLException {
    long id = rs.getLong(1);
    String name = rs.getString(2);
    long createRevision = rs.getLong(5);
    KeyValue prev = null;
    rs.getLong(7);
    if (!rs.wasNull() && !rs.getBoolean(8)) {
      prev = new KeyValue(name, nonNull(rs.getBytes(10)), rs.getLong(9), rs.getLong(7));
    }
    if (rs.getBoolean(4)) {
      return new WatchEvent(
          WatchEvent.Type.DELETED, new KeyValue(name, null, createRevision, id), prev);
    }
    KeyValue kv = new KeyValue(name, nonNull(rs.getBytes(6)), createRevision, id);
    return rs.getBoolean(3) || prev == null
        ? new WatchEvent(WatchEvent.Type.CREATED, kv, null)
        : new WatchEvent(WatchEvent.Type.UPDATED, kv, prev);
  }

  void insert(
      long id,
      String name,
      boolean created,
      boolean deleted,
      long createRevision,
      long prevRevision,
      byte[] value)
      throws SQLException {
    PreparedStatement ps = prepare(INSERT);
    ps.setLong(1, id);
    ps.setString(2, name);
    ps.setBoolean(3, created);
    ps.setBoolean(4, deleted);
    ps.setLong(5, createRevision);
    ps.setLong(6, prevRevision);
    ps.setBytes(7, value);
    try {
      ps.executeUpdate();
    } catch (SQLException e) {
      // The transaction may go on (a constraint fails one statement), but not with statements
      // that sqlite-jdbc has given up on.
      closeStatements();
      throw e;
    }
  }

  /** Deletes the history in {@code (from, to]} that no read at or above {@code to} needs. */
  void purge(long from, long to) throws SQLException {
    for (String sql : List.of(PURGE_PREDECESSORS, PURGE_TOMBSTONES)) {
      PreparedStatement ps = prepare(sql);
      ps.setLong(1, from);
      ps.setLong(2, to);
      ps.executeUpdate();
    }
  }

  /** Gives up to {@code pages} free pages back to the file system; call inside a transaction. */
  void vacuum(long pages) throws SQLException {
    // Each step of this pragma frees one page, and JDBC's execute takes a single step. Closing
    // the statement ends it, so that the transaction can commit.
    try (PreparedStatement ps = conn.prepareStatement("PRAGMA incremental_vacuum")) {
      for (long i = 0; i < pages; i++) {
        ps.execute();
      }
    }
  }

  void setMeta(String key, long value) throws SQLException {
    PreparedStatement ps = prepare(SET_META);
    ps.setLong(1, value);
    ps.setString(2, key);
    ps.executeUpdate();
  }

  /**
   * Gets the connection ready for use after a failed statement: drops the prepared statements,
   * which sqlite-jdbc leaves unusable after an error, and rolls back.
   */
  void recover() {
    closeStatements();
    rollbackQuietly();
  }

  /** Ends the current transaction, if any; ignores errors, being used when already failing. */
  void rollbackQuietly() {
    try {
      exec("ROLLBACK");
    } catch (SQLException ignored) {
      // No transaction left: SQLite may have rolled back by itself (e.g. on SQLITE_FULL).
    }
  }

  private PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement ps = statements.get(sql);
    if (ps == null) {
      ps = conn.prepareStatement(sql);
      statements.put(sql, ps);
    }
    return ps;
  }

  // SQLite returns NULL for an empty blob; the store's empty value is an empty array.
  private static byte[] nonNull(byte[] b) {
    return b == null ? new byte[0] : b;
  }

  private void closeStatements() {
    for (PreparedStatement ps : statements.values()) {
      try {
        ps.close();
      } catch (SQLException ignored) {
        // Closing it was only to free it.
      }
    }
    statements.clear();
  }

  @Override
  public void close() {
    closeStatements();
    Schema.closeQuietly(conn);
  }
}
