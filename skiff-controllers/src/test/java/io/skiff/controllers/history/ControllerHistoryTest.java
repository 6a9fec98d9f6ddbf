package io.skiff.controllers.history;

import static io.skiff.controllers.history.RevisionsTest.parent;
import static io.skiff.controllers.history.RevisionsTest.template;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.skiff.client.informer.Indexer;
import io.skiff.client.informer.Lister;
import io.skiff.clock.ManualClock;
import io.skiff.controllers.testing.FakeKubeClient;
import org.junit.jupiter.api.Test;

/** The history's writes against a fake API. */
class ControllerHistoryTest {

  private final ManualClock clock = new ManualClock();
  private final FakeKubeClient client = new FakeKubeClient(clock);
  private final Indexer<ControllerRevision> cache = new Indexer<>();
  private final ControllerHistory history =
      new ControllerHistory(client.resources(ControllerRevision.class), new Lister<>(cache));

  @Test
  void createsTheRevisionUnderItsHashName() {
    ControllerRevision cr =
        Revisions.newControllerRevision(parent(), "apps/v1", "StatefulSet", template("a"), 1, 0);

    ControllerHistory.Created created = history.create(parent(), cr, 0);

    assertThat(created.collisionCount()).isZero();
    assertThat(created.revision().getMetadata().getName()).isEqualTo(cr.getMetadata().getName());
    assertThat(client.actions("create", "controllerrevisions")).hasSize(1);
  }

  @Test
  void anEqualRevisionOfTheSameNameIsReused() {
    ControllerRevision cr =
        Revisions.newControllerRevision(parent(), "apps/v1", "StatefulSet", template("a"), 1, 0);
    ControllerRevision existing = client.seed(cr);

    ControllerHistory.Created created = history.create(parent(), cr, 0);

    assertThat(created.revision().getMetadata().getUid())
        .isEqualTo(existing.getMetadata().getUid());
    assertThat(created.collisionCount()).isZero();
  }

  @Test
  void aHashCollisionRaisesTheCollisionCountAndTakesTheNextName() {
    ControllerRevision wanted =
        Revisions.newControllerRevision(parent(), "apps/v1", "StatefulSet", template("a"), 1, 0);
    // Another template stored under the name the wanted one hashes to.
    ControllerRevision squatter =
        Revisions.newControllerRevision(parent(), "apps/v1", "StatefulSet", template("b"), 1, 0);
    squatter.getMetadata().setName(wanted.getMetadata().getName());
    client.seed(squatter);

    ControllerHistory.Created created = history.create(parent(), wanted, 0);

    assertThat(created.collisionCount()).isEqualTo(1);
    assertThat(created.revision().getMetadata().getName())
        .isEqualTo("web-" + Revisions.hash(Revisions.raw(template("a")), 1));
    assertThat(Revisions.template(created.revision())).isEqualTo(template("a"));
  }

  @Test
  void updateRevisionRenumbersAfterAConflictWithAFreshRead() {
    ControllerRevision stored =
        client.seed(
            Revisions.newControllerRevision(
                parent(), "apps/v1", "StatefulSet", template("a"), 1, 0));
    ControllerRevision stale = io.skiff.client.KubeObjects.deepCopy(stored);
    // Someone else writes it first: our copy's resourceVersion is stale.
    ControllerRevision other = io.skiff.client.KubeObjects.deepCopy(stored);
    other.getMetadata().setAnnotations(java.util.Map.of("x", "y"));
    client.resources(ControllerRevision.class).update(other);

    ControllerRevision updated = history.updateRevision(stale, 5);

    assertThat(updated.getRevision()).isEqualTo(5L);
    assertThat(updated.getMetadata().getAnnotations()).containsEntry("x", "y");
  }

  @Test
  void deletingARevisionThatIsGoneIsFine() {
    ControllerRevision cr =
        Revisions.newControllerRevision(parent(), "apps/v1", "StatefulSet", template("a"), 1, 0);
    history.delete(cr);
    assertThat(client.actions("delete", "controllerrevisions")).hasSize(1);
    ControllerRevision stored = client.seed(cr);
    history.delete(stored);
    assertThat(client.stored(ControllerRevision.class)).isEmpty();
  }
}
