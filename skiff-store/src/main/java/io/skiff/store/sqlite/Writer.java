package io.skiff.store.sqlite;

import io.skiff.store.ConflictException;
import io.skiff.store.Deleted;
import io.skiff.store.KeyExistsException;
import io.skiff.store.KeyNotFoundException;
import io.skiff.store.KeyValue;
import io.skiff.store.StorageFailureException;
import io.skiff.store.Store;
import io.skiff.store.StoreClosedException;
import io.skiff.store.StoreException;
import io.skiff.store.WatchEvent;
import io.skiff.store.WatchHub;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes. Callers queue writes and wait; the thread takes every queued write
 * (up to a batch), runs them in one transaction and commits once, so that concurrent writers share
 * one fsync. Compaction runs here too, as small transactions between batches.
 */
final class Writer {

  enum Op {
    CREATE,
    UPDATE,
    DELETE
  }

  private sealed interface Job permits Write, Compaction, Task, Stop {
    CompletableFuture<?> done();
  }

  private record Write(
      Op op, String key, byte[] value, long expected, CompletableFuture<Object> done)
      implements Job {}

  private record Compaction(long target, CompletableFuture<Void> done) implements Job {}

  /** Work on the writer's connection, for tests. */
  private record Task(SqlAction action, CompletableFuture<Void> done) implements Job {}

  private record Stop(CompletableFuture<Void> done) implements Job {}

  private static final Logger log = LoggerFactory.getLogger(Writer.class);

  /** Revisions purged per compaction transaction, so that writes wait for one chunk at most. */
  private static final long PURGE_CHUNK = 10_000;

  private static final long VACUUM_PAGES = 2_048;

  /**
   * Value bytes past which a batch takes no more writes: every write of a batch waits for all of
   * it, so a few large values should not hold up many small ones for long.
   */
  private static final long MAX_BATCH_BYTES = 16 << 20;

  private final Path file;
  private final LogTable db;
  private final WatchHub hub;
  private final int maxBatch;
  private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
  private final AtomicLong commits = new AtomicLong();
  private boolean closed; // guarded by queue
  private volatile long revision;
  private volatile long compacted;
  private long purged; // writer thread only

  Writer(Path file, LogTable db, LogTable.Meta meta, WatchHub hub, int maxBatch) {
    this.file = file;
    this.db = db;
    this.hub = hub;
    this.maxBatch = maxBatch;
    this.revision = meta.revision();
    this.compacted = meta.compacted();
    this.purged = meta.purged();
    if (purged < compacted) {
      // A compaction was cut short (crash or close): finish deleting what it made unreachable.
      queue.add(new Compaction(compacted, new CompletableFuture<>()));
    }
    Thread.ofPlatform().name("skiff-sqlite-writer").daemon().start(this::serve);
  }

  long revision() {
    return revision;
  }

  long compacted() {
    return compacted;
  }

  /** How many transactions have committed writes: fewer than the writes when they are batched. */
  long commits() {
    return commits.get();
  }

  KeyValue create(String key, byte[] value) {
    return (KeyValue) write(Op.CREATE, key, value, 0);
  }

  KeyValue update(String key, byte[] value, long expected) {
    return (KeyValue) write(Op.UPDATE, key, value, expected);
  }

  Deleted delete(String key, long expected) {
    return (Deleted) write(Op.DELETE, key, null, expected);
  }

  private Object write(Op op, String key, byte[] value, long expected) {
    CompletableFuture<Object> done = new CompletableFuture<>();
    return submit(new Write(op, key, value, expected, done), done);
  }

