package io.skiff.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubeObjectsTest {

  @Test
  void keysAreNamespaceSlashNameOrJustTheName() {
    assertThat(KubeObjects.key(Fixtures.configMap("ns", "a"))).isEqualTo("ns/a");
    assertThat(KubeObjects.key(Fixtures.namespace("ns"))).isEqualTo("ns");
    assertThat(KubeObjects.key(null, "n1")).isEqualTo("n1");
    assertThat(KubeObjects.key("", "n1")).isEqualTo("n1");
  }

  @Test
  void aDeepCopyIsEqualAndSharesNothingMutable() {
    Deployment original = Fixtures.deployment("ns", "web", 3);
    Deployment copy = KubeObjects.deepCopy(original);

    assertThat(copy).isEqualTo(original).isNotSameAs(original);
    copy.getMetadata().getLabels().put("x", "y");
    copy.getSpec().setReplicas(5);
    copy.getSpec().getTemplate().getSpec().getContainers().getFirst().setImage("other");

    assertThat(original).isEqualTo(Fixtures.deployment("ns", "web", 3));
  }

  @Test
  void aDeepCopyKeepsKindAndApiVersion() {
    ConfigMap copy = KubeObjects.deepCopy(Fixtures.configMap("ns", "a", Map.of("app", "x")));

    assertThat(copy.getKind()).isEqualTo("ConfigMap");
    assertThat(copy.getApiVersion()).isEqualTo("v1");
  }

  @Test
  void aTypeWithoutANoArgumentConstructorCannotBeCopied() {
    HasMetadata bare =
        new HasMetadata() {
          @Override
          public ObjectMeta getMetadata() {
            return new ObjectMeta();
          }

          @Override
          public void setMetadata(ObjectMeta metadata) {}

          @Override
          public void setApiVersion(String version) {}
        };

    assertThatThrownBy(() -> KubeObjects.deepCopy(bare))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
