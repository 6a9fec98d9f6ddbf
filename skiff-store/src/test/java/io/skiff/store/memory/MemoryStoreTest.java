package io.skiff.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.skiff.store.Store;
import io.skiff.store.StoreException;
import io.skiff.store.Watch;
import io.skiff.store.WatchEvent;
import io.skiff.store.WatchListener;
import io.skiff.store.WatchOverflowException;
import io.skiff.store.tck.StoreContractTest;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MemoryStoreTest extends StoreContractTest {
  @Override
  protected Store openStore(Path dir) {
    return new MemoryStore();
  }

  @Test
  void aWatcherThatFallsTooFarBehindIsEndedWithItsLastRevision() throws Exception {
    try (MemoryStore small = new MemoryStore(10)) {
      CountDownLatch release = new CountDownLatch(1);
      AtomicReference<StoreException> error = new AtomicReference<>();
      AtomicLong lastReceived = new AtomicLong();
      WatchListener stuck =
          new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
              lastReceived.set(events.getLast().revision());
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }

            @Override
            public void onError(StoreException e) {
              error.set(e);
            }
          };
      Watch w = small.watch("/", 0, stuck);
      small.create("/first", v("x"));
      // The listener is now blocked inside the first batch; the rest piles up past the backlog.
      for (int i = 0; i < 30; i++) {
        small.create("/k" + i, v("x"));
      }
      release.countDown();
      await().until(() -> error.get() != null);
      assertThat(error.get())
          .isInstanceOfSatisfying(
              WatchOverflowException.class,
              e -> assertThat(e.lastDeliveredRevision()).isEqualTo(lastReceived.get()));
      assertThat(lastReceived.get()).isLessThan(31);
      w.close();
    }
  }
}
