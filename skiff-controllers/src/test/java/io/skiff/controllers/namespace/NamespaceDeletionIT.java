package io.skiff.controllers.namespace;

import static io.skiff.controllers.testcluster.Fixtures.configMap;
import static io.skiff.controllers.testcluster.Fixtures.controllerRef;
import static io.skiff.controllers.testcluster.Fixtures.deployment;
import static io.skiff.controllers.testcluster.Fixtures.namespace;
import static io.skiff.controllers.testcluster.Fixtures.pod;
import static io.skiff.controllers.testcluster.Fixtures.replicaSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.skiff.api.errors.StatusError;
import io.skiff.client.KubeClient;
import io.skiff.controllers.garbagecollector.GarbageCollector;
import io.skiff.controllers.testcluster.RunningCluster;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deleting a namespace over HTTP, with the namespace controller and the garbage collector running:
 * it turns Terminating, its content goes, then it goes.
 */
class NamespaceDeletionIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @RegisterExtension
  final RunningCluster cluster =
      RunningCluster.overHttp()
          .controller(NamespaceController.NAME, NamespaceController::new)
          .controller(GarbageCollector.NAME, GarbageCollector::new);

  private KubeClient client;

  @BeforeEach
  void resources() {
    client = cluster.client();
  }

  @Test
  void aDeletedNamespaceTerminatesLosesItsContentAndGoes() {
    client.resources(Namespace.class).create(namespace("team"));
    client.resources(ConfigMap.class).create(configMap("team", "settings"));
    Deployment d = client.resources(Deployment.class).create(deployment("team", "web"));
    ReplicaSet rs =
        client.resources(ReplicaSet.class).create(replicaSet("team", "web-1", controllerRef(d)));
    client.resources(Pod.class).create(pod("team", "web-1-a", controllerRef(rs)));
    client.resources(ConfigMap.class).create(configMap("default", "neighbour"));

    client.resources(Namespace.class).delete(null, "team", null);

    Namespace terminating = client.resources(Namespace.class).get(null, "team").orElseThrow();
    assertThat(terminating.getStatus().getPhase()).isEqualTo("Terminating");
    StatusError refused =
        catchThrowableOfType(
            StatusError.class,
            () -> client.resources(ConfigMap.class).create(configMap("team", "late")));
    assertThat(refused.code()).isEqualTo(403);

    await().atMost(WAIT).until(() -> client.resources(Namespace.class).get(null, "team").isEmpty());
    assertThat(client.resources(ConfigMap.class).list("team", null).items()).isEmpty();
    assertThat(client.resources(Deployment.class).list("team", null).items()).isEmpty();
    assertThat(client.resources(ReplicaSet.class).list("team", null).items()).isEmpty();
    assertThat(client.resources(Pod.class).list("team", null).items()).isEmpty();
    assertThat(client.resources(ConfigMap.class).get("default", "neighbour")).isPresent();

    // The name is free again.
    client.resources(Namespace.class).create(namespace("team"));
  }

  @Test
  void theDefaultNamespaceCannotBeDeleted() {
    StatusError refused =
        catchThrowableOfType(
            StatusError.class,
            () -> client.resources(Namespace.class).delete(null, "default", null));
    assertThat(refused.code()).isEqualTo(403);
    assertThat(refused.getMessage())
        .isEqualTo("namespaces \"default\" is forbidden: this namespace may not be deleted");
    assertThat(
            client
                .resources(Namespace.class)
                .get(null, "default")
                .orElseThrow()
                .getMetadata()
                .getDeletionTimestamp())
        .isNull();
  }
}
