package io.skiff.client;

import static io.skiff.client.Fixtures.configMap;
import static io.skiff.client.Fixtures.deployment;
import static io.skiff.client.Fixtures.eventually;
import static io.skiff.client.Fixtures.namespace;
import static io.skiff.client.Fixtures.rv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.ResourceType;
import io.skiff.api.errors.StatusError;
import io.skiff.api.patch.PatchType;
import io.skiff.api.selector.LabelSelector;
import io.skiff.api.selector.SelectorException;
import io.skiff.client.Fixtures.RecordingWatcher;
import io.skiff.client.informer.ResourceEventHandler;
import io.skiff.client.informer.SharedInformer;
import io.skiff.client.informer.SharedInformerFactory;
import io.skiff.clock.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What every transport must do identically: the same objects back, the same {@link StatusError}s
 * (code, reason and upstream's message), the same watch streams. A transport's test extends this
 * class and starts a fresh, empty cluster per test; nothing here knows which transport it runs on.
 */
public abstract class KubeClientContractTest {

  private static final ResourceRegistry KINDS = ResourceRegistry.builtin();
  private static final String NS = "default";

  protected KubeClient client;
  protected Resources<ConfigMap> configMaps;
  protected Resources<Deployment> deployments;
  protected Resources<Namespace> namespaces;

  /** Starts an empty cluster (system namespaces only) and returns a client of it. */
  protected abstract KubeClient startCluster() throws Exception;

  /** Forgets the store's history up to its current revision. */
  protected abstract void compactHistory();

  /** Stops what {@link #startCluster()} started; the client is closed already. */
  protected abstract void stopCluster() throws Exception;

  @BeforeEach
  void startClusterAndClient() throws Exception {
    client = startCluster();
    configMaps = client.resources(ConfigMap.class);
    deployments = client.resources(Deployment.class);
    namespaces = client.resources(Namespace.class);
  }

  @AfterEach
  void stopClusterAndClient() throws Exception {
    client.close();
    stopCluster();
  }

  private static ResourceType type(Class<? extends HasMetadata> kind) {
    return KINDS.all().stream().filter(t -> t.type() == kind).findFirst().orElseThrow();
  }

  private static StatusError statusError(Runnable call) {
    StatusError e = catchThrowableOfType(StatusError.class, call::run);
    assertThat(e).as("a StatusError").isNotNull();
    return e;
  }

  /** Same Status as the server would build: code, reason, message and details. */
  private static void assertSameStatus(StatusError actual, StatusError expected) {
    assertThat(actual.code()).isEqualTo(expected.code());
    assertThat(actual.reason()).isEqualTo(expected.reason());
    assertThat(actual.getMessage()).isEqualTo(expected.getMessage());
    assertThat(actual.status().getDetails()).isEqualTo(expected.status().getDetails());
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class Crud {

    @Test
    void createReturnsTheStoredObjectAndLeavesTheArgumentAlone() {
      ConfigMap given = configMap(NS, "a");
      ConfigMap created = configMaps.create(given);

      assertThat(created).isNotSameAs(given);
      assertThat(created.getMetadata().getUid()).isNotEmpty();
      assertThat(created.getMetadata().getCreationTimestamp()).isNotEmpty();
      assertThat(rv(created)).isPositive();
      assertThat(created.getData()).containsEntry("k", "v");
      assertThat(given.getMetadata().getUid()).isNull();
      assertThat(given.getMetadata().getResourceVersion()).isNull();
      assertThat(given).isEqualTo(configMap(NS, "a"));
    }

    @Test
    void getReturnsWhatWasCreated() {
      ConfigMap created = configMaps.create(configMap(NS, "a"));

      assertThat(configMaps.get(NS, "a")).contains(created);
    }

    @Test
    void getOfAMissingObjectIsEmpty() {
      assertThat(configMaps.get(NS, "nope")).isEmpty();
      assertThat(configMaps.get("no-such-namespace", "nope")).isEmpty();
    }

    @Test
    void objectsReturnedAreTheCallersToChange() {
      configMaps.create(configMap(NS, "a"));
      ConfigMap first = configMaps.get(NS, "a").orElseThrow();
      first.getData().put("k", "changed");
      first.getMetadata().setName("renamed");

      ConfigMap again = configMaps.get(NS, "a").orElseThrow();
      assertThat(again).isNotSameAs(first);
      assertThat(again.getData()).containsEntry("k", "v");
      assertThat(again.getMetadata().getName()).isEqualTo("a");
    }

    @Test
    void createOfAnExistingNameIs409AlreadyExists() {
      configMaps.create(configMap(NS, "a"));

      StatusError e = statusError(() -> configMaps.create(configMap(NS, "a")));

      assertSameStatus(e, StatusError.alreadyExists(type(ConfigMap.class), "a"));
      assertThat(e.getMessage()).isEqualTo("configmaps \"a\" already exists");
    }

    @Test
    void createInAMissingNamespaceIs404ForTheNamespace() {
      StatusError e = statusError(() -> configMaps.create(configMap("nope", "a")));

      assertSameStatus(e, StatusError.notFound(type(Namespace.class), "nope"));
      assertThat(e.getMessage()).isEqualTo("namespaces \"nope\" not found");
    }

    @Test
    void createWithGenerateNameGetsAFreshName() {
      ConfigMap given = configMap(NS, null);
      given.getMetadata().setGenerateName("gen-");

      ConfigMap created = configMaps.create(given);

      assertThat(created.getMetadata().getName()).startsWith("gen-").hasSize(9);
      assertThat(configMaps.get(NS, created.getMetadata().getName())).isPresent();
    }

    @Test
    void createOfAnInvalidObjectIs422Invalid() {
      StatusError e = statusError(() -> deployments.create(deployment(NS, "web", -1)));

      assertThat(e.code()).isEqualTo(422);
      assertThat(e.reason()).isEqualTo("Invalid");
      assertThat(e.getMessage())
          .isEqualTo(
              "Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be"
                  + " greater than or equal to 0");
      assertThat(e.status().getDetails().getCauses())
          .singleElement()
          .satisfies(c -> assertThat(c.getField()).isEqualTo("spec.replicas"));
    }

    @Test
    void createFillsInServerSideDefaultsAndGeneration() {
      Deployment created = deployments.create(deployment(NS, "web", 3));

      assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);
      assertThat(created.getSpec().getRevisionHistoryLimit()).isEqualTo(10);
      assertThat(created.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Always");
    }

    @Test
    void updateWithTheCurrentResourceVersionWritesANewVersion() {
      ConfigMap created = configMaps.create(configMap(NS, "a"));
      ConfigMap changed = KubeObjects.deepCopy(created);
      changed.getData().put("k", "v2");

      ConfigMap updated = configMaps.update(changed);

      assertThat(rv(updated)).isGreaterThan(rv(created));
      assertThat(updated.getData()).containsEntry("k", "v2");
      assertThat(updated.getMetadata().getUid()).isEqualTo(created.getMetadata().getUid());
      assertThat(configMaps.get(NS, "a")).contains(updated);
      assertThat(changed.getMetadata().getResourceVersion())
          .isEqualTo(created.getMetadata().getResourceVersion());
    }

    @Test
    void updateWithAStaleResourceVersionIs409Conflict() {
      ConfigMap created = configMaps.create(configMap(NS, "a"));
      ConfigMap first = KubeObjects.deepCopy(created);
      first.getData().put("k", "first");
      configMaps.update(first);
      ConfigMap second = KubeObjects.deepCopy(created);
      second.getData().put("k", "second");

      StatusError e = statusError(() -> configMaps.update(second));

      assertSameStatus(e, StatusError.conflict(type(ConfigMap.class), "a"));
      assertThat(e.getMessage())
          .isEqualTo(
              "Operation cannot be fulfilled on configmaps \"a\": the object has been modified;"
                  + " please apply your changes to the latest version and try again");
      assertThat(configMaps.get(NS, "a").orElseThrow().getData()).containsEntry("k", "first");
    }

    @Test
    void updateWithoutAResourceVersionOverwrites() {
      configMaps.create(configMap(NS, "a"));
      ConfigMap blind = configMap(NS, "a");
      blind.getData().put("k", "blind");

      ConfigMap updated = configMaps.update(blind);

      assertThat(updated.getData()).containsEntry("k", "blind");
    }

    @Test
    void updateOfAMissingObjectIs404() {
      StatusError e = statusError(() -> configMaps.update(configMap(NS, "nope")));

      assertSameStatus(e, StatusError.notFound(type(ConfigMap.class), "nope"));
      assertThat(e.getMessage()).isEqualTo("configmaps \"nope\" not found");
    }

    @Test
    void deleteRemovesTheObject() {
      configMaps.create(configMap(NS, "a"));

      configMaps.delete(NS, "a", null);

      assertThat(configMaps.get(NS, "a")).isEmpty();
    }

    @Test
    void deleteOfAMissingObjectIs404() {
      StatusError e = statusError(() -> configMaps.delete(NS, "nope", null));

      assertSameStatus(e, StatusError.notFound(type(ConfigMap.class), "nope"));
    }

    @Test
    void deleteWithAStaleUidPreconditionIs409() {
      configMaps.create(configMap(NS, "a"));

      StatusError e =
          statusError(
              () ->
                  configMaps.delete(
                      NS,
                      "a",
                      new DeleteOptionsBuilder().withNewPreconditions("", "other-uid").build()));

      assertThat(e.code()).isEqualTo(409);
      assertThat(e.reason()).isEqualTo("Conflict");
      assertThat(e.getMessage()).contains("Precondition failed: UID in precondition: other-uid");
      assertThat(configMaps.get(NS, "a")).isPresent();
    }

    @Test
    void deleteWithOrphanPropagationOnlyMarksTheObject() {
      deployments.create(deployment(NS, "web", 1));

      deployments.delete(
          NS, "web", new DeleteOptionsBuilder().withPropagationPolicy("Orphan").build());

      Deployment marked = deployments.get(NS, "web").orElseThrow();
      assertThat(marked.getMetadata().getDeletionTimestamp()).isNotNull();
      assertThat(marked.getMetadata().getFinalizers()).containsExactly("orphan");
    }

    @Test
    void namedCallsOnNamespacedKindsNeedANamespace() {
      assertThatThrownBy(() -> configMaps.get(null, "a"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> configMaps.create(configMap(null, "a")))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> configMaps.delete("", "a", null))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void clusterScopedKindsIgnoreTheNamespace() {
      Resources<Node> nodes = client.resources(Node.class);
      nodes.create(new NodeBuilder().withNewMetadata().withName("n1").endMetadata().build());

      assertThat(nodes.get(null, "n1")).isPresent();
      assertThat(nodes.get("whatever", "n1")).isPresent();
      assertThat(namespaces.get(null, "kube-system")).isPresent();
    }

    @Test
    void aKindThatIsNotServedIsRefused() {
      assertThatThrownBy(() -> client.resources(io.fabric8.kubernetes.api.model.Binding.class))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class Lists {

    @BeforeEach
    void objects() {
      namespaces.create(namespace("other"));
      configMaps.create(configMap(NS, "a", Map.of("app", "web", "env", "a")));
      configMaps.create(configMap(NS, "b", Map.of("app", "web", "env", "b", "legacy", "y")));
      configMaps.create(configMap(NS, "c", Map.of("app", "db")));
      configMaps.create(configMap("other", "d", Map.of("app", "web")));
    }

    private List<String> names(ListPage<ConfigMap> page) {
      return page.items().stream()
          .map(c -> c.getMetadata().getNamespace() + "/" + c.getMetadata().getName())
          .toList();
    }

    @Test
    void listsOneNamespaceOrAll() {
      assertThat(names(configMaps.list(NS, null)))
          .containsExactly("default/a", "default/b", "default/c");
      assertThat(names(configMaps.list(null, ListOptions.all())))
          .containsExactly("default/a", "default/b", "default/c", "other/d");
    }

    @Test
    void theListsResourceVersionIsTheStoresLatest() {
      ConfigMap last = configMaps.create(configMap(NS, "e"));

      assertThat(configMaps.list(NS, null).resourceVersion()).isEqualTo(rv(last));
    }

    @Test
    void labelSelectorsFilter() {
      assertThat(names(configMaps.list(null, ListOptions.labelSelector("app=web"))))
          .containsExactly("default/a", "default/b", "other/d");
      assertThat(names(configMaps.list(NS, ListOptions.labelSelector("env in (a,b),!legacy"))))
          .containsExactly("default/a");
      assertThat(names(configMaps.list(NS, ListOptions.labelSelector("app!=web"))))
          .containsExactly("default/c");
    }

    @Test
    void fieldSelectorsFilter() {
      assertThat(names(configMaps.list(null, ListOptions.fieldSelector("metadata.name=b"))))
          .containsExactly("default/b");
      assertThat(
              names(
                  configMaps.list(
                      null,
                      ListOptions.fieldSelector("metadata.namespace!=default")
                          .withLabelSelector("app=web"))))
          .containsExactly("other/d");
    }

    @Test
    void aMalformedLabelSelectorIs400WithTheParsersMessage() {
      String expected =
          catchThrowableOfType(SelectorException.class, () -> LabelSelector.parse("app in (a"))
              .getMessage();

      StatusError e =
          statusError(() -> configMaps.list(NS, ListOptions.labelSelector("app in (a")));

      assertSameStatus(e, StatusError.badRequest(expected));
    }

    @Test
    void anUnsupportedFieldIs400() {
      StatusError e =
          statusError(() -> configMaps.list(NS, ListOptions.fieldSelector("spec.nodeName=x")));

      assertSameStatus(e, StatusError.badRequest("field label not supported: spec.nodeName"));
    }

    @Test
    void pagesShowOneSnapshotAndEveryItemOnce() {
      configMaps.create(configMap(NS, "e"));
      ListPage<ConfigMap> first = configMaps.list(NS, ListOptions.all().withLimit(2));
      configMaps.create(configMap(NS, "d-created-between-pages"));
      List<String> seen = new ArrayList<>(names(first));
      ListPage<ConfigMap> page = first;
      int pages = 1;
      while (page.hasMore()) {
        page =
            configMaps.list(NS, ListOptions.all().withLimit(2).withContinue(page.continueToken()));
        pages++;
        assertThat(page.items()).hasSizeLessThanOrEqualTo(2);
        assertThat(page.resourceVersion()).isEqualTo(first.resourceVersion());
        seen.addAll(names(page));
      }

      assertThat(names(first)).containsExactly("default/a", "default/b");
      assertThat(first.hasMore()).isTrue();
      assertThat(seen).containsExactly("default/a", "default/b", "default/c", "default/e");
      assertThat(pages).isBetween(2, 3);
    }

    @Test
    void pagesWithSelectorsAreFilledWithMatches() {
      ListPage<ConfigMap> first =
          configMaps.list(null, ListOptions.labelSelector("app=web").withLimit(2));
      ListPage<ConfigMap> second =
          configMaps.list(
              null,
              ListOptions.labelSelector("app=web")
                  .withLimit(2)
                  .withContinue(first.continueToken()));

      assertThat(names(first)).containsExactly("default/a", "default/b");
      assertThat(names(second)).containsExactly("other/d");
      assertThat(second.hasMore()).isFalse();
    }

    @Test
    void anExactResourceVersionReadsThePast() {
      long before = configMaps.list(NS, null).resourceVersion();
      configMaps.create(configMap(NS, "e"));
      configMaps.delete(NS, "a", null);

      assertThat(names(configMaps.list(NS, ListOptions.all().atExactly(before))))
          .containsExactly("default/a", "default/b", "default/c");
      assertThat(names(configMaps.list(NS, null)))
          .containsExactly("default/b", "default/c", "default/e");
    }

    @Test
    void anExactResourceVersionThatIsCompactedIs410() {
      long before = configMaps.list(NS, null).resourceVersion();
      configMaps.create(configMap(NS, "e"));
      compactHistory();

      StatusError e = statusError(() -> configMaps.list(NS, ListOptions.all().atExactly(before)));

      assertThat(e.code()).isEqualTo(410);
      assertThat(e.reason()).isEqualTo("Expired");
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class Patches {

    @BeforeEach
    void objects() {
      configMaps.create(configMap(NS, "a"));
      deployments.create(deployment(NS, "web", 2));
    }

    @Test
    void jsonPatch() {
      ConfigMap patched =
          configMaps.patch(
              NS,
              "a",
              PatchType.JSON_PATCH,
              "[{\"op\":\"replace\",\"path\":\"/data/k\",\"value\":\"v2\"},"
                  + "{\"op\":\"add\",\"path\":\"/data/n\",\"value\":\"1\"}]");

      assertThat(patched.getData()).isEqualTo(Map.of("k", "v2", "n", "1"));
      assertThat(configMaps.get(NS, "a")).contains(patched);
    }

    @Test
    void mergePatch() {
      ConfigMap patched =
          configMaps.patch(
              NS,
              "a",
              PatchType.MERGE_PATCH,
              "{\"metadata\":{\"labels\":{\"x\":\"y\"}},\"data\":{\"k\":null,\"n\":\"1\"}}");

      assertThat(patched.getData()).isEqualTo(Map.of("n", "1"));
      assertThat(patched.getMetadata().getLabels()).isEqualTo(Map.of("x", "y"));
    }

    @Test
    void strategicMergePatchMergesListsByKey() {
      String sidecar =
          "{\"spec\":{\"template\":{\"spec\":{\"containers\":"
              + "[{\"name\":\"sidecar\",\"image\":\"busybox:1.36\"}]}}}}";

      Deployment strategic = deployments.patch(NS, "web", PatchType.STRATEGIC_MERGE_PATCH, sidecar);
      assertThat(strategic.getSpec().getTemplate().getSpec().getContainers())
          .extracting(c -> c.getName())
          .containsExactly("sidecar", "main");
      assertThat(strategic.getMetadata().getGeneration()).isEqualTo(2L);

      Deployment merged = deployments.patch(NS, "web", PatchType.MERGE_PATCH, sidecar);
      assertThat(merged.getSpec().getTemplate().getSpec().getContainers())
          .extracting(c -> c.getName())
          .containsExactly("sidecar");
    }

    @Test
    void aJsonPatchTestThatFailsIs422() {
      StatusError e =
          statusError(
              () ->
                  configMaps.patch(
                      NS,
                      "a",
                      PatchType.JSON_PATCH,
                      "[{\"op\":\"test\",\"path\":\"/data/k\",\"value\":\"nope\"}]"));

      assertThat(e.code()).isEqualTo(422);
      assertThat(e.getMessage())
          .isEqualTo("the server rejected our request due to an error in our request");
    }

    @Test
    void aMalformedPatchIs400() {
      StatusError e = statusError(() -> configMaps.patch(NS, "a", PatchType.MERGE_PATCH, "{"));

      assertThat(e.code()).isEqualTo(400);
      assertThat(e.reason()).isEqualTo("BadRequest");
    }

    @Test
    void aMergePatchThatIsNoObjectIs400() {
      StatusError e = statusError(() -> configMaps.patch(NS, "a", PatchType.MERGE_PATCH, "[]"));

      assertSameStatus(e, StatusError.badRequest("Invalid JSON Patch"));
    }

    @Test
    void applyPatchesNeedAFieldManager() {
      StatusError e =
          statusError(() -> configMaps.patch(NS, "a", PatchType.APPLY_PATCH, "{\"data\":{}}"));

      assertThat(e.code()).isEqualTo(422);
      assertThat(e.reason()).isEqualTo("Invalid");
      assertThat(e.getMessage())
          .isEqualTo(
              "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is"
                  + " required for apply patch");
    }

    @Test
    void aPatchOfAMissingObjectIs404() {
      StatusError e = statusError(() -> configMaps.patch(NS, "nope", PatchType.MERGE_PATCH, "{}"));

      assertSameStatus(e, StatusError.notFound(type(ConfigMap.class), "nope"));
    }

    @Test
    void aPatchThatMakesTheObjectInvalidIs422() {
      StatusError e =
          statusError(
              () ->
                  deployments.patch(
                      NS, "web", PatchType.MERGE_PATCH, "{\"spec\":{\"replicas\":-1}}"));

      assertThat(e.code()).isEqualTo(422);
      assertThat(e.getMessage()).startsWith("Deployment.apps \"web\" is invalid: spec.replicas");
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class Status {

    private Deployment web;

    @BeforeEach
    void objects() {
      web = deployments.create(deployment(NS, "web", 3));
    }

    @Test
    void updateStatusWritesTheStatusOnly() {
      Deployment changed = KubeObjects.deepCopy(web);
      changed.setStatus(
          new DeploymentStatusBuilder().withReplicas(2).withObservedGeneration(1L).build());
      changed.getSpec().setReplicas(7);

      Deployment updated = deployments.updateStatus(changed);

      assertThat(updated.getStatus().getReplicas()).isEqualTo(2);
      assertThat(updated.getSpec().getReplicas()).isEqualTo(3);
      assertThat(updated.getMetadata().getGeneration()).isEqualTo(1L);
      assertThat(rv(updated)).isGreaterThan(rv(web));
      assertThat(changed.getSpec().getReplicas()).as("the argument is left alone").isEqualTo(7);
      assertThat(deployments.get(NS, "web")).contains(updated);
    }

    @Test
    void updateKeepsTheStatus() {
      Deployment withStatus = KubeObjects.deepCopy(web);
      withStatus.setStatus(new DeploymentStatusBuilder().withReplicas(2).build());
      web = deployments.updateStatus(withStatus);
      Deployment changed = KubeObjects.deepCopy(web);
      changed.getStatus().setReplicas(9);
      changed.getSpec().setReplicas(4);

      Deployment updated = deployments.update(changed);

      assertThat(updated.getStatus().getReplicas()).isEqualTo(2);
      assertThat(updated.getSpec().getReplicas()).isEqualTo(4);
      assertThat(updated.getMetadata().getGeneration()).isEqualTo(2L);
    }

    @Test
    void updateStatusWithAStaleResourceVersionIs409() {
      deployments.patch(
          NS, "web", PatchType.MERGE_PATCH, "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}");
      Deployment stale = KubeObjects.deepCopy(web);
      stale.setStatus(new DeploymentStatusBuilder().withReplicas(1).build());

      StatusError e = statusError(() -> deployments.updateStatus(stale));

      assertSameStatus(e, StatusError.conflict(type(Deployment.class), "web"));
    }

    @Test
    void patchStatus() {
      Deployment patched =
          deployments.patchStatus(
              NS,
              "web",
              PatchType.MERGE_PATCH,
              "{\"spec\":{\"replicas\":9},\"status\":{\"replicas\":3,\"readyReplicas\":1}}");

      assertThat(patched.getStatus().getReplicas()).isEqualTo(3);
      assertThat(patched.getStatus().getReadyReplicas()).isEqualTo(1);
      assertThat(patched.getSpec().getReplicas()).isEqualTo(3);
    }

    @Test
    void anInvalidStatusIs422() {
      StatusError e =
          statusError(
              () ->
                  deployments.patchStatus(
                      NS, "web", PatchType.MERGE_PATCH, "{\"status\":{\"replicas\":-1}}"));

      assertThat(e.code()).isEqualTo(422);
      assertThat(e.reason()).isEqualTo("Invalid");
    }

    @Test
    void aKindWithoutStatusHasNoStatusEndpoint() {
      ConfigMap cm = configMaps.create(configMap(NS, "a"));

      assertSameStatus(statusError(() -> configMaps.updateStatus(cm)), StatusError.notFoundPath());
      assertSameStatus(
          statusError(() -> configMaps.patchStatus(NS, "a", PatchType.MERGE_PATCH, "{}")),
          StatusError.notFoundPath());
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class Scales {

    private Deployment web;

    @BeforeEach
    void objects() {
      web = deployments.create(deployment(NS, "web", 3));
    }

    @Test
    void scaleShowsReplicasAndSelector() {
      Scale scale = deployments.scale(NS, "web");

      assertThat(scale.getKind()).isEqualTo("Scale");
      assertThat(scale.getApiVersion()).isEqualTo("autoscaling/v1");
      assertThat(scale.getMetadata().getName()).isEqualTo("web");
      assertThat(scale.getMetadata().getNamespace()).isEqualTo(NS);
      assertThat(scale.getMetadata().getUid()).isEqualTo(web.getMetadata().getUid());
      assertThat(scale.getMetadata().getResourceVersion())
          .isEqualTo(web.getMetadata().getResourceVersion());
      assertThat(scale.getSpec().getReplicas()).isEqualTo(3);
      assertThat(scale.getStatus().getReplicas()).isZero();
      assertThat(scale.getStatus().getSelector()).isEqualTo("app=web");
    }

    @Test
    void updateScaleWritesSpecReplicas() {
      Scale scale = deployments.scale(NS, "web");
      scale.getSpec().setReplicas(5);

      Scale updated = deployments.updateScale(NS, "web", scale);

      assertThat(updated.getSpec().getReplicas()).isEqualTo(5);
      Deployment after = deployments.get(NS, "web").orElseThrow();
      assertThat(after.getSpec().getReplicas()).isEqualTo(5);
      assertThat(after.getMetadata().getGeneration()).isEqualTo(2L);
      assertThat(updated.getMetadata().getResourceVersion())
          .isEqualTo(after.getMetadata().getResourceVersion());
    }

    @Test
    void updateScaleWithAStaleResourceVersionIs409() {
      Scale scale = deployments.scale(NS, "web");
      deployments.patch(
          NS, "web", PatchType.MERGE_PATCH, "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}");
      scale.getSpec().setReplicas(5);

      StatusError e = statusError(() -> deployments.updateScale(NS, "web", scale));

      assertSameStatus(e, StatusError.conflict(type(Deployment.class), "web"));
    }

    @Test
    void aKindWithoutScaleHasNoScaleEndpoint() {
      configMaps.create(configMap(NS, "a"));

      assertSameStatus(statusError(() -> configMaps.scale(NS, "a")), StatusError.notFoundPath());
    }

    @Test
    void scaleOfAMissingObjectIs404() {
      assertSameStatus(
          statusError(() -> deployments.scale(NS, "nope")),
          StatusError.notFound(type(Deployment.class), "nope"));
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class PodActions {

    private Resources<Pod> pods;

    @BeforeEach
    void pod() {
      pods = client.resources(Pod.class);
      pods.create(
          new PodBuilder()
              .withNewMetadata()
              .withName("web")
              .withNamespace(NS)
              .endMetadata()
              .withNewSpec()
              .addNewContainer()
              .withName("c")
              .withImage("nginx")
              .endContainer()
              .endSpec()
              .build());
    }

    private static Binding binding(String pod, String node) {
      return new BindingBuilder()
          .withNewMetadata()
          .withName(pod)
          .endMetadata()
          .withNewTarget()
          .withKind("Node")
          .withName(node)
          .endTarget()
          .build();
    }

    @Test
    void bindingAssignsThePodToTheNode() {
      pods.createSubresource(NS, "web", "binding", binding("web", "node-1"));

      assertThat(pods.get(NS, "web").orElseThrow().getSpec().getNodeName()).isEqualTo("node-1");
    }

    @Test
    void bindingABoundPodIs409() {
      pods.createSubresource(NS, "web", "binding", binding("web", "node-1"));

      StatusError e =
          statusError(() -> pods.createSubresource(NS, "web", "binding", binding("web", "n2")));

      assertThat(e.code()).isEqualTo(409);
      assertThat(e.getMessage())
          .isEqualTo(
              "Operation cannot be fulfilled on pods/binding \"web\": pod web is already"
                  + " assigned to node \"node-1\"");
    }

    @Test
    void evictionOfAPendingPodDeletesIt() {
      Eviction eviction = new Eviction();
      eviction.setMetadata(new ObjectMeta());
      eviction.getMetadata().setName("web");
      eviction.getMetadata().setNamespace(NS);

      pods.createSubresource(NS, "web", "eviction", eviction);

      assertThat(pods.get(NS, "web")).isEmpty();
    }

    @Test
    void aKindWithoutTheSubresourceHasNoEndpoint() {
      configMaps.create(configMap(NS, "a"));

      assertSameStatus(
          statusError(() -> configMaps.createSubresource(NS, "a", "binding", binding("a", "n"))),
          StatusError.notFoundPath());
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class Watches {

    @Test
    void aWatchDeliversEveryChangeInOrder() {
      long from = configMaps.list(NS, null).resourceVersion();
      RecordingWatcher<ConfigMap> w = new RecordingWatcher<>();
      try (Watch watch = configMaps.watch(NS, null, from, w)) {
        ConfigMap a = configMaps.create(configMap(NS, "a"));
        ConfigMap a2 = KubeObjects.deepCopy(a);
        a2.getData().put("k", "v2");
        a2 = configMaps.update(a2);
        ConfigMap b = configMaps.create(configMap(NS, "b"));
        configMaps.delete(NS, "a", null);

        eventually().until(() -> w.events.size() == 4);
        assertThat(w.briefs()).containsExactly("ADDED a", "MODIFIED a", "ADDED b", "DELETED a");
        assertThat(w.events.get(0).resourceVersion()).isEqualTo(rv(a));
        assertThat(w.events.get(1).resourceVersion()).isEqualTo(rv(a2));
        assertThat(w.events.get(1).object()).isEqualTo(a2);
        assertThat(w.events.get(2).resourceVersion()).isEqualTo(rv(b));
        assertThat(w.events.get(3).resourceVersion()).isGreaterThan(rv(b));
        assertThat(((ConfigMap) w.events.get(3).object()).getData()).containsEntry("k", "v2");
      }
    }

    @Test
    void aWatchFromZeroStartsWithTheCurrentObjects() {
      configMaps.create(configMap(NS, "a"));
      configMaps.create(configMap(NS, "b"));
      RecordingWatcher<ConfigMap> w = new RecordingWatcher<>();
      try (Watch watch = configMaps.watch(NS, null, 0, w)) {
        eventually().until(() -> w.events.size() == 2);
        configMaps.create(configMap(NS, "c"));

        eventually().until(() -> w.events.size() == 3);
        assertThat(w.briefs()).containsExactly("ADDED a", "ADDED b", "ADDED c");
      }
    }

    @Test
    void aWatchResumesFromTheLastVersionSeenWithoutGapOrDuplicate() {
      long from = configMaps.list(NS, null).resourceVersion();
      RecordingWatcher<ConfigMap> first = new RecordingWatcher<>();
      Watch watch = configMaps.watch(NS, null, from, first);
      configMaps.create(configMap(NS, "a"));
      configMaps.create(configMap(NS, "b"));
      eventually().until(() -> first.events.size() == 2);
      watch.close();
      configMaps.create(configMap(NS, "c"));
      configMaps.delete(NS, "a", null);

      RecordingWatcher<ConfigMap> second = new RecordingWatcher<>();
      try (Watch resumed = configMaps.watch(NS, null, first.lastResourceVersion(), second)) {
        configMaps.create(configMap(NS, "d"));
        eventually().until(() -> second.events.size() == 3);
        assertThat(second.briefs()).containsExactly("ADDED c", "DELETED a", "ADDED d");
      }
      assertThat(first.briefs()).containsExactly("ADDED a", "ADDED b");
    }

    @Test
    void aWatchSeesObjectsEnteringAndLeavingItsSelector() {
      configMaps.create(configMap(NS, "a", Map.of("app", "web")));
      long from = configMaps.list(NS, null).resourceVersion();
      RecordingWatcher<ConfigMap> w = new RecordingWatcher<>();
      try (Watch watch = configMaps.watch(NS, ListOptions.labelSelector("app=web"), from, w)) {
        configMaps.patch(
            NS, "a", PatchType.MERGE_PATCH, "{\"metadata\":{\"labels\":{\"app\":\"db\"}}}");
        configMaps.create(configMap(NS, "b", Map.of("app", "db")));
        configMaps.patch(
            NS, "b", PatchType.MERGE_PATCH, "{\"metadata\":{\"labels\":{\"app\":\"web\"}}}");
        configMaps.patch(NS, "b", PatchType.MERGE_PATCH, "{\"data\":{\"n\":\"1\"}}");

        eventually().until(() -> w.events.size() == 3);
        assertThat(w.briefs()).containsExactly("DELETED a", "ADDED b", "MODIFIED b");
      }
    }

    @Test
    void aWatchOfAllNamespacesWithAFieldSelector() {
      namespaces.create(namespace("other"));
      long from = configMaps.list(null, null).resourceVersion();
      RecordingWatcher<ConfigMap> w = new RecordingWatcher<>();
      try (Watch watch =
          configMaps.watch(null, ListOptions.fieldSelector("metadata.name=x"), from, w)) {
        configMaps.create(configMap(NS, "y"));
        configMaps.create(configMap("other", "x"));
        configMaps.create(configMap(NS, "x"));

        eventually().until(() -> w.events.size() == 2);
        assertThat(w.events)
            .extracting(s -> s.object().getMetadata().getNamespace())
            .containsExactly("other", NS);
      }
    }

    @Test
    void aWatchFromACompactedVersionEndsWith410Expired() throws Exception {
      long from = configMaps.list(NS, null).resourceVersion();
      configMaps.create(configMap(NS, "a"));
      configMaps.create(configMap(NS, "b"));
      compactHistory();
      RecordingWatcher<ConfigMap> w = new RecordingWatcher<>();

      try (Watch watch = configMaps.watch(NS, null, from, w)) {
        StatusError error = w.closed.get();
        assertThat(error).isNotNull();
        assertThat(error.code()).isEqualTo(410);
        assertThat(error.reason()).isEqualTo("Expired");
        assertThat(error.getMessage()).startsWith("too old resource version: " + from);
      }
      assertThat(w.events).isEmpty();
      assertThat(w.closeCalls).hasValue(1);
    }

    @Test
    void aMalformedSelectorFailsTheWatchCall() {
      StatusError e =
          statusError(
              () ->
                  configMaps.watch(
                      NS, ListOptions.fieldSelector("spec.foo=x"), 0, new RecordingWatcher<>()));

      assertSameStatus(e, StatusError.badRequest("field label not supported: spec.foo"));
    }

    @Test
    void closingAWatchEndsItOnceWithoutError() throws Exception {
      long from = configMaps.list(NS, null).resourceVersion();
      RecordingWatcher<ConfigMap> w = new RecordingWatcher<>();
      Watch watch = configMaps.watch(NS, null, from, w);
      configMaps.create(configMap(NS, "a"));
      eventually().until(() -> w.events.size() == 1);

      watch.close();
      watch.close();

      assertThat(w.closed.get()).isNull();
      configMaps.create(configMap(NS, "b"));
      configMaps.create(configMap(NS, "c"));
      // Whatever the closed watch would still deliver has been published once another watch has it.
      RecordingWatcher<ConfigMap> after = new RecordingWatcher<>();
      try (Watch next = configMaps.watch(NS, null, from, after)) {
        eventually().until(() -> after.events.size() == 3);
      }
      assertThat(w.briefs()).containsExactly("ADDED a");
      assertThat(w.closeCalls).hasValue(1);
    }

    @Test
    void everyWatcherGetsItsOwnObjects() {
      long from = configMaps.list(NS, null).resourceVersion();
      RecordingWatcher<ConfigMap> one = new RecordingWatcher<>();
      RecordingWatcher<ConfigMap> two = new RecordingWatcher<>();
      try (Watch w1 = configMaps.watch(NS, null, from, one);
          Watch w2 = configMaps.watch(NS, null, from, two)) {
        configMaps.create(configMap(NS, "a"));
        eventually().until(() -> one.events.size() == 1 && two.events.size() == 1);

        ConfigMap mine = (ConfigMap) one.events.getFirst().object();
        ConfigMap theirs = (ConfigMap) two.events.getFirst().object();
        assertThat(mine).isNotSameAs(theirs).isEqualTo(theirs);
        mine.getData().put("k", "changed");
        assertThat(theirs.getData()).containsEntry("k", "v");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class Informers {

    private static final Duration RESYNC = Duration.ofMinutes(10);

    private final ManualClock clock = new ManualClock();
    private SharedInformerFactory factory;

    @BeforeEach
    void factory() {
      factory = new SharedInformerFactory(client, clock, RESYNC);
    }

    @AfterEach
    void stop() {
      factory.stop();
    }

    /** Records every notification as text, e.g. {@code add a}, {@code update a 5->6}. */
    private static final class Recorder implements ResourceEventHandler<ConfigMap> {
      final String prefix;
      final List<String> seen;

      Recorder(String prefix, List<String> seen) {
        this.prefix = prefix;
        this.seen = seen;
      }

      Recorder() {
        this("", new CopyOnWriteArrayList<>());
      }

      @Override
      public void onAdd(ConfigMap obj) {
        seen.add(prefix + "add " + obj.getMetadata().getName());
      }

      @Override
      public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
        seen.add(
            prefix
                + "update "
                + newObj.getMetadata().getName()
                + (oldObj == newObj ? " resync" : rv(oldObj) < rv(newObj) ? " newer" : " older"));
      }

      @Override
      public void onDelete(ConfigMap obj) {
        seen.add(prefix + "delete " + obj.getMetadata().getName());
      }
    }

    private SharedInformer<ConfigMap> startedInformer(Recorder recorder) throws Exception {
      SharedInformer<ConfigMap> informer = factory.informerFor(ConfigMap.class);
      informer.addEventHandler(recorder);
      factory.start();
      assertThat(factory.waitForCacheSync(Duration.ofSeconds(30))).isTrue();
      return informer;
    }

    @Test
    void anInformerSyncsThenNotifiesAddUpdateAndDelete() throws Exception {
      configMaps.create(configMap(NS, "a"));
      configMaps.create(configMap(NS, "b"));
      Recorder recorder = new Recorder();

      SharedInformer<ConfigMap> informer = startedInformer(recorder);
      assertThat(informer.hasSynced()).isTrue();
      assertThat(informer.lister().get(NS, "a")).isPresent();
      eventually().until(() -> recorder.seen.size() == 2);

      configMaps.create(configMap(NS, "c"));
      configMaps.patch(NS, "a", PatchType.MERGE_PATCH, "{\"data\":{\"k\":\"v2\"}}");
      configMaps.delete(NS, "b", null);

      eventually().until(() -> recorder.seen.size() == 5);
      assertThat(recorder.seen)
          .containsExactly("add a", "add b", "add c", "update a newer", "delete b");
      assertThat(informer.lister().get(NS, "a").orElseThrow().getData()).containsEntry("k", "v2");
      assertThat(informer.lister().get(NS, "b")).isEmpty();
      assertThat(informer.indexer().keys()).containsExactlyInAnyOrder("default/a", "default/c");
    }

    @Test
    void theCacheFollowsTheResourceVersion() throws Exception {
      SharedInformer<ConfigMap> informer = startedInformer(new Recorder());
      ConfigMap a = configMaps.create(configMap(NS, "a"));

      eventually().until(() -> informer.lastSyncResourceVersion() == rv(a));
      assertThat(informer.lister().get(NS, "a")).contains(a);
    }

    @Test
    void listersListByNamespaceAndLabels() throws Exception {
      namespaces.create(namespace("other"));
      configMaps.create(configMap(NS, "a", Map.of("app", "web")));
      configMaps.create(configMap(NS, "b", Map.of("app", "db")));
      configMaps.create(configMap("other", "c", Map.of("app", "web")));
      SharedInformer<ConfigMap> informer = startedInformer(new Recorder());

      assertThat(informer.lister().list(NS, LabelSelector.parse("app=web")))
          .extracting(c -> c.getMetadata().getName())
          .containsExactly("a");
      assertThat(informer.lister().list(null, LabelSelector.parse("app=web")))
          .extracting(c -> c.getMetadata().getName())
          .containsExactlyInAnyOrder("a", "c");
      assertThat(informer.lister().list("other", LabelSelector.everything())).hasSize(1);
      assertThat(informer.lister().list(NS, null)).isEmpty();
    }

    @Test
    void aHandlerAddedLateFirstGetsEveryCachedObject() throws Exception {
      configMaps.create(configMap(NS, "a"));
      configMaps.create(configMap(NS, "b"));
      SharedInformer<ConfigMap> informer = startedInformer(new Recorder());

      Recorder late = new Recorder();
      informer.addEventHandler(late);
      configMaps.create(configMap(NS, "c"));

      eventually().until(() -> late.seen.size() == 3);
      assertThat(late.seen.subList(0, 2)).containsExactlyInAnyOrder("add a", "add b");
      assertThat(late.seen.get(2)).isEqualTo("add c");
    }

    @Test
    void handlersAreCalledOneAfterTheOtherInTheOrderAdded() throws Exception {
      List<String> shared = new CopyOnWriteArrayList<>();
      SharedInformer<ConfigMap> informer = factory.informerFor(ConfigMap.class);
      informer.addEventHandler(new Recorder("1:", shared));
      informer.addEventHandler(new Recorder("2:", shared));
      factory.start();
      assertThat(factory.waitForCacheSync(Duration.ofSeconds(30))).isTrue();

      configMaps.create(configMap(NS, "a"));
      configMaps.delete(NS, "a", null);

      eventually().until(() -> shared.size() == 4);
      assertThat(shared).containsExactly("1:add a", "2:add a", "1:delete a", "2:delete a");
    }

    @Test
    void everyResyncPeriodHandlersGetEveryObjectAgain() throws Exception {
      configMaps.create(configMap(NS, "a"));
      configMaps.create(configMap(NS, "b"));
      Recorder recorder = new Recorder();
      startedInformer(recorder);
      eventually().until(() -> recorder.seen.size() == 2);

      clock.advance(RESYNC.minusSeconds(1));
      assertThat(recorder.seen).hasSize(2);
      clock.advance(Duration.ofSeconds(1));
      eventually().until(() -> recorder.seen.size() == 4);
      clock.advance(RESYNC);
      eventually().until(() -> recorder.seen.size() == 6);

      assertThat(recorder.seen.subList(2, 6))
          .containsExactlyInAnyOrder(
              "update a resync", "update b resync", "update a resync", "update b resync");
    }

    @Test
    void handlersGetTheCachedInstance() throws Exception {
      configMaps.create(configMap(NS, "a"));
      List<ConfigMap> handed = new CopyOnWriteArrayList<>();
      SharedInformer<ConfigMap> informer = factory.informerFor(ConfigMap.class);
      informer.addEventHandler(
          new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap obj) {
              handed.add(obj);
            }
          });
      factory.start();
      assertThat(factory.waitForCacheSync(Duration.ofSeconds(30))).isTrue();

      eventually().until(() -> handed.size() == 1);
      assertThat(handed.getFirst()).isSameAs(informer.lister().get(NS, "a").orElseThrow());
    }

    @Test
    void oneInformerPerKind() {
      assertThat(factory.informerFor(ConfigMap.class))
          .isSameAs(factory.informerFor(ConfigMap.class));
      assertThat(factory.lister(ConfigMap.class))
          .isSameAs(factory.informerFor(ConfigMap.class).lister());
    }
  }
}
