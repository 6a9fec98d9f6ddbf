package io.skiff.store.sqlite;

import io.skiff.store.Store;
import io.skiff.store.tck.StoreContractTest;
import java.nio.file.Path;

class SqliteStoreTest extends StoreContractTest {
  @Override
  protected Store openStore(Path dir) {
    return SqliteStore.open(dir.resolve("skiff.db"), SqliteStore.Options.defaults());
  }

  @Override
  protected boolean persistent() {
    return true;
  }
}
