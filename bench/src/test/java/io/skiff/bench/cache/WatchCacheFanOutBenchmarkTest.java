package io.skiff.bench.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.skiff.apiserver.cache.CacheStats;
import org.junit.jupiter.api.Test;

/** Runs the fan-out body a few times outside JMH, so that a broken benchmark fails the build. */
class WatchCacheFanOutBenchmarkTest {

  @Test
  void everyWatcherGetsEveryBatchFromOneStoreWatch() throws Exception {
    WatchCacheFanOutBenchmark bench = new WatchCacheFanOutBenchmark();
    bench.open();
    try {
      for (int i = 0; i < 3; i++) {
        bench.writeAndDeliver();
      }
      CacheStats stats =
          bench.registry.watchCache().stats().stream()
              .filter(s -> s.resource().equals("configmaps"))
              .findFirst()
              .orElseThrow();
      assertThat(stats.objects()).isEqualTo(3 * WatchCacheFanOutBenchmark.EVENTS);
      assertThat(stats.watchers()).isEqualTo(WatchCacheFanOutBenchmark.WATCHERS);
      assertThat(stats.terminatedWatchers()).isZero();
      assertThat(bench.jsonBytes.sum()).isPositive();
    } finally {
      bench.close();
    }
  }
}
