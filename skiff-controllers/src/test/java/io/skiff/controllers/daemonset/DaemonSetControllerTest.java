package io.skiff.controllers.daemonset;

import static io.skiff.controllers.daemonset.DaemonSetUtilTest.ds;
import static io.skiff.controllers.daemonset.DaemonSetUtilTest.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.skiff.api.patch.PatchType;
import io.skiff.client.KubeObjects;
import io.skiff.client.informer.Indexer;
import io.skiff.clock.ManualClock;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.PodUtil;
import io.skiff.controllers.runtime.Times;
import io.skiff.controllers.testing.FakeKubeClient;
import io.skiff.controllers.testing.FakeKubeClient.Action;
import io.skiff.controllers.testing.RecordingEventRecorder;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The controller against a fake API that records what it does, on a manual clock; the test feeds
 * the informer caches and plays the kubelet.
 */
class DaemonSetControllerTest {

  private final ManualClock clock = new ManualClock();
  private final FakeKubeClient client = new FakeKubeClient(clock);
  private final RecordingEventRecorder events = new RecordingEventRecorder();
  private final ControllerContext ctx =
      ControllerContext.builder(client, clock).recorders(component -> events).build();
  private final DaemonSetController controller = new DaemonSetController(ctx);
  private final Indexer<DaemonSet> dsCache = ctx.informers().informerFor(DaemonSet.class).indexer();
  private final Indexer<Pod> podCache = ctx.informers().informerFor(Pod.class).indexer();
  private final Indexer<Node> nodeCache = ctx.informers().informerFor(Node.class).indexer();
  private final Indexer<ControllerRevision> revisionCache =
      ctx.informers().informerFor(ControllerRevision.class).indexer();

  private DaemonSet given(DaemonSet ds) {
    DaemonSet stored = client.seed(ds);
    dsCache.put(stored);
    return stored;
  }

  private void givenNodes(String... names) {
    for (String n : names) {
      nodeCache.put(client.seed(node(n, Map.of())));
    }
  }

  private DaemonSet stored() {
    return client.stored(DaemonSet.class, "default", "ds").orElseThrow();
  }

  private void catchUp() {
    Set<String> live = new HashSet<>();
    for (Pod p : client.stored(Pod.class)) {
      live.add(KubeObjects.key(p));
      var old = podCache.put(p);
      if (old.isEmpty()) {
        controller.addPod(p);
      } else {
        controller.updatePod(old.get(), p);
      }
    }
    for (Pod cached : podCache.list()) {
      if (!live.contains(KubeObjects.key(cached))) {
        podCache.remove(cached);
        controller.deletePod(cached);
      }
    }
    revisionCache.replace(client.stored(ControllerRevision.class));
    client.stored(DaemonSet.class).forEach(dsCache::put);
  }

  private void setPhase(Pod p, String phase, boolean ready) {
    client
        .resources(Pod.class)
        .patchStatus(
            "default",
            p.getMetadata().getName(),
            PatchType.MERGE_PATCH,
            "{\"status\":{\"phase\":\""
                + phase
                + "\",\"conditions\":[{\"type\":\"Ready\",\"status\":\""
                + (ready ? "True" : "False")
                + "\",\"lastTransitionTime\":\""
                + Times.format(clock.now())
                + "\"}]}}");
  }

  private void readyAll() {
    for (Pod p : client.stored(Pod.class)) {
      if (!PodUtil.isPodReady(p)) {
        setPhase(p, "Running", true);
      }
    }
  }

  private Pod podOn(String node) {
    return client.stored(Pod.class).stream()
        .filter(p -> DaemonSetUtil.targetNodeName(p).orElseThrow().equals(node))
        .findFirst()
        .orElseThrow();
  }

  private List<String> createdOn() {
    return client.actions("create", "pods").stream()
        .map(a -> DaemonSetUtil.targetNodeName((Pod) a.object()).orElseThrow())
        .toList();
  }

  private void sync() throws Exception {
    controller.sync("default/ds");
  }

  private void converge() throws Exception {
    for (int i = 0; i < 30; i++) {
      int before = client.writes().size();
      catchUp();
      sync();
      catchUp();
      readyAll();
      catchUp();
      if (client.writes().size() == before) {
        return;
      }
    }
    throw new AssertionError("did not converge: " + client.writes());
  }

  private void updateImage(String image) {
    DaemonSet updated = KubeObjects.deepCopy(stored());
    updated.getSpec().getTemplate().getSpec().getContainers().getFirst().setImage(image);
    client.resources(DaemonSet.class).update(updated);
    catchUp();
  }

