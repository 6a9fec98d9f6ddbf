package io.skiff.apiserver.inprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.errors.StatusError;
import io.skiff.apiserver.registry.Registry;
import io.skiff.apiserver.testing.InstrumentedStore;
import io.skiff.client.KubeClient;
import io.skiff.client.Resources;
import io.skiff.clock.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An in-process status write that loses a race to another writer: retried unless it named a
 * version, and the caller's object is left as it was either way.
 */
class StatusWriteRetryTest {

  private static final String KEY = "/registry/core/pods/default/web";

  private final InstrumentedStore store = new InstrumentedStore();
  private final Resources<Pod> pods;

  StatusWriteRetryTest() {
    Registry registry =
        new Registry(ResourceRegistry.builtin(), store, new ObjectCodec(), Clock.system());
    registry.bootstrap();
    pods = KubeClient.over(new InProcessTransport(registry)).resources(Pod.class);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private Pod created() {
    return pods.create(
        new PodBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("c")
            .withImage("nginx")
            .endContainer()
            .endSpec()
            .build());
  }

  private static Pod running(Pod pod, String resourceVersion) {
    return new PodBuilder(pod)
        .editMetadata()
        .withResourceVersion(resourceVersion)
        .endMetadata()
        .withNewStatus()
        .withPhase("Running")
        .endStatus()
        .build();
  }

  @Test
  void anUnconditionalStatusWriteIsRetriedOnTheNewerVersion() {
    Pod write = running(created(), null);
    store.beatNextUpdateOf(KEY);

    Pod written = pods.updateStatus(write);

    assertThat(written.getStatus().getPhase()).isEqualTo("Running");
    assertThat(pods.get("default", "web").orElseThrow().getStatus().getPhase())
        .isEqualTo("Running");
    assertThat(write.getMetadata().getResourceVersion()).isNull();
  }

  @Test
  void aStatusWriteThatNamedTheVersionItReadIsAConflict() {
    Pod pod = created();
    store.beatNextUpdateOf(KEY);

    assertThatThrownBy(
            () -> pods.updateStatus(running(pod, pod.getMetadata().getResourceVersion())))
        .isInstanceOfSatisfying(StatusError.class, e -> assertThat(e.code()).isEqualTo(409));
  }
}
