package io.skiff.client;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.skiff.api.errors.StatusError;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** Objects and helpers the client tests share. */
public final class Fixtures {

  private Fixtures() {}

  public static ConfigMap configMap(String namespace, String name, Map<String, String> labels) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .addToData("k", "v")
        .build();
  }

  public static ConfigMap configMap(String namespace, String name) {
    return configMap(namespace, name, Map.of());
  }

  public static Namespace namespace(String name) {
    return new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build();
  }

  public static Deployment deployment(String namespace, String name, int replicas) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("main")
        .withImage("nginx:1.25")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  public static long rv(HasMetadata obj) {
    return Long.parseLong(obj.getMetadata().getResourceVersion());
  }

  /** Awaitility, polling often: the events awaited arrive within milliseconds. */
  public static ConditionFactory eventually() {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5));
  }

  /** One watch event as recorded: type, name and resourceVersion. */
  public record Seen(EventType type, String name, long resourceVersion, HasMetadata object) {
    @Override
    public String toString() {
      return type + " " + name + "@" + resourceVersion;
    }

    public String brief() {
      return type + " " + name;
    }
  }

  /** A watcher that records what it gets. */
  public static final class RecordingWatcher<T extends HasMetadata> implements Watcher<T> {
    public final List<Seen> events = new CopyOnWriteArrayList<>();
    public final CompletableFuture<StatusError> closed = new CompletableFuture<>();
    public final AtomicInteger closeCalls = new AtomicInteger();

    @Override
    public void onEvent(EventType type, T object) {
      events.add(new Seen(type, object.getMetadata().getName(), rv(object), object));
    }

    @Override
    public void onClose(StatusError error) {
      closeCalls.incrementAndGet();
      closed.complete(error);
    }

    public List<String> briefs() {
      return events.stream().map(Seen::brief).toList();
    }

    public long lastResourceVersion() {
      return events.getLast().resourceVersion();
    }
  }
}
