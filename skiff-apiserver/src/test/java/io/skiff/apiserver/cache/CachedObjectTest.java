package io.skiff.apiserver.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.store.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CachedObjectTest {

  private final ObjectCodec codec = new ObjectCodec();

  /** Stored as the store keeps it: without a resourceVersion. */
  private static ConfigMap stored() {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName("settings")
        .withNamespace("default")
        .withLabels(Map.of("app", "web"))
        .endMetadata()
        .withData(Map.of("mode", "fast"))
        .build();
  }

  @Test
  void aTombstoneIsTheObjectWithTheDeletionsVersionAndLeavesTheCachedOneAsItWas() {
    byte[] stored = codec.encode(stored());
    CachedObject cached =
        CachedObject.decode(
            new KeyValue("/registry/configmaps/default/settings", stored, 3, 7),
            ConfigMap.class,
            codec);
    String before = new String(cached.json(), StandardCharsets.UTF_8);

    CachedObject tombstone = cached.withRevision(12);

    assertThat(tombstone.revision()).isEqualTo(12);
    ConfigMap deleted = (ConfigMap) tombstone.object();
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
