package io.skiff.store.sqlite;

import io.skiff.store.Store;
import java.nio.file.Path;

/** The embedded, durable backend: one SQLite database file. (Being implemented.) */
public final class SqliteStore {

  private SqliteStore() {}

  /**
   * Options of the sqlite backend.
   *
   * @param synchronousFull {@code synchronous=FULL} (durable before acknowledgement) when true,
   *     {@code NORMAL} otherwise
   * @param maxBatch most writes that one group commit transaction takes
   */
  public record Options(boolean synchronousFull, int maxBatch) {
    public static Options defaults() {
      return new Options(true, 1024);
    }
  }

  /**
   * Opens (creating if missing) the store in {@code file}.
   *
   * @throws io.skiff.store.StorageFailureException naming the file if it is not a Skiff database
   *     or is corrupted; the file is left as it was
   */
  public static Store open(Path file, Options options) {
    throw new UnsupportedOperationException("sqlite backend not implemented yet: " + file);
  }
}
