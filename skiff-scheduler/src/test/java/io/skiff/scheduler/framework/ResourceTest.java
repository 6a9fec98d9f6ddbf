package io.skiff.scheduler.framework;

import static io.skiff.scheduler.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ResourceTest {

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource({
    "cpu, 100m, 100",
    "cpu, 1, 1000",
    "cpu, 0.5, 500",
    "cpu, 2.0001, 2001",
    "cpu, 1500u, 2",
    "cpu, 1e3, 1000000",
    "memory, 1Gi, 1073741824",
    "memory, 128Mi, 134217728",
    "memory, 1G, 1000000000",
    "memory, 1k, 1000",
    "memory, 1.5Ki, 1536",
    "memory, 0.1, 1",
    "memory, 500m, 1",
    "pods, 110, 110",
    "example.com/gpu, 2, 2",
  })
  void quantitiesAreCountedRoundedUp(String name, String quantity, long expected) {
    assertThat(Resource.of(Map.of(name, new Quantity(quantity))).get(name)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "hugepages-2Mi, true",
    "example.com/gpu, true",
    "kubernetes.io/x, true",
    "cpu, false",
    "widgets, false",
    "requests.cpu, false"
  })
  void scalarResourceNames(String name, boolean scalar) {
    assertThat(Resource.isScalarResourceName(name)).isEqualTo(scalar);
    assertThat(Resource.of(Map.of(name, new Quantity("3"))).scalars().containsKey(name))
        .isEqualTo(scalar);
  }

  static Stream<Arguments> podRequests() {
    return Stream.of(
        arguments("no requests", pod("p").build(), 0L, 0L, 100L, 209715200L),
        arguments(
            "one container",
            pod("p").cpu("250m").memory("64Mi").build(),
            250L,
            67108864L,
            250L,
            67108864L),
        arguments(
            "containers are summed",
            pod("p").cpu("250m").container("cpu", "750m", "memory", "1Gi").build(),
            1000L,
            1073741824L,
            // the main container sets no memory: 200Mi for scoring
            1000L,
            1073741824L + 209715200L),
        arguments(
            "the biggest init container wins over the sum",
            pod("p").cpu("1").initContainer("cpu", "3").initContainer("memory", "1Gi").build(),
            3000L,
            1073741824L,
            3000L,
            1073741824L),
        arguments(
            "sidecars run beside everything started after them",
            pod("p").cpu("1").sidecar("cpu", "1").initContainer("cpu", "1500m").build(),
            2500L,
            0L,
            2500L,
            // main 200Mi + sidecar 200Mi vs. init 200Mi + sidecar 200Mi
            419430400L),
        arguments(
            "overhead is added",
            pod("p").cpu("1").overhead("cpu", "250m", "memory", "100Mi").build(),
            1250L,
            104857600L,
            1250L,
            104857600L + 209715200L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void podRequests(
      String name, Pod pod, long cpu, long memory, long nonZeroCpu, long nonZeroMemory) {
    Resource r = Resource.podRequests(pod, false);
    Resource nz = Resource.podRequests(pod, true);
    assertThat(r.milliCpu()).isEqualTo(cpu);
    assertThat(r.memory()).isEqualTo(memory);
    assertThat(nz.milliCpu()).isEqualTo(nonZeroCpu);
    assertThat(nz.memory()).isEqualTo(nonZeroMemory);
  }
}