  @Test
  void createsOnePodPerNodeAndExpectationsHoldOffDuplicatesUntilTheCacheSeesThem()
      throws Exception {
    given(ds("1", "0"));
    givenNodes("a", "b", "c");

    sync();
    assertThat(createdOn()).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(events.events())
        .hasSize(3)
        .allMatch(e -> e.matches("DaemonSet ds: Normal SuccessfulCreate Created pod: ds-\\d{5}"));
    assertThat(stored().getStatus().getDesiredNumberScheduled()).isEqualTo(3);

    // The cache has not seen the pods: no second round of creates.
    sync();
    assertThat(createdOn()).hasSize(3);

    catchUp();
    sync();
    assertThat(createdOn()).hasSize(3);
    var s = stored().getStatus();
    assertThat(s.getCurrentNumberScheduled()).isEqualTo(3);
    assertThat(s.getUpdatedNumberScheduled()).isEqualTo(3);
    assertThat(s.getNumberReady()).isZero();
    assertThat(s.getNumberUnavailable()).isEqualTo(3);
  }

  @Test
  void aFailedDaemonPodIsReplacedWithABackoffPerNode() throws Exception {
    given(ds("1", "0"));
    givenNodes("a");
    converge();
    setPhase(podOn("a"), "Failed", false);
    catchUp();
    client.clearActions();

    sync();
    assertThat(client.actions("delete", "pods")).hasSize(1);
    assertThat(events.events())
        .anyMatch(
            e ->
                e.matches(
                    "DaemonSet ds: Warning FailedDaemonPod Found failed daemon pod default/ds-\\d{5}"
                        + " on node a, will try to kill it"));
    catchUp();
    sync();
    assertThat(createdOn()).containsExactly("a");
    catchUp();

    // It fails again at once: within the backoff (1s, then 2s) it is left alone.
    setPhase(podOn("a"), "Failed", false);
    catchUp();
    client.clearActions();
    sync();
    assertThat(client.actions("delete", "pods")).isEmpty();
    clock.advance(Duration.ofSeconds(3));
    sync();
    assertThat(client.actions("delete", "pods")).hasSize(1);
  }

  @Test
  void aRollingUpdateWithoutSurgeDeletesWithinMaxUnavailable() throws Exception {
    given(ds("2", "0"));
    givenNodes("a", "b", "c", "d", "e");
    converge();
    client.clearActions();

    updateImage("img:2");
    sync();

    // Two of five may be unavailable: two old pods go, nothing is created in the same pass.
    assertThat(client.actions("delete", "pods")).hasSize(2);
    assertThat(client.actions("create", "pods")).isEmpty();
    assertThat(client.stored(ControllerRevision.class)).hasSize(2);
    catchUp();
    sync();
    assertThat(client.actions("create", "pods")).hasSize(2);
    catchUp();
    // The replacements are not ready: the budget is used up.
    sync();
    assertThat(client.actions("delete", "pods")).hasSize(2);

    converge();
    assertThat(client.actions("delete", "pods")).hasSize(5);
    assertThat(stored().getStatus().getUpdatedNumberScheduled()).isEqualTo(5);
  }

  @Test
  void aRollingUpdateWithSurgeStartsTheNewPodBesideTheOldAndDeletesTheOldOnceAvailable()
      throws Exception {
    given(ds("0", "1"));
    givenNodes("a", "b");
    converge();
    String oldOnA = podOn("a").getMetadata().getName();
    client.clearActions();

    updateImage("img:2");
    sync();
    // One surge pod, on one node, next to its old pod.
    assertThat(createdOn()).hasSize(1);
    assertThat(client.actions("delete", "pods")).isEmpty();
    catchUp();
    String surged = createdOn().getFirst();

    sync();
    assertThat(client.actions("delete", "pods")).isEmpty();

    readyAll();
    catchUp();
    sync();
    // The new pod is available: the old one on that node goes.
    assertThat(client.actions("delete", "pods")).extracting(Action::name).hasSize(1);
    assertThat(surged).isIn("a", "b");
    converge();
    assertThat(stored().getStatus().getUpdatedNumberScheduled()).isEqualTo(2);
    assertThat(client.stored(Pod.class)).hasSize(2);
    assertThat(client.stored(Pod.class)).noneMatch(p -> p.getMetadata().getName().equals(oldOnA));
  }

  @Test
  void theHistoryIsTrimmedToTheLimitKeepingRevisionsPodsStillUse() throws Exception {
    DaemonSet ds = ds("1", "0");
    ds.getSpec().setRevisionHistoryLimit(1);
    ds.getSpec().getUpdateStrategy().setType("OnDelete");
    ds.getSpec().getUpdateStrategy().setRollingUpdate(null);
    given(ds);
    givenNodes("a");
    converge();
    for (String image : List.of("img:2", "img:3", "img:4")) {
      updateImage(image);
      converge();
    }
    // OnDelete: the pod still runs the first revision, which is therefore kept, and counts against
    // the limit of one old revision: img:2 and img:3 went in turn.
    List<String> images =
        client.stored(ControllerRevision.class).stream()
            .map(
                cr ->
                    io.skiff.controllers.history.Revisions.template(cr)
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage())
            .sorted()
            .toList();
    assertThat(images).containsExactly("img", "img:4");
  }
}
