package io.skiff.apiserver.fabric8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.skiff.apiserver.ApiServer;
import io.skiff.apiserver.TestCredentials;
import io.skiff.store.Store;
import io.skiff.store.memory.MemoryStore;
import io.skiff.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fabric8 Kubernetes client, unchanged, against a running Skiff API server: the calls that
 * operators and controllers written in Java make, and what they expect back.
 */
class Fabric8ClientIT {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final TestCredentials credentials = TestCredentials.get();
  private Store store;
  private ApiServer server;
  private KubernetesClient client;

  /** Every request the client sent, as {@code METHOD path?query}, for asserting on parameters. */
  private final List<String> requests = new CopyOnWriteArrayList<>();

  private void start(Store s) throws Exception {
    store = s;
    server = credentials.secure(ApiServer.builder().port(0).store(store)).build().start();
    client = client(true);
  }

  /**
   * A client built as Java operators build theirs, recording its requests.
   *
   * @param onlyHttpWatches fabric8 first tries a watch over WebSocket, which Skiff does not serve:
   *     the handshake then waits for the connection's idle timeout (30 s) before fabric8 falls back
   *     to the HTTP watch every other test relies on (see {@link
   *     #aClientWithDefaultSettingsStillWatchesAfterItsWebSocketAttempt})
   */
  private KubernetesClient client(boolean onlyHttpWatches) {
    // As a user's fabric8 is configured: from the kubeconfig (server, CA data, token), over HTTPS
    // with HTTP/2, which fabric8's JDK client prefers.
    Config config =
        new ConfigBuilder(Config.fromKubeconfig(credentials.kubeconfig(server)))
            .withOnlyHttpWatches(onlyHttpWatches)
            // Keeps a failing call from retrying for seconds before the assertion sees it.
            .withRequestRetryBackoffLimit(0)
            .build();
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientBuilderConsumer(
            b ->
                b.addOrReplaceInterceptor(
                    "record",
                    new Interceptor() {
                      @Override
                      public void before(
                          BasicBuilder builder, HttpRequest request, RequestTags tags) {
                        requests.add(
                            request.method()
                                + " "
                                + request.uri().getRawPath()
                                + (request.uri().getRawQuery() == null
                                    ? ""
                                    : "?" + request.uri().getRawQuery()));
                      }
                    }))
        .build();
  }

