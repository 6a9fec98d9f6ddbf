package io.skiff.apiserver.registry;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A pod's QoS class, as upstream's {@code qos.GetPodQOS} computes it for status on create. */
final class Qos {

  private Qos() {}

  static String of(Pod pod) {
    List<Container> all = new ArrayList<>();
    if (pod.getSpec() != null) {
      // Absent lists arrive as null from in-process clients (fabric8 builders make them empty).
      all.addAll(Objects.requireNonNullElse(pod.getSpec().getContainers(), List.of()));
      all.addAll(Objects.requireNonNullElse(pod.getSpec().getInitContainers(), List.of()));
    }
    boolean any = false;
    boolean guaranteed = true;
    for (Container c : all) {
      ResourceRequirements r = c.getResources();
      Map<String, Quantity> requests =
          r == null || r.getRequests() == null ? Map.of() : r.getRequests();
      Map<String, Quantity> limits = r == null || r.getLimits() == null ? Map.of() : r.getLimits();
      if (!requests.isEmpty() || !limits.isEmpty()) {
        any = true;
      }
      for (String resource : List.of("cpu", "memory")) {
        Quantity limit = limits.get(resource);
        Quantity request = requests.getOrDefault(resource, limit);
        if (limit == null || !same(limit, request)) {
          guaranteed = false;
        }
      }
    }
    if (!any) {
      return "BestEffort";
    }
    return guaranteed ? "Guaranteed" : "Burstable";
  }

  private static boolean same(Quantity a, Quantity b) {
    return b != null && Quantity.getAmountInBytes(a).compareTo(Quantity.getAmountInBytes(b)) == 0;
  }
}
