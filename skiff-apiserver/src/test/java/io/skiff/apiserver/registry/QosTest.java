package io.skiff.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The QoS class a pod's status gets on create. */
class QosTest {

  private static Pod pod(List<Container> containers, List<Container> init) {
    Pod pod = new Pod();
    PodSpec spec = new PodSpec();
    spec.setContainers(containers);
    spec.setInitContainers(init);
    pod.setSpec(spec);
    return pod;
  }

  private static Map<String, Quantity> quantities(Map<String, String> m) {
    return m.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> new Quantity(e.getValue())));
  }

  private static Container container(Map<String, String> requests, Map<String, String> limits) {
    Container c = new Container();
    ResourceRequirements r = new ResourceRequirements();
    r.setRequests(quantities(requests));
    r.setLimits(quantities(limits));
    c.setResources(r);
    return c;
  }

  @Test
  void nullContainerListsAreNoContainers() {
    assertThat(Qos.of(pod(null, null))).isEqualTo("BestEffort");
  }

  @Test
  void limitsAloneForCpuAndMemoryAreGuaranteed() {
    Container c = container(Map.of(), Map.of("cpu", "500m", "memory", "1Gi"));
    assertThat(Qos.of(pod(List.of(c), null))).isEqualTo("Guaranteed");
  }

  @Test
  void requestsBelowLimitsAreBurstable() {
    Container c =
        container(Map.of("cpu", "100m", "memory", "1Gi"), Map.of("cpu", "500m", "memory", "1Gi"));
    assertThat(Qos.of(pod(List.of(c), List.of()))).isEqualTo("Burstable");
  }
}
