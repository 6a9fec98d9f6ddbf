package io.skiff.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShallowCopyTest {

  @Test
  void theCopyIsANewObjectSharingEveryFieldsValue() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("web-1")
            .withResourceVersion("7")
            .withLabels(Map.of("app", "web"))
            .endMetadata()
            .withNewSpec()
            .withNodeName("n1")
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .endStatus()
            .build();
    pod.setAdditionalProperty("x-unknown", "kept");

    Pod copy = ShallowCopy.of(pod);
    assertThat(copy).isNotSameAs(pod).isEqualTo(pod);
    assertThat(copy.getMetadata()).isSameAs(pod.getMetadata());
    assertThat(copy.getSpec()).isSameAs(pod.getSpec());
    assertThat(copy.getStatus()).isSameAs(pod.getStatus());
    assertThat(copy.getAdditionalProperties()).isSameAs(pod.getAdditionalProperties());

    ObjectMeta meta = ShallowCopy.of(pod.getMetadata());
    meta.setResourceVersion("9");
    assertThat(pod.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(meta.getLabels()).isSameAs(pod.getMetadata().getLabels());
  }
}