  private void startInMemory() throws Exception {
    start(new MemoryStore());
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.stop();
    }
    if (store != null) {
      store.close();
    }
  }

  // ---- objects ----

  private static ConfigMap configMap(String name, Map<String, String> labels) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .addToData("key", "value")
        .build();
  }

  private static Deployment deployment(String name) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .withReplicas(2)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("nginx")
        .withImage("nginx:1.14.2")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static ReplicaSet replicaSet(String name) {
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .addToMatchLabels("rs", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("rs", name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withImage("busybox")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Pod pod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withImage("busybox")
        .endContainer()
        .endSpec()
        .build();
  }

  private static long rv(io.fabric8.kubernetes.api.model.HasMetadata obj) {
    return Long.parseLong(obj.getMetadata().getResourceVersion());
  }

  // ---- CRUD ----

  @Test
  void configMapsAreCreatedReadListedUpdatedAndDeleted() throws Exception {
    startInMemory();
    ConfigMap created = client.configMaps().resource(configMap("a", Map.of("t", "x"))).create();
    assertThat(created.getMetadata().getUid()).isNotEmpty();
    assertThat(created.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(created.getMetadata().getCreationTimestamp()).isNotEmpty();

    ConfigMap read = client.configMaps().withName("a").get();
    assertThat(read.getData()).containsEntry("key", "value");
    assertThat(read.getMetadata().getResourceVersion())
        .isEqualTo(created.getMetadata().getResourceVersion());

    client.configMaps().resource(configMap("b", Map.of("t", "y"))).create();
    ConfigMapList list = client.configMaps().list();
    assertThat(list.getItems())
        .extracting(c -> c.getMetadata().getName())
        .containsExactly("a", "b");
    assertThat(list.getMetadata().getResourceVersion()).isNotEmpty();

    read.getData().put("key", "changed");
    ConfigMap updated = client.configMaps().resource(read).update();
    assertThat(updated.getData()).containsEntry("key", "changed");
    assertThat(rv(updated)).isGreaterThan(rv(read));

    List<StatusDetails> deleted = client.configMaps().withName("a").delete();
    assertThat(deleted)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.getName()).isEqualTo("a");
              assertThat(d.getKind()).isEqualTo("configmaps");
              assertThat(d.getUid()).isEqualTo(created.getMetadata().getUid());
            });
    assertThat(client.configMaps().withName("a").get()).isNull();
    assertThat(client.configMaps().withName("a").delete()).isEmpty();
  }

  @Test
  void deploymentsAreEditedAndPatchedWithEveryPatchType() throws Exception {
    startInMemory();
    Deployment created = client.apps().deployments().resource(deployment("web")).create();
    assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(created.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");

    Deployment edited =
        client
            .apps()
            .deployments()
            .withName("web")
            .edit(
                d ->
                    new DeploymentBuilder(d)
                        .editMetadata()
                        .addToLabels("edited", "yes")
                        .endMetadata()
                        .build());
    assertThat(edited.getMetadata().getLabels()).containsEntry("edited", "yes");

    Deployment merged =
        client
            .apps()
            .deployments()
            .withName("web")
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\"merge\":\"yes\"}}}");
    assertThat(merged.getMetadata().getAnnotations()).containsEntry("merge", "yes");
    // Annotations move a Deployment's generation.
    assertThat(merged.getMetadata().getGeneration()).isEqualTo(2L);

    Deployment jsonPatched =
        client
            .apps()
            .deployments()
            .withName("web")
            .patch(
                PatchContext.of(PatchType.JSON),
                "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":3}]");
    assertThat(jsonPatched.getSpec().getReplicas()).isEqualTo(3);

    Deployment strategic =
        client
            .apps()
            .deployments()
            .withName("web")
            .patch(
                PatchContext.of(PatchType.STRATEGIC_MERGE),
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":"
                    + "[{\"name\":\"sidecar\",\"image\":\"busybox\"}]}}}}");
    assertThat(strategic.getSpec().getTemplate().getSpec().getContainers())
        .extracting(c -> c.getName())
        .containsExactly("sidecar", "nginx");

    Deployment read = client.apps().deployments().withName("web").get();
    assertThat(read.getMetadata().getGeneration()).isEqualTo(4L);
    assertThat(read.getMetadata().getLabels()).containsEntry("edited", "yes");

    read.getSpec().setReplicas(4);
    Deployment replaced = client.apps().deployments().resource(read).update();
    assertThat(replaced.getSpec().getReplicas()).isEqualTo(4);

    List<StatusDetails> deleted = client.apps().deployments().withName("web").delete();
    assertThat(deleted).singleElement().satisfies(d -> assertThat(d.getGroup()).isEqualTo("apps"));
    assertThat(client.apps().deployments().withName("web").get()).isNull();
  }

  @Test
  void theScaleSubresourceScalesDeploymentsAndReplicaSets() throws Exception {
    startInMemory();
    client.apps().deployments().resource(deployment("web")).create();
    Deployment scaled = client.apps().deployments().withName("web").scale(5);
    assertThat(scaled.getSpec().getReplicas()).isEqualTo(5);
    Deployment read = client.apps().deployments().withName("web").get();
    assertThat(read.getSpec().getReplicas()).isEqualTo(5);
    assertThat(read.getMetadata().getGeneration()).isEqualTo(2L);

    client.apps().replicaSets().resource(replicaSet("rs")).create();
    client.apps().replicaSets().withName("rs").scale(5);
    assertThat(client.apps().replicaSets().withName("rs").get().getSpec().getReplicas())
        .isEqualTo(5);
    assertThat(requests).anyMatch(r -> r.contains("/replicasets/rs/scale"));
  }

  @Test
  void statusIsWrittenThroughTheStatusSubresource() throws Exception {
    startInMemory();
    Deployment created = client.apps().deployments().resource(deployment("web")).create();
    assertThat(created.getStatus()).isNull();

    created.setStatus(
        new DeploymentStatusBuilder().withReplicas(2).withObservedGeneration(1L).build());
    // A spec change sent to /status is ignored.
    created.getSpec().setReplicas(9);
    Deployment withStatus = client.apps().deployments().resource(created).updateStatus();
    assertThat(withStatus.getStatus().getReplicas()).isEqualTo(2);
    assertThat(withStatus.getSpec().getReplicas()).isEqualTo(2);
    assertThat(withStatus.getMetadata().getGeneration()).isEqualTo(1L);

    withStatus.getStatus().setReadyReplicas(1);
    Deployment patched = client.apps().deployments().resource(withStatus).patchStatus();
    assertThat(patched.getStatus().getReadyReplicas()).isEqualTo(1);
    assertThat(client.apps().deployments().withName("web").get().getStatus().getReadyReplicas())
        .isEqualTo(1);

    Deployment edited =
        client
            .apps()
            .deployments()
            .withName("web")
            .editStatus(
                d ->
                    new DeploymentBuilder(d)
                        .editStatus()
                        .withAvailableReplicas(1)
                        .endStatus()
                        .build());
    assertThat(edited.getStatus().getAvailableReplicas()).isEqualTo(1);
    assertThat(requests)
        .anyMatch(r -> r.startsWith("PUT ") && r.endsWith("/deployments/web/status"));
    assertThat(requests)
        .anyMatch(r -> r.startsWith("PATCH ") && r.endsWith("/deployments/web/status"));
  }

  @Test
  void unscheduledPodsAreDeletedAtOnce() throws Exception {
    startInMemory();
    Pod created = client.pods().resource(pod("p")).create();
    assertThat(created.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(created.getStatus().getQosClass()).isEqualTo("BestEffort");
    assertThat(created.getSpec().getRestartPolicy()).isEqualTo("Always");

    List<StatusDetails> deleted = client.pods().withName("p").delete();
    assertThat(deleted)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.getName()).isEqualTo("p");
              assertThat(d.getUid()).isEqualTo(created.getMetadata().getUid());
            });
    assertThat(client.pods().withName("p").get()).isNull();
  }

  @Test
  void namespacesAreCreatedListedAndDeleted() throws Exception {
    startInMemory();
    Namespace created =
        client
            .namespaces()
            .resource(
                new NamespaceBuilder().withNewMetadata().withName("team").endMetadata().build())
            .create();
    assertThat(created.getStatus().getPhase()).isEqualTo("Active");
    assertThat(client.namespaces().list().getItems())
        .extracting(n -> n.getMetadata().getName())
        .contains("default", "kube-system", "team");

    client.configMaps().inNamespace("team").resource(configMap("c", Map.of())).create();
    assertThat(client.configMaps().inNamespace("team").list().getItems()).hasSize(1);
    assertThat(client.configMaps().inAnyNamespace().list().getItems())
        .extracting(c -> c.getMetadata().getNamespace())
        .contains("team");

    client.namespaces().withName("team").delete();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Namespace ns = client.namespaces().withName("team").get();
              assertThat(ns == null || ns.getMetadata().getDeletionTimestamp() != null).isTrue();
            });
  }

  @Test
  void aStaleUpdateConflictsAndACreateOfAnExistingObjectIsRefused() throws Exception {
    startInMemory();
    ConfigMap created = client.configMaps().resource(configMap("a", Map.of())).create();
    client
        .configMaps()
        .withName("a")
        .edit(c -> new ConfigMapBuilder(c).addToData("x", "y").build());

    created.getData().put("key", "stale");
    KubernetesClientException conflict =
        catchThrowableOfType(
            KubernetesClientException.class, () -> client.configMaps().resource(created).update());
    assertThat(conflict.getCode()).isEqualTo(409);
    assertThat(conflict.getStatus().getReason()).isEqualTo("Conflict");
    assertThat(conflict.getStatus().getMessage())
        .isEqualTo(
            "Operation cannot be fulfilled on configmaps \"a\": the object has been modified;"
                + " please apply your changes to the latest version and try again");

    KubernetesClientException exists =
        catchThrowableOfType(
            KubernetesClientException.class,
            () -> client.configMaps().resource(configMap("a", Map.of())).create());
    assertThat(exists.getCode()).isEqualTo(409);
    assertThat(exists.getStatus().getReason()).isEqualTo("AlreadyExists");
    assertThat(exists.getStatus().getMessage()).isEqualTo("configmaps \"a\" already exists");
    assertThat(exists.getStatus().getDetails().getName()).isEqualTo("a");

    Deployment d = client.apps().deployments().resource(deployment("web")).create();
    client.apps().deployments().withName("web").scale(3);
    KubernetesClientException depConflict =
        catchThrowableOfType(
            KubernetesClientException.class,
            () -> client.apps().deployments().resource(d).update());
    assertThat(depConflict.getCode()).isEqualTo(409);
    assertThat(depConflict.getStatus().getMessage())
        .startsWith("Operation cannot be fulfilled on deployments.apps \"web\"");

    assertThat(client.configMaps().withName("missing").get()).isNull();
    assertThat(client.apps().deployments().withName("missing").get()).isNull();
  }

  @Test
  void aPatchFromAStaleCopyConflicts() throws Exception {
    startInMemory();
    ConfigMap stale = client.configMaps().resource(configMap("a", Map.of())).create();
    client
        .configMaps()
        .withName("a")
        .edit(c -> new ConfigMapBuilder(c).addToData("x", "1").build());

    // fabric8 diffs the stale copy against the server's object: the patch carries the old
    // resourceVersion, which makes it conditional.
    stale.getData().put("key", "from-stale-copy");
    KubernetesClientException fromCopy =
        catchThrowableOfType(
            KubernetesClientException.class, () -> client.configMaps().resource(stale).patch());
    assertThat(fromCopy.getCode()).isEqualTo(409);
    assertThat(fromCopy.getStatus().getMessage())
        .isEqualTo(
            "Operation cannot be fulfilled on configmaps \"a\": the object has been modified;"
                + " please apply your changes to the latest version and try again");

    KubernetesClientException merge =
        catchThrowableOfType(
            KubernetesClientException.class,
            () ->
                client
                    .configMaps()
                    .withName("a")
                    .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"metadata\":{\"resourceVersion\":\""
                            + stale.getMetadata().getResourceVersion()
                            + "\"},\"data\":{\"y\":\"2\"}}"));
    assertThat(merge.getCode()).isEqualTo(409);
    ConfigMap current = client.configMaps().withName("a").get();
    assertThat(current.getData()).containsEntry("key", "value").containsEntry("x", "1");
    assertThat(current.getData()).doesNotContainKey("y");

    // The same patch from the current copy applies.
    ConfigMap patched =
        client
            .configMaps()
            .resource(current)
            .edit(
                c -> {
                  c.getData().put("y", "2");
                  return c;
                });
    assertThat(patched.getData()).containsEntry("y", "2");
  }

  @Test
  void jobsGetTheirSelectorGenerated() throws Exception {
    startInMemory();
    Job job =
        client
            .batch()
            .v1()
            .jobs()
            .resource(
                new JobBuilder()
                    .withNewMetadata()
                    .withName("pi")
                    .endMetadata()
                    .withNewSpec()
                    .withNewTemplate()
                    .withNewSpec()
                    .withRestartPolicy("Never")
                    .addNewContainer()
                    .withName("pi")
                    .withImage("perl")
                    .endContainer()
                    .endSpec()
                    .endTemplate()
                    .endSpec()
                    .build())
            .create();
    assertThat(job.getSpec().getSelector().getMatchLabels())
        .containsExactly(
            Map.entry("batch.kubernetes.io/controller-uid", job.getMetadata().getUid()));
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("batch.kubernetes.io/job-name", "pi")
        .containsEntry("job-name", "pi");
    assertThat(job.getSpec().getCompletions()).isEqualTo(1);
    assertThat(client.batch().v1().jobs().withLabel("job-name", "pi").list().getItems()).hasSize(1);
  }

  @Test
  void invalidObjectsAreRefusedWithUpstreamsStatus() throws Exception {
    startInMemory();
    Deployment bad = deployment("bad");
    bad.getSpec().getSelector().getMatchLabels().put("app", "other");
    KubernetesClientException invalid =
        catchThrowableOfType(
            KubernetesClientException.class,
            () -> client.apps().deployments().resource(bad).create());
    assertThat(invalid.getCode()).isEqualTo(422);
    assertThat(invalid.getStatus().getReason()).isEqualTo("Invalid");
    assertThat(invalid.getStatus().getDetails().getKind()).isEqualTo("Deployment");
    assertThat(invalid.getStatus().getDetails().getCauses())
        .extracting(c -> c.getField())
        .contains("spec.template.metadata.labels");
  }

  @Test
  void dryRunWritesNothing() throws Exception {
    startInMemory();
    long before = store.currentRevision();
    ConfigMap answered = client.configMaps().resource(configMap("dry", Map.of())).dryRun().create();
    assertThat(answered.getMetadata().getName()).isEqualTo("dry");
    assertThat(answered.getMetadata().getUid()).isNotEmpty();
    assertThat(client.configMaps().withName("dry").get()).isNull();

    client.configMaps().resource(configMap("real", Map.of())).create();
    client.configMaps().withName("real").dryRun().delete();
    assertThat(client.configMaps().withName("real").get()).isNotNull();
    assertThat(store.currentRevision()).isEqualTo(before + 1);
    assertThat(requests).anyMatch(r -> r.contains("dryRun=All"));
  }

  @Test
  void deleteOptionsFromTheClientAreHonoured() throws Exception {
    startInMemory();
    client.apps().deployments().resource(deployment("fg")).create();
    client
        .apps()
        .deployments()
        .withName("fg")
        .withPropagationPolicy(DeletionPropagation.FOREGROUND)
        .delete();
    Deployment marked = client.apps().deployments().withName("fg").get();
    assertThat(marked.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(marked.getMetadata().getFinalizers()).containsExactly("foregroundDeletion");

    client.apps().deployments().resource(deployment("orphan")).create();
    client
        .apps()
        .deployments()
        .withName("orphan")
        .withPropagationPolicy(DeletionPropagation.ORPHAN)
        .withGracePeriod(0)
        .delete();
    assertThat(client.apps().deployments().withName("orphan").get().getMetadata().getFinalizers())
        .containsExactly("orphan");

    client.pods().resource(pod("p")).create();
    client.pods().withName("p").withGracePeriod(30).delete();
    assertThat(client.pods().withName("p").get()).isNull();
  }

  @Test
  void genericResourcesFindTheirPathsThroughDiscovery() throws Exception {
    startInMemory();
    assertThat(client.getKubernetesVersion().getGitVersion()).startsWith("v1.");
    assertThat(client.supports(Deployment.class)).isTrue();
    assertThat(client.getApiGroups().getGroups())
        .extracting(g -> g.getName())
        .contains("apps", "batch");
    client.apps().deployments().resource(deployment("web")).create();
    assertThat(client.genericKubernetesResources("apps/v1", "Deployment").list().getItems())
        .extracting(d -> d.getMetadata().getName())
        .containsExactly("web");

    GenericKubernetesResource generic =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("v1")
            .withKind("ConfigMap")
            .withNewMetadata()
            .withName("generic")
            .endMetadata()
            .withAdditionalProperties(Map.of("data", Map.of("a", "b")))
            .build();
    client.resource(generic).create();
    assertThat(client.configMaps().withName("generic").get().getData()).containsEntry("a", "b");
    assertThat(
            client
                .genericKubernetesResources("v1", "ConfigMap")
                .withName("generic")
                .get()
                .getMetadata()
                .getUid())
        .isNotEmpty();
  }

  // ---- lists ----

  @Test
  void listsSelectByLabelAndFieldAndPage() throws Exception {
    startInMemory();
    for (int i = 0; i < 5; i++) {
      client
          .configMaps()
          .resource(configMap("cm-" + i, Map.of("tier", i % 2 == 0 ? "even" : "odd")))
          .create();
    }
    assertThat(client.configMaps().withLabel("tier", "even").list().getItems()).hasSize(3);
    assertThat(client.configMaps().withLabel("tier").list().getItems()).hasSize(5);
    assertThat(client.configMaps().withoutLabel("tier", "even").list().getItems()).hasSize(2);
    assertThat(client.configMaps().withLabelIn("tier", "odd", "none").list().getItems()).hasSize(2);
    assertThat(client.configMaps().withField("metadata.name", "cm-3").list().getItems())
        .singleElement()
        .satisfies(c -> assertThat(c.getMetadata().getName()).isEqualTo("cm-3"));
    assertThat(
            client
                .configMaps()
                .inAnyNamespace()
                .withField("metadata.namespace", "default")
                .withLabel("tier", "odd")
                .list()
                .getItems())
        .hasSize(2);

    ConfigMapList page1 = client.configMaps().list(new ListOptionsBuilder().withLimit(2L).build());
    assertThat(page1.getItems()).hasSize(2);
    assertThat(page1.getMetadata().getContinue()).isNotEmpty();
    List<String> names = new ArrayList<>();
    page1.getItems().forEach(c -> names.add(c.getMetadata().getName()));
    String token = page1.getMetadata().getContinue();
    while (token != null && !token.isEmpty()) {
      ConfigMapList page =
          client
              .configMaps()
              .list(new ListOptionsBuilder().withLimit(2L).withContinue(token).build());
      assertThat(page.getMetadata().getResourceVersion())
          .isEqualTo(page1.getMetadata().getResourceVersion());
      page.getItems().forEach(c -> names.add(c.getMetadata().getName()));
      token = page.getMetadata().getContinue();
    }
    assertThat(names).containsExactly("cm-0", "cm-1", "cm-2", "cm-3", "cm-4");

    KubernetesClientException badField =
        catchThrowableOfType(
            KubernetesClientException.class,
            () -> client.configMaps().withField("data.key", "value").list());
    assertThat(badField.getCode()).isEqualTo(400);
    assertThat(badField.getStatus().getMessage()).isEqualTo("field label not supported: data.key");

    // A collection delete by label.
    assertThat(client.configMaps().withLabel("tier", "odd").delete())
        .extracting(StatusDetails::getName)
        .containsExactlyInAnyOrder("cm-1", "cm-3");
    assertThat(client.configMaps().list().getItems())
        .extracting(c -> c.getMetadata().getName())
        .containsExactly("cm-0", "cm-2", "cm-4");
  }

  @Test
  void listsReadAtAResourceVersion() throws Exception {
    startInMemory();
    ConfigMap a = client.configMaps().resource(configMap("a", Map.of())).create();
    client.configMaps().resource(configMap("b", Map.of())).create();
    ConfigMapList exact =
        client
            .configMaps()
            .list(
                new ListOptionsBuilder()
                    .withResourceVersion(a.getMetadata().getResourceVersion())
                    .withResourceVersionMatch("Exact")
                    .build());
    assertThat(exact.getItems()).extracting(c -> c.getMetadata().getName()).containsExactly("a");
    ConfigMapList notOlder =
        client
            .configMaps()
            .list(
                new ListOptionsBuilder()
                    .withResourceVersion(a.getMetadata().getResourceVersion())
                    .withResourceVersionMatch("NotOlderThan")
                    .build());
    assertThat(notOlder.getItems()).hasSize(2);
    ConfigMapList any =
        client.configMaps().list(new ListOptionsBuilder().withResourceVersion("0").build());
    assertThat(any.getItems()).hasSize(2);

    // A resourceVersion with a limit reads exactly there, as upstream's legacy form does.
    ConfigMapList paged =
        client
            .configMaps()
            .list(
                new ListOptionsBuilder()
                    .withResourceVersion(a.getMetadata().getResourceVersion())
                    .withLimit(10L)
                    .build());
    assertThat(paged.getItems()).extracting(c -> c.getMetadata().getName()).containsExactly("a");

    KubernetesClientException noVersion =
        catchThrowableOfType(
            KubernetesClientException.class,
            () ->
                client
                    .configMaps()
                    .list(
                        new ListOptionsBuilder().withResourceVersionMatch("NotOlderThan").build()));
    assertThat(noVersion.getCode()).isEqualTo(422);
    assertThat(noVersion.getStatus().getMessage())
        .isEqualTo(
            "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden:"
                + " resourceVersionMatch is forbidden unless resourceVersion is provided");

    KubernetesClientException future =
        catchThrowableOfType(
            KubernetesClientException.class,
            () ->
                client
                    .configMaps()
                    .list(
                        new ListOptionsBuilder()
                            .withResourceVersion(String.valueOf(store.currentRevision() + 100))
                            .withResourceVersionMatch("NotOlderThan")
                            .build()));
    assertThat(future.getCode()).isEqualTo(504);
    assertThat(future.getStatus().getMessage()).startsWith("Too large resource version: ");
  }

  // ---- watches ----

  /** Records a watch's events as {@code TYPE name} and how it closed. */
  private static final class Recorder<T extends io.fabric8.kubernetes.api.model.HasMetadata>
      implements Watcher<T> {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<T> objects = new CopyOnWriteArrayList<>();
    final AtomicReference<WatcherException> closed = new AtomicReference<>();

    @Override
    public void eventReceived(Action action, T resource) {
      events.add(action + " " + resource.getMetadata().getName());
      objects.add(resource);
    }

    @Override
    public void onClose(WatcherException cause) {
      closed.set(cause);
    }
  }

  @Test
  void aWatchSeesAddedModifiedAndDeletedInOrder() throws Exception {
    startInMemory();
    Recorder<Deployment> recorder = new Recorder<>();
    try (Watch ignored = client.apps().deployments().watch(recorder)) {
      client.apps().deployments().resource(deployment("web")).create();
      client.apps().deployments().withName("web").scale(3);
      client.apps().deployments().withName("web").delete();
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(recorder.events)
                      .containsExactly("ADDED web", "MODIFIED web", "DELETED web"));
      assertThat(recorder.objects.get(1).getSpec().getReplicas()).isEqualTo(3);
      assertThat(rv(recorder.objects.get(2))).isGreaterThan(rv(recorder.objects.get(1)));
    }
    assertThat(recorder.closed.get()).isNull();
  }

  @Test
  void aWatchResumedFromAResourceVersionReplaysOnlyLaterEvents() throws Exception {
    startInMemory();
    client.apps().deployments().resource(deployment("a")).create();
    Deployment b = client.apps().deployments().resource(deployment("b")).create();
    client.apps().deployments().withName("a").scale(4);
    client.apps().deployments().resource(deployment("c")).create();

    Recorder<Deployment> recorder = new Recorder<>();
    try (Watch ignored =
        client
            .apps()
            .deployments()
            .withResourceVersion(b.getMetadata().getResourceVersion())
            .watch(recorder)) {
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> assertThat(recorder.events).containsExactly("MODIFIED a", "ADDED c"));
      client.apps().deployments().withName("b").delete();
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(recorder.events)
                      .containsExactly("MODIFIED a", "ADDED c", "DELETED b"));
    }
  }

  @Test
  void aWatchFromACompactedRevisionIsGone() throws Exception {
    startInMemory();
    Deployment first = client.apps().deployments().resource(deployment("a")).create();
    client.apps().deployments().resource(deployment("b")).create();
    client.apps().deployments().resource(deployment("c")).create();
    store.compact(store.currentRevision());

    Recorder<Deployment> recorder = new Recorder<>();
    try (Watch ignored =
        client
            .apps()
            .deployments()
            .withResourceVersion(first.getMetadata().getResourceVersion())
            .watch(recorder)) {
      await().atMost(WAIT).untilAsserted(() -> assertThat(recorder.closed.get()).isNotNull());
      assertThat(recorder.closed.get().isHttpGone()).isTrue();
      assertThat(recorder.events).isEmpty();
    }
  }

  @Test
  void aWatchWithSelectorsSeesOnlyMatchingObjects() throws Exception {
    startInMemory();
    Recorder<ConfigMap> recorder = new Recorder<>();
    try (Watch ignored = client.configMaps().withLabel("watched", "yes").watch(recorder)) {
      client.configMaps().resource(configMap("other", Map.of())).create();
      client.configMaps().resource(configMap("seen", Map.of("watched", "yes"))).create();
      // Losing the label is a DELETED for this watch.
      client
          .configMaps()
          .withName("seen")
          .edit(
              c ->
                  new ConfigMapBuilder(c)
                      .editMetadata()
                      .removeFromLabels("watched")
                      .endMetadata()
                      .build());
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> assertThat(recorder.events).containsExactly("ADDED seen", "DELETED seen"));
    }
    Recorder<ConfigMap> byName = new Recorder<>();
    try (Watch ignored = client.configMaps().withField("metadata.name", "x").watch(byName)) {
      client.configMaps().resource(configMap("y", Map.of())).create();
      client.configMaps().resource(configMap("x", Map.of())).create();
      await()
          .atMost(WAIT)
          .untilAsserted(() -> assertThat(byName.events).containsExactly("ADDED x"));
    }
  }

  @Test
  void aClientWithDefaultSettingsStillWatchesAfterItsWebSocketAttempt() throws Exception {
    startInMemory();
    Recorder<ConfigMap> recorder = new Recorder<>();
    try (KubernetesClient defaults = client(false);
        Watch ignored = defaults.configMaps().watch(recorder)) {
      client.configMaps().resource(configMap("seen", Map.of())).create();
      // Skiff serves watches over HTTP only: it answers fabric8's WebSocket attempt with a 503 at
      // once, and fabric8 falls back to an HTTP watch.
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(recorder.events).containsExactly("ADDED seen"));
    }
  }

  // ---- informers ----

  @Test
  void anInformerSeesExistingAndNewObjectsAndTheirChanges() throws Exception {
    startInMemory();
    client.apps().deployments().resource(deployment("existing")).create();

    List<String> seen = new CopyOnWriteArrayList<>();
    ResourceEventHandler<Deployment> handler =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Deployment obj) {
            seen.add("add " + obj.getMetadata().getName());
          }

          @Override
          public void onUpdate(Deployment oldObj, Deployment newObj) {
            if (!oldObj
                .getMetadata()
                .getResourceVersion()
                .equals(newObj.getMetadata().getResourceVersion())) {
              seen.add(
                  "update "
                      + newObj.getMetadata().getName()
                      + " "
                      + newObj.getSpec().getReplicas());
            }
          }

          @Override
          public void onDelete(Deployment obj, boolean deletedFinalStateUnknown) {
            seen.add(
                "delete " + obj.getMetadata().getName() + (deletedFinalStateUnknown ? " ?" : ""));
          }
        };
    AtomicReference<String> firstSync = new AtomicReference<>();
    try (SharedIndexInformer<Deployment> informer =
        client.apps().deployments().inNamespace("default").inform(handler, 0)) {
      await().atMost(WAIT).until(informer::hasSynced);
      assertThat(seen).containsExactly("add existing");
      String synced = informer.lastSyncResourceVersion();
      assertThat(synced).isNotEmpty();
      firstSync.set(synced);

      client.apps().deployments().resource(deployment("new")).create();
      client.apps().deployments().withName("existing").scale(7);
      client.apps().deployments().withName("new").delete();
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(seen)
                      .containsExactly(
                          "add existing", "add new", "update existing 7", "delete new"));
      assertThat(Long.parseLong(informer.lastSyncResourceVersion()))
          .isGreaterThan(Long.parseLong(synced));
      assertThat(informer.getStore().list())
          .extracting(d -> d.getMetadata().getName())
          .containsExactly("existing");
    }
    // An informer without a limit reads its first list from the watch cache, then watches.
    assertThat(requests)
        .anyMatch(
            r ->
                r.startsWith("GET /apis/apps/v1/namespaces/default/deployments?")
                    && r.contains("resourceVersion=0")
                    && !r.contains("watch="));
    assertThat(requests)
        .anyMatch(
            r ->
                r.startsWith("GET /apis/apps/v1/namespaces/default/deployments?")
                    && r.contains("watch=true")
                    && r.contains("allowWatchBookmarks=true")
                    && r.contains("timeoutSeconds=")
                    && r.contains("resourceVersion=" + firstSync.get()));
  }

  @Test
  void anInformerListsInPagesWhenGivenALimit() throws Exception {
    startInMemory();
    for (int i = 0; i < 5; i++) {
      client.configMaps().resource(configMap("cm-" + i, Map.of())).create();
    }
    List<String> added = new CopyOnWriteArrayList<>();
    try (SharedIndexInformer<ConfigMap> informer =
        client
            .configMaps()
            .withLimit(2L)
            .inform(
                new ResourceEventHandler<ConfigMap>() {
                  @Override
                  public void onAdd(ConfigMap obj) {
                    added.add(obj.getMetadata().getName());
                  }

                  @Override
                  public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {}

                  @Override
                  public void onDelete(ConfigMap obj, boolean deletedFinalStateUnknown) {}
                },
                0)) {
      await().atMost(WAIT).until(informer::hasSynced);
      client.configMaps().resource(configMap("late", Map.of())).create();
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(added)
                      .containsExactly("cm-0", "cm-1", "cm-2", "cm-3", "cm-4", "late"));
    }
    assertThat(requests.stream().filter(r -> r.contains("/configmaps?") && r.contains("limit=2")))
        .hasSize(3);
    assertThat(requests).anyMatch(r -> r.contains("/configmaps?") && r.contains("continue="));
  }

  // ---- durable store ----

  @Test
  void theClientWorksAgainstTheSqliteStore(@TempDir Path dir) throws Exception {
    start(SqliteStore.open(dir.resolve("skiff.db"), SqliteStore.Options.defaults()));
    Recorder<Deployment> recorder = new Recorder<>();
    try (Watch ignored = client.apps().deployments().watch(recorder)) {
      Deployment created = client.apps().deployments().resource(deployment("web")).create();
      client.apps().deployments().withName("web").scale(3);
      Deployment read = client.apps().deployments().withName("web").get();
      assertThat(read.getSpec().getReplicas()).isEqualTo(3);
      assertThat(rv(read)).isGreaterThan(rv(created));
      KubernetesClientException conflict =
          catchThrowableOfType(
              KubernetesClientException.class,
              () -> client.apps().deployments().resource(created).update());
      assertThat(conflict.getCode()).isEqualTo(409);
      client.apps().deployments().withName("web").delete();
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(recorder.events)
                      .containsExactly("ADDED web", "MODIFIED web", "DELETED web"));
    }
    assertThat(client.apps().deployments().list().getItems()).isEmpty();
  }
}
