package io.skiff.apiserver.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.store.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CachedObjectTest {

  private final ObjectCodec codec = new ObjectCodec();

  private static Pod pod() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("web-1")
            .withNamespace("default")
            .withUid("u-1")
            .withResourceVersion("7")
            .withLabels(Map.of("app", "web"))
            .endMetadata()
            .withNewSpec()
            .withNodeName("n1")
            .addNewContainer()
            .withName("nginx")
            .withImage("nginx:1.25")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .endStatus()
            .build();
    pod.setAdditionalProperty("x-unknown", "kept");
    return pod;
  }

  @Test
  void aTombstoneIsTheObjectWithTheDeletionsVersionAndLeavesTheCachedOneAsItWas() {
    byte[] stored = codec.encode(pod());
    CachedObject cached =
        CachedObject.decode(
            new KeyValue("/registry/pods/default/web-1", stored, 3, 7), Pod.class, codec);
    String before = new String(cached.json(), StandardCharsets.UTF_8);

    CachedObject tombstone = cached.withRevision(12);

    assertThat(tombstone.revision()).isEqualTo(12);
    Pod deleted = (Pod) tombstone.object();
    assertThat(deleted.getMetadata().getResourceVersion()).isEqualTo("12");
    deleted.getMetadata().setResourceVersion("7");
    assertThat(deleted).isEqualTo(cached.object());
    deleted.getMetadata().setResourceVersion("12");
    assertThat(cached.object().getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(new String(codec.encode(cached.object()), StandardCharsets.UTF_8)).isEqualTo(before);
    assertThat(new String(tombstone.json(), StandardCharsets.UTF_8))
        .isEqualTo(before.replace("\"resourceVersion\":\"7\"", "\"resourceVersion\":\"12\""));
  }
}
