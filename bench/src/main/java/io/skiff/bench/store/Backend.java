package io.skiff.bench.store;

import io.skiff.store.Store;
import io.skiff.store.memory.MemoryStore;
import io.skiff.store.sqlite.SqliteStore;
import java.nio.file.Path;

/** The store backends a benchmark can be run against, named as in JMH's {@code backend} param. */
enum Backend {
  MEMORY,
  SQLITE;

  /** Parses a JMH param value: {@code memory} or {@code sqlite}. */
  static Backend of(String name) {
    return valueOf(name.toUpperCase(java.util.Locale.ROOT));
  }

  /** Opens a store of this backend with its default (durable) options, files under {@code dir}. */
  Store open(Path dir) {
    return open(dir, SqliteStore.Options.defaults());
  }

  Store open(Path dir, SqliteStore.Options sqliteOptions) {
    return switch (this) {
      case MEMORY -> new MemoryStore();
      case SQLITE -> SqliteStore.open(dir.resolve("skiff.db"), sqliteOptions);
    };
  }
}
