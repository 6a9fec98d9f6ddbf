package io.skiff.controllers.garbagecollector;

import static io.skiff.controllers.testcluster.Fixtures.configMap;
import static io.skiff.controllers.testcluster.Fixtures.controllerRef;
import static io.skiff.controllers.testcluster.Fixtures.deployment;
import static io.skiff.controllers.testcluster.Fixtures.pod;
import static io.skiff.controllers.testcluster.Fixtures.refTo;
import static io.skiff.controllers.testcluster.Fixtures.replicaSet;
import static io.skiff.controllers.testcluster.Fixtures.withFinalizer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.skiff.api.patch.PatchType;
import io.skiff.client.KubeClient;
import io.skiff.controllers.testcluster.RunningCluster;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The garbage collector running under a controller manager, fed by real informers, against the
 * in-process API server: each deletion mode as {@code kubectl delete --cascade=...} asks for it.
 */
class GarbageCollectionIT {

  private static final String NS = "default";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @RegisterExtension
  final RunningCluster cluster =
      RunningCluster.inProcess().controller(GarbageCollector.NAME, GarbageCollector::new);

  private KubeClient client;

  @BeforeEach
  void resources() {
    client = cluster.client();
  }

  /**
   * Creates {@code obj} and waits until the collector's graph has it: an owner deleted before its
   * dependents reach the graph would not wait for them (nor could they be released).
   */
  @SuppressWarnings("unchecked")
  private <T extends HasMetadata> T create(T obj) {
    T created = client.resources((Class<T>) obj.getClass()).create(obj);
    GarbageCollector gc = cluster.controller(GarbageCollector.NAME, GarbageCollector.class);
    await().atMost(WAIT).until(() -> gc.hasObserved(created.getMetadata().getUid()));
    return created;
  }

  private void delete(HasMetadata obj, String policy) {
    client
        .resources(obj.getClass())
        .delete(
            obj.getMetadata().getNamespace(),
            obj.getMetadata().getName(),
            new DeleteOptionsBuilder().withPropagationPolicy(policy).build());
  }

  private boolean exists(HasMetadata obj) {
    return client
        .resources(obj.getClass())
        .get(obj.getMetadata().getNamespace(), obj.getMetadata().getName())
        .isPresent();
  }

  private <T extends HasMetadata> T get(T obj) {
    @SuppressWarnings("unchecked")
    Class<T> kind = (Class<T>) obj.getClass();
    return client
        .resources(kind)
        .get(obj.getMetadata().getNamespace(), obj.getMetadata().getName())
        .orElseThrow();
  }

  @Test
  void deletingADeploymentInTheBackgroundRemovesItsReplicaSetsAndPods() {
    Deployment d = create(deployment(NS, "web"));
    ReplicaSet rs = create(replicaSet(NS, "web-1", controllerRef(d)));
    Pod p1 = create(pod(NS, "web-1-a", controllerRef(rs)));
    Pod p2 = create(pod(NS, "web-1-b", controllerRef(rs)));

    delete(d, "Background");

    await().atMost(WAIT).until(() -> !exists(rs) && !exists(p1) && !exists(p2));
  }

  @Test
  void foregroundDeletionWaitsForTheDependents() {
    Deployment d = create(deployment(NS, "web"));
    ReplicaSet rs = create(replicaSet(NS, "web-1", controllerRef(d)));
    Pod held = create(withFinalizer(pod(NS, "web-1-a", controllerRef(rs)), "example.com/hold"));

    delete(d, "Foreground");

    // The pod is deleted but held; the ReplicaSet and the Deployment wait, marked, for it.
    await().atMost(WAIT).until(() -> get(held).getMetadata().getDeletionTimestamp() != null);
    await()
        .atMost(WAIT)
        .until(() -> get(rs).getMetadata().getFinalizers().contains("foregroundDeletion"));
    assertThat(get(d).getMetadata().getFinalizers()).containsExactly("foregroundDeletion");
    assertThat(get(d).getMetadata().getDeletionTimestamp()).isNotNull();

    client
        .resources(Pod.class)
        .patch(NS, "web-1-a", PatchType.MERGE_PATCH, "{\"metadata\":{\"finalizers\":null}}");

    await().atMost(WAIT).until(() -> !exists(d) && !exists(rs) && !exists(held));
  }

  @Test
  void orphanDeletionLeavesTheDependentsWithoutTheOwner() {
    ReplicaSet rs = create(replicaSet(NS, "rs"));
    Pod p1 = create(pod(NS, "rs-a", controllerRef(rs)));
    Pod p2 = create(pod(NS, "rs-b", controllerRef(rs)));

    delete(rs, "Orphan");

    await().atMost(WAIT).until(() -> !exists(rs));
    assertThat(get(p1).getMetadata().getOwnerReferences()).isEmpty();
    assertThat(get(p2).getMetadata().getOwnerReferences()).isEmpty();
  }

  @Test
  void aDependentOfAnOwnerThatNeverExistedIsCollected() {
    ConfigMap plain = create(configMap(NS, "plain"));
    // Not waited for: it may be gone before the test could see it in the graph.
    ConfigMap dangling =
        client
            .resources(ConfigMap.class)
            .create(configMap(NS, "dangling", refTo("apps/v1", "Deployment", "ghost", "g-uid")));

    await().atMost(WAIT).until(() -> !exists(dangling));
    assertThat(exists(plain)).isTrue();
  }
}
