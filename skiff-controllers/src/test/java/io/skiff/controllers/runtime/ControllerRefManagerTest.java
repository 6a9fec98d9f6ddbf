package io.skiff.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.skiff.api.selector.LabelSelector;
import io.skiff.clock.ManualClock;
import io.skiff.controllers.testing.FakeKubeClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Upstream's TestClaimPods, case for case, against a fake API that applies the patches. */
class ControllerRefManagerTest {

  static final Map<String, String> PRODUCTION = Map.of("type", "production");
  static final Map<String, String> TESTING = Map.of("type", "testing");
  static final LabelSelector PRODUCTION_SELECTOR = LabelSelector.parse("type=production");
  static final String NOW = "2024-01-01T00:00:00Z";

  private final ManualClock clock = new ManualClock();
  private final FakeKubeClient client = new FakeKubeClient(clock);

  static ReplicationController controller(String namespace, String uid, boolean deleting) {
    return new ReplicationControllerBuilder()
        .withNewMetadata()
        .withName("rc")
        .withNamespace(namespace)
        .withUid(uid)
        .withDeletionTimestamp(deleting ? NOW : null)
        .endMetadata()
        .build();
  }

  static Pod pod(String name, Map<String, String> labels, ReplicationController owner) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("default")
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("c")
            .withImage("foo/bar")
            .endContainer()
            .endSpec();
    if (owner != null) {
      b.editMetadata()
          .withOwnerReferences(ControllerRefs.newControllerRef(owner, "apps/v1", "Fake"))
          .endMetadata();
    }
    return b.build();
  }

  static Pod deleting(Pod p) {
    return new PodBuilder(p).editMetadata().withDeletionTimestamp(NOW).endMetadata().build();
  }

  static Pod inNamespace(Pod p, String ns) {
    return new PodBuilder(p).editMetadata().withNamespace(ns).endMetadata().build();
  }

  static Stream<Arguments> cases() {
    ReplicationController plain = controller("default", "123", false);
    ReplicationController deleting = controller("default", "123", true);
    ReplicationController other = controller("default", "AAAAA", false);
    ReplicationController clusterScoped = controller("", "123", false);
    return Stream.of(
        Arguments.of(
            "Claim pods with correct label",
            plain,
            List.of(pod("pod1", PRODUCTION, null), pod("pod2", TESTING, null)),
            List.of("pod1"),
            1),
        Arguments.of(
            "Controller marked for deletion can not claim pods",
            deleting,
            List.of(pod("pod1", PRODUCTION, null), pod("pod2", PRODUCTION, null)),
            List.of(),
            0),
        Arguments.of(
            "Controller marked for deletion can not claim new pods",
            deleting,
            List.of(pod("pod1", PRODUCTION, deleting), pod("pod2", PRODUCTION, null)),
            List.of("pod1"),
            0),
        Arguments.of(
            "Controller can not claim pods owned by another controller",
            plain,
            List.of(pod("pod1", PRODUCTION, plain), pod("pod2", PRODUCTION, other)),
            List.of("pod1"),
            0),
        Arguments.of(
            "Controller releases claimed pods when selector doesn't match",
            plain,
            List.of(pod("pod1", PRODUCTION, plain), pod("pod2", TESTING, plain)),
            List.of("pod1"),
            1),
        Arguments.of(
            "Controller does not claim orphaned pods marked for deletion",
            plain,
            List.of(
                deleting(pod("pod1", PRODUCTION, plain)), deleting(pod("pod2", PRODUCTION, null))),
            List.of("pod1"),
            0),
        Arguments.of(
            "Controller does not claim pods of different namespace",
            plain,
            List.of(
                pod("pod1", PRODUCTION, null),
                inNamespace(pod("pod2", PRODUCTION, null), "fakens")),
            List.of("pod1"),
            1),
        Arguments.of(
            "Cluster scoped controller claims pods of specified namespace",
            clusterScoped,
            List.of(
                pod("pod1", PRODUCTION, null),
                inNamespace(pod("pod2", PRODUCTION, null), "fakens")),
            List.of("pod1", "pod2"),
            2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void claimPods(
      String name,
      ReplicationController controller,
      List<Pod> pods,
      List<String> claimed,
      int patches) {
    List<Pod> stored = new ArrayList<>();
    for (Pod p : pods) {
      stored.add(client.seed(p));
    }
    ControllerRefManager<Pod> m =
        new ControllerRefManager<>(
            client.resources(Pod.class),
            controller,
            PRODUCTION_SELECTOR,
            "v1",
            "ReplicationController",
            () -> {});
    List<Pod> got = m.claim(stored);
    assertThat(got).extracting(p -> p.getMetadata().getName()).containsExactlyElementsOf(claimed);
    List<FakeKubeClient.Action> patchActions = client.actions("patch", "pods");
    assertThat(patchActions).hasSize(patches);
    for (FakeKubeClient.Action a : patchActions) {
      assertThat(a.patch()).contains("\"uid\":\"" + controller.getMetadata().getUid() + "\"");
    }
  }

  @Test
  void adoptionAndReleaseChangeTheOwnerReferencesOnTheServer() {
    ReplicaSet rs =
        client.seed(
            new ReplicaSetBuilder()
                .withNewMetadata()
                .withName("rs")
                .withNamespace("default")
                .endMetadata()
                .build());
    Pod orphan = client.seed(pod("orphan", PRODUCTION, null));
    Pod strayed = client.seed(pod("strayed", TESTING, null));
    strayed =
        client.seed(
            new PodBuilder(strayed)
                .editMetadata()
                .withOwnerReferences(ControllerRefs.newControllerRef(rs, "apps/v1", "ReplicaSet"))
                .endMetadata()
                .build());
    client.clearActions();
    ControllerRefManager<Pod> m =
        new ControllerRefManager<>(
            client.resources(Pod.class),
            rs,
            PRODUCTION_SELECTOR,
            "apps/v1",
            "ReplicaSet",
            ControllerRefManager.recheckDeletionTimestamp(client.resources(ReplicaSet.class), rs));

    assertThat(m.claim(List.of(orphan, strayed))).containsExactly(orphan);

    assertThat(client.actions())
        .extracting(Object::toString)
        .containsExactly(
            "get replicasets default/rs",
            "patch pods default/orphan",
            "patch pods default/strayed");
    assertThat(client.actions("patch", "pods").get(0).patch())
        .isEqualTo(
            "{\"metadata\":{\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\","
                + "\"name\":\"rs\",\"uid\":\""
                + rs.getMetadata().getUid()
                + "\",\"controller\":true,\"blockOwnerDeletion\":true}],\"uid\":\""
                + orphan.getMetadata().getUid()
                + "\"}}");
    assertThat(client.actions("patch", "pods").get(1).patch())
        .isEqualTo(
            "{\"metadata\":{\"uid\":\""
                + strayed.getMetadata().getUid()
                + "\",\"ownerReferences\":[{\"$patch\":\"delete\",\"uid\":\""
                + rs.getMetadata().getUid()
                + "\"}]}}");
    Pod adopted = client.stored(Pod.class, "default", "orphan").orElseThrow();
    assertThat(ControllerRefs.isControlledBy(adopted, rs)).isTrue();
    assertThat(adopted.getMetadata().getOwnerReferences().getFirst().getBlockOwnerDeletion())
        .isTrue();
    Pod released = client.stored(Pod.class, "default", "strayed").orElseThrow();
    assertThat(released.getMetadata().getOwnerReferences()).isNullOrEmpty();
  }

  @Test
  void noAdoptionWhenTheLiveControllerWasReplaced() {
    ReplicaSet cached =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withName("rs")
            .withNamespace("default")
            .withUid("old-uid")
            .endMetadata()
            .build();
    client.seed(
        new ReplicaSetBuilder(cached).editMetadata().withUid("new-uid").endMetadata().build());
    Pod orphan = client.seed(pod("orphan", PRODUCTION, null));
    Pod orphan2 = client.seed(pod("orphan2", PRODUCTION, null));
    client.clearActions();
    ControllerRefManager<Pod> m =
        new ControllerRefManager<>(
            client.resources(Pod.class),
            cached,
            PRODUCTION_SELECTOR,
            "apps/v1",
            "ReplicaSet",
            ControllerRefManager.recheckDeletionTimestamp(
                client.resources(ReplicaSet.class), cached));

    assertThatThrownBy(() -> m.claim(List.of(orphan, orphan2)))
        .isInstanceOf(ControllerRefManager.ClaimException.class)
        .hasMessageContaining(
            "can't adopt Pod default/orphan ("
                + orphan.getMetadata().getUid()
                + "): can't recheck DeletionTimestamp: original ReplicaSet default/rs is gone: got uid new-uid, wanted old-uid");
    assertThat(client.actions())
        .extracting(Object::toString)
        .as("one live GET for the whole pass, no patch")
        .containsExactly("get replicasets default/rs");
  }

  @Test
  void noAdoptionWhenTheLiveControllerIsBeingDeleted() {
    ReplicaSet rs =
        client.seed(
            new ReplicaSetBuilder()
                .withNewMetadata()
                .withName("rs")
                .withNamespace("default")
                .endMetadata()
                .build());
    client.seed(
        new ReplicaSetBuilder(rs).editMetadata().withDeletionTimestamp(NOW).endMetadata().build());
    Pod orphan = client.seed(pod("orphan", PRODUCTION, null));
    ControllerRefManager<Pod> m =
        new ControllerRefManager<>(
            client.resources(Pod.class),
            rs,
            PRODUCTION_SELECTOR,
            "apps/v1",
            "ReplicaSet",
            ControllerRefManager.recheckDeletionTimestamp(client.resources(ReplicaSet.class), rs));
    assertThatThrownBy(() -> m.claim(List.of(orphan)))
        .hasMessageEndingWith("default/rs has just been deleted at " + NOW);
    assertThat(client.actions("patch", "pods")).isEmpty();
  }

  @Test
  void aPatchForARecreatedPodIsRefusedAndTheNewPodUntouched() {
    ReplicaSet rs =
        client.seed(
            new ReplicaSetBuilder()
                .withNewMetadata()
                .withName("rs")
                .withNamespace("default")
                .endMetadata()
                .build());
    Pod cached = pod("p", TESTING, null);
    cached =
        new PodBuilder(cached)
            .editMetadata()
            .withUid("gone-uid")
            .withOwnerReferences(ControllerRefs.newControllerRef(rs, "apps/v1", "ReplicaSet"))
            .endMetadata()
            .build();
    // The live pod of that name is a different one (same name, new UID), owned by us too.
    client.seed(new PodBuilder(cached).editMetadata().withUid("new-uid").endMetadata().build());
    ControllerRefManager<Pod> m =
        new ControllerRefManager<>(
            client.resources(Pod.class),
            rs,
            PRODUCTION_SELECTOR,
            "apps/v1",
            "ReplicaSet",
            () -> {});
    assertThat(m.claim(List.of(cached))).as("422 on release is not an error").isEmpty();
    assertThat(
            ControllerRefs.isControlledBy(
                client.stored(Pod.class, "default", "p").orElseThrow(), rs))
        .isTrue();
  }
}