  /** Compacts to {@code target}, already checked to be above the compacted revision. */
  void compact(long target) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    submit(new Compaction(target, done), done);
  }

  /** Runs {@code action} on the writer thread, between batches. */
  void runOnWriter(SqlAction action) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    submit(new Task(action, done), done);
  }

  private <T> T submit(Job job, CompletableFuture<T> done) {
    synchronized (queue) {
      if (closed) {
        throw new StoreClosedException();
      }
      queue.add(job);
    }
    try {
      return done.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof StoreException se) {
        throw se;
      }
      throw e;
    }
  }

  /** Refuses new work, finishes the queued work and stops the thread. */
  void stop() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    synchronized (queue) {
      if (closed) {
        return;
      }
      closed = true;
      queue.add(new Stop(done));
    }
    done.handle((v, e) -> null).join();
  }

  private void serve() {
    List<Job> jobs = new ArrayList<>();
    try {
      Stop stop = null;
      while (stop == null) {
        jobs.clear();
        takeBatch(jobs);
        List<Write> writes = new ArrayList<>();
        for (Job job : jobs) {
          if (job instanceof Write w) {
            writes.add(w);
          }
        }
        if (!writes.isEmpty()) {
          commit(writes);
        }
        for (Job job : jobs) {
          switch (job) {
            case Compaction c -> stepCompaction(c);
            case Task t -> runTask(t);
            case Stop s -> stop = s;
            case Write w -> {}
          }
        }
      }
      stop.done.complete(null);
    } catch (RuntimeException | Error e) {
      // A bug or an Error: fail all the work rather than leave its callers waiting forever.
      log.error("the writer of {} failed; refusing all writes from now on", file, e);
      StorageFailureException failure =
          new StorageFailureException(file + ": the writer failed: " + e, e);
      synchronized (queue) {
        closed = true;
        jobs.addAll(queue);
        queue.clear();
      }
      jobs.forEach(job -> job.done().completeExceptionally(failure));
    }
  }

  /** Waits for work, then takes what is queued, up to a batch. */
  private void takeBatch(List<Job> jobs) {
    long bytes = 0;
    for (Job job = take(); job != null; job = queue.poll()) {
      jobs.add(job);
      if (job instanceof Write w && w.value != null) {
        bytes += w.value.length;
      }
      if (jobs.size() == maxBatch || bytes >= MAX_BATCH_BYTES) {
        break;
      }
    }
  }

  private Job take() {
    while (true) {
      try {
        return queue.take();
      } catch (InterruptedException e) {
        // Nobody interrupts this thread on purpose; writes already queued must still be served.
      }
    }
  }

  private void commit(List<Write> batch) {
    List<WatchEvent> events = new ArrayList<>(batch.size());
    Object[] outcomes = new Object[batch.size()];
    try {
      db.exec("BEGIN IMMEDIATE");
      for (int i = 0; i < batch.size(); i++) {
        try {
          outcomes[i] = apply(batch.get(i), revision + events.size() + 1, events);
        } catch (StoreException e) {
          outcomes[i] = e;
        }
      }
      db.exec("COMMIT");
      if (!events.isEmpty()) {
        commits.incrementAndGet();
      }
    } catch (SQLException | RuntimeException e) {
      db.recover();
      log.error("write transaction on {} failed; failing its {} writes", file, batch.size(), e);
      StorageFailureException failure =
          e instanceof SQLException se
              ? Schema.failure(file, se)
              : new StorageFailureException(file + ": write failed: " + e, e);
      resync();
      batch.forEach(w -> w.done.completeExceptionally(failure));
      return;
    }
    revision += events.size();
    publish(events);
    for (int i = 0; i < batch.size(); i++) {
      if (outcomes[i] instanceof StoreException e) {
        batch.get(i).done.completeExceptionally(e);
      } else {
        batch.get(i).done.complete(outcomes[i]);
      }
    }
  }

  /**
   * Applies one write at revision {@code rev} inside the batch transaction, adding its event.
   * Throws a {@link StoreException} for a failure of this write alone, which wrote nothing.
   */
  private Object apply(Write w, long rev, List<WatchEvent> events) throws SQLException {
    LogTable.Row cur = db.latest(w.key);
    boolean exists = cur != null && !cur.deleted();
    long prevId = cur == null ? 0 : cur.id();
    if (w.op == Op.CREATE) {
      if (exists) {
        throw new KeyExistsException(w.key);
      }
      db.insert(rev, w.key, true, false, rev, prevId, w.value);
      KeyValue kv = new KeyValue(w.key, w.value, rev, rev);
      events.add(new WatchEvent(WatchEvent.Type.CREATED, kv, null));
      return kv;
    }
    if (!exists) {
      throw new KeyNotFoundException(w.key);
    }
    KeyValue prev = cur.kv(w.key);
    if (w.expected != Store.ANY_REVISION && w.expected != cur.id()) {
      throw new ConflictException(prev, w.expected);
    }
    if (w.op == Op.UPDATE) {
      db.insert(rev, w.key, false, false, cur.createRevision(), prevId, w.value);
      KeyValue kv = new KeyValue(w.key, w.value, cur.createRevision(), rev);
      events.add(new WatchEvent(WatchEvent.Type.UPDATED, kv, prev));
      return kv;
    }
    db.insert(rev, w.key, false, true, cur.createRevision(), prevId, null);
    KeyValue tombstone = new KeyValue(w.key, null, cur.createRevision(), rev);
    events.add(new WatchEvent(WatchEvent.Type.DELETED, tombstone, prev));
    return new Deleted(rev, prev);
  }

  private void publish(List<WatchEvent> events) {
    try {
      hub.publish(events);
    } catch (RuntimeException e) {
      log.error("publishing committed events to watchers failed", e);
    }
  }

  /**
   * After a failed commit, takes the revision from the file again: should the transaction have
   * reached it after all, its revisions are used and must be published, not handed out again.
   */
  private void resync() {
    try {
      long onFile = db.meta().revision();
      if (onFile > revision) {
        List<WatchEvent> missed = db.history("", revision, onFile);
        revision = onFile;
        publish(missed);
      }
    } catch (SQLException | RuntimeException e) {
      log.error("cannot read the revision of {} after a failed write", file, e);
    }
  }

  /**
   * One transaction of a compaction: record the new compacted revision, or purge one chunk of
   * history, or free one chunk of pages. Queues the job again until it is done, so that writes go
   * on between the steps. The revision is recorded first so that reads below it fail before any row
   * they would need is gone.
   */
  private void stepCompaction(Compaction c) {
    try {
      boolean done = false;
      if (c.target > compacted) {
        inTransaction(t -> t.setMeta("compacted", c.target));
        compacted = c.target;
      } else if (purged < c.target) {
        long to = Math.min(purged + PURGE_CHUNK, compacted);
        inTransaction(
            t -> {
              t.purge(purged, to);
              t.setMeta("purged", to);
            });
        purged = to;
      } else {
        long free = db.pragma("freelist_count");
        if (free > 0) {
          inTransaction(t -> t.vacuum(Math.min(free, VACUUM_PAGES)));
        }
        // Stops also if nothing was freed, as when the file has no auto_vacuum.
        done = free == 0 || db.pragma("freelist_count") >= free;
      }
      synchronized (queue) {
        // When closing, the rest of the purge waits for the next open.
        if (done || closed) {
          c.done.complete(null);
        } else {
          queue.add(c);
        }
      }
    } catch (SQLException | RuntimeException e) {
      db.recover();
      log.error("compaction of {} to revision {} failed", file, c.target, e);
      c.done.completeExceptionally(
          e instanceof SQLException se
              ? Schema.failure(file, se)
              : new StorageFailureException(file + ": compaction failed: " + e, e));
    }
  }

  private void runTask(Task t) {
    try {
      t.action.run(db);
      t.done.complete(null);
    } catch (SQLException | RuntimeException e) {
      t.done.completeExceptionally(e);
    }
  }

  interface SqlAction {
    void run(LogTable db) throws SQLException;
  }

  private void inTransaction(SqlAction action) throws SQLException {
    db.exec("BEGIN IMMEDIATE");
    action.run(db);
    db.exec("COMMIT");
  }

  /** Checkpoints the WAL into the database file and closes the connection; after {@link #stop}. */
  void closeDatabase() {
    try {
      db.pragma("wal_checkpoint(TRUNCATE)");
    } catch (SQLException e) {
      log.warn("final checkpoint of {} failed; the WAL is replayed on the next open", file, e);
    }
    db.close();
  }
}
