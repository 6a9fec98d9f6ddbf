package io.skiff.bench.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;

/** Each body does the work it claims on the pod it claims: a check, not a measurement. */
class CodecBenchmarkTest {

  @Test
  void everyBodyGivesThePodBackWhole() {
    CodecBenchmark bench = new CodecBenchmark();
    bench.setUp();
    Pod pod = bench.decode();

    assertThat(pod.getStatus().getContainerStatuses()).isNotEmpty();
    assertThat(bench.deepCopy()).isEqualTo(pod);
    assertThat(bench.builderCopy()).isEqualTo(pod);
    assertThat(bench.encode()).isNotEmpty();
  }
}
