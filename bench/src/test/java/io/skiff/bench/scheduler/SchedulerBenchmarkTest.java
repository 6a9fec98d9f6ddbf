package io.skiff.bench.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.skiff.client.ListOptions;
import io.skiff.scheduler.Scheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the benchmark body once on a small cluster, so that a broken benchmark fails the build
 * instead of a benchmark run. Nothing here measures anything.
 */
class SchedulerBenchmarkTest {

  @ParameterizedTest
  @ValueSource(strings = {"memory", "sqlite"})
  @Timeout(60)
  void everyPendingPodGetsBound(String backend) {
    try (SchedulerBenchmark.Cluster cluster = SchedulerBenchmark.Cluster.start(backend, 5, 50);
        Scheduler scheduler = cluster.startScheduler()) {
      assertThat(SchedulerBenchmark.Cluster.awaitBound(scheduler, 50)).isEqualTo(50);
      assertThat(cluster.client.resources(Pod.class).list("default", ListOptions.all()).items())
          .hasSize(50)
          .allSatisfy(p -> assertThat(p.getSpec().getNodeName()).startsWith("node-"));
    }
  }

  @Test
  @Timeout(60)
  void theBenchmarksLifecycleBindsEveryPodAndCleansUp() {
    SchedulerBenchmark bench = new SchedulerBenchmark();
    bench.backend = "sqlite";
    bench.nodes = 2;
    bench.pods = 4;
    bench.createPendingPods();
    assertThat(bench.bindAll()).isEqualTo(4);
    bench.stop();
    assertThat(bench.cluster.dir).doesNotExist();
  }
}
