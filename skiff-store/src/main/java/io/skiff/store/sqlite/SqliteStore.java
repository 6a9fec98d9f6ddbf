package io.skiff.store.sqlite;

import io.skiff.store.CompactedException;
import io.skiff.store.Deleted;
import io.skiff.store.FutureRevisionException;
import io.skiff.store.InvalidRequestException;
import io.skiff.store.KeyRules;
import io.skiff.store.KeyValue;
import io.skiff.store.ListResult;
import io.skiff.store.StorageFailureException;
import io.skiff.store.Store;
import io.skiff.store.StoreClosedException;
import io.skiff.store.Watch;
import io.skiff.store.WatchEvent;
import io.skiff.store.WatchHub;
import io.skiff.store.WatchListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * The embedded, durable backend: one SQLite database file in WAL mode. Every write is a row of one
 * log table whose id is the revision; one writer thread group-commits queued writes, and reads use
 * a small pool of connections that see consistent snapshots beside it.
 */
public final class SqliteStore implements Store {

  /**
   * Options of the sqlite backend.
   *
   * @param synchronousFull {@code synchronous=FULL} (durable before acknowledgement) when true,
   *     {@code NORMAL} otherwise
   * @param maxBatch most writes that one group commit transaction takes
   */
  public record Options(boolean synchronousFull, int maxBatch) {
    public Options {
      if (maxBatch < 1) {
        throw new IllegalArgumentException("maxBatch must be at least 1: " + maxBatch);
      }
    }

    public static Options defaults() {
      return new Options(true, 1024);
    }
  }

  private static final int READERS = 4;
  private static final int MAX_WATCH_BACKLOG = 10_000;

  private final Path file;
  private final Writer writer;
  private final WatchHub hub;
  private final Semaphore readPermits = new Semaphore(READERS);
  private final ConcurrentLinkedQueue<LogTable> idleReaders = new ConcurrentLinkedQueue<>();
  private volatile boolean closed;

  private SqliteStore(Path file, Options options) {
    this.file = file;
    LogTable db = new LogTable(Schema.openWriter(file, options.synchronousFull()));
    LogTable.Meta meta;
    try {
      meta = db.meta();
    } catch (SQLException e) {
      db.close();
      throw Schema.failure(file, e);
    }
    hub = new WatchHub(meta.revision(), MAX_WATCH_BACKLOG);
    writer = new Writer(file, db, meta, hub, options.maxBatch());
  }

  /**
   * Opens (creating if missing) the store in {@code file}.
   *
   * @throws StorageFailureException naming the file if it is not a Skiff database or is corrupted;
   *     the file is left as it was
   */
  public static SqliteStore open(Path file, Options options) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new StorageFailureException("cannot create the directory of " + file + ": " + e, e);
    }
    return new SqliteStore(file, options);
  }

  @Override
  public Optional<KeyValue> get(String key) {
    KeyRules.checkKey(key);
    LogTable.Row row = read(db -> db.latest(key));
    return row == null || row.deleted() ? Optional.empty() : Optional.of(row.kv(key));
  }

  @Override
  public ListResult list(String prefix, int limit, String continueAfter, long atRevision) {
    KeyRules.checkPrefix(prefix);
    if (limit < 0) {
      throw new InvalidRequestException("limit must not be negative: " + limit);
    }
    if (atRevision < 0) {
      throw new InvalidRequestException("revision must not be negative: " + atRevision);
    }
    return readSnapshot(db -> db.list(prefix, limit, continueAfter, atRevision));
  }

  @Override
  public long count(String prefix) {
    KeyRules.checkPrefix(prefix);
    return read(db -> db.count(prefix));
  }

  @Override
  public KeyValue create(String key, byte[] value) {
    KeyRules.checkKey(key);
    KeyRules.checkValue(value);
    return writer.create(key, value.clone());
  }

  @Override
  public KeyValue update(String key, byte[] value, long expectedModRevision) {
    KeyRules.checkKey(key);
    KeyRules.checkValue(value);
    return writer.update(key, value.clone(), expectedModRevision);
  }

  @Override
  public Deleted delete(String key, long expectedModRevision) {
    KeyRules.checkKey(key);
    return writer.delete(key, expectedModRevision);
  }

  @Override
  public Watch watch(String prefix, long fromRevision, WatchListener listener) {
    KeyRules.checkPrefix(prefix);
    checkOpen();
    long compacted = writer.compacted();
    if (fromRevision < compacted) {
      throw new CompactedException(fromRevision, compacted);
    }
    return hub.register(prefix, fromRevision, listener, this::history);
  }

  private List<WatchEvent> history(String prefix, long after, long upTo) {
    return readSnapshot(
        db -> {
          long compacted = db.meta().compacted();
          if (after < compacted) {
            throw new CompactedException(after, compacted);
          }
          return db.history(prefix, after, upTo);
        });
  }

  @Override
  public void compact(long revision) {
    checkOpen();
    long current = writer.revision();
    if (revision > current) {
      throw new FutureRevisionException(revision, current);
    }
    if (revision > writer.compacted()) {
      writer.compact(revision);
    }
  }

  @Override
  public long currentRevision() {
    return writer.revision();
  }

  @Override
  public long compactedRevision() {
    return writer.compacted();
  }

  /** Commits that wrote something, for tests of group commit. */
  long commits() {
    return writer.commits();
  }

  /** Runs {@code sql} on the writer's connection between batches, for tests. */
  void execOnWriter(String sql) {
    writer.runOnWriter(db -> db.exec(sql));
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    writer.stop();
    hub.close();
    // Readers first, so that the final checkpoint can empty the WAL.
    readPermits.acquireUninterruptibly(READERS);
    idleReaders.forEach(LogTable::close);
    idleReaders.clear();
    readPermits.release(READERS);
    writer.closeDatabase();
  }

  private interface SqlRead<T> {
    T apply(LogTable db) throws SQLException;
  }

  private <T> T readSnapshot(SqlRead<T> read) {
    return read(
        db -> {
          // One read transaction: the revision checks and the rows come from the same snapshot.
          db.exec("BEGIN");
          try {
            T result = read.apply(db);
            db.exec("COMMIT");
            return result;
          } catch (SQLException | RuntimeException e) {
            db.rollbackQuietly();
            throw e;
          }
        });
  }

  private <T> T read(SqlRead<T> read) {
    checkOpen();
    readPermits.acquireUninterruptibly();
    LogTable db = null;
    try {
      checkOpen();
      db = idleReaders.poll();
      if (db == null) {
        db = new LogTable(Schema.openReader(file));
      }
      T result = read.apply(db);
      idleReaders.add(db);
      return result;
    } catch (SQLException e) {
      // The connection may be in any state after an error; open a fresh one next time.
      if (db != null) {
        db.close();
      }
      throw Schema.failure(file, e);
    } catch (RuntimeException e) {
      if (db != null) {
        idleReaders.add(db);
      }
      throw e;
    } finally {
      readPermits.release();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new StoreClosedException();
    }
  }
}
