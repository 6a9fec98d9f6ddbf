package io.skiff.controllers.history;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.skiff.api.errors.StatusError;
import io.skiff.api.selector.LabelSelector;
import io.skiff.client.KubeObjects;
import io.skiff.client.Resources;
import io.skiff.client.informer.Lister;
import io.skiff.controllers.runtime.ControllerRefs;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The ControllerRevisions of a controller, read from the informer cache and written through the
 * client: upstream's {@code history.Interface} ({@code realHistory}).
 */
public final class ControllerHistory {

  /** How often a revision bump is retried after a conflict, re-reading each time. */
  static final int UPDATE_RETRIES = 5;

  private final Resources<ControllerRevision> revisions;
  private final Lister<ControllerRevision> lister;

  public ControllerHistory(
      Resources<ControllerRevision> revisions, Lister<ControllerRevision> lister) {
    this.revisions = revisions;
    this.lister = lister;
  }

  /**
   * The cached revisions of {@code parent}'s namespace that {@code selector} selects and that are
   * either controlled by {@code parent} or orphans (unsorted).
   */
  public List<ControllerRevision> list(HasMetadata parent, LabelSelector selector) {
    List<ControllerRevision> owned = new ArrayList<>();
    for (ControllerRevision r : lister.list(parent.getMetadata().getNamespace(), selector)) {
      Optional<OwnerReference> ref = ControllerRefs.controllerOf(r);
      if (ref.isEmpty() || Objects.equals(ref.get().getUid(), parent.getMetadata().getUid())) {
        owned.add(r);
      }
    }
    return owned;
  }

  /**
   * What {@link #create} made or found.
   *
   * @param revision the stored revision
   * @param collisionCount the collision count after the name collisions met on the way
   */
  public record Created(ControllerRevision revision, int collisionCount) {}

  /**
   * Creates {@code revision} under {@code <parent>-<hash>}, the hash probed with the collision
   * count. A revision of that name with equal data is reused; one with other data is a hash
   * collision: the count goes up and the next name is tried.
   */
  public Created create(HasMetadata parent, ControllerRevision revision, int collisionCount) {
    String raw = Revisions.raw(revision);
    int count = collisionCount;
    while (true) {
      ControllerRevision clone = KubeObjects.deepCopy(revision);
      clone
          .getMetadata()
          .setName(
              Revisions.revisionName(parent.getMetadata().getName(), Revisions.hash(raw, count)));
      try {
        return new Created(revisions.create(clone), count);
      } catch (StatusError e) {
        if (e.code() != 409 || !"AlreadyExists".equals(e.reason())) {
          throw e;
        }
        Optional<ControllerRevision> existing =
            revisions.get(clone.getMetadata().getNamespace(), clone.getMetadata().getName());
        if (existing.isEmpty()) {
          // Deleted in between: the next round creates it.
          continue;
        }
        if (Revisions.raw(existing.get()).equals(raw)) {
          return new Created(existing.get(), count);
        }
        count++;
      }
    }
  }

  /**
   * Sets {@code revision}'s number to {@code newRevision} (a rollback to it makes it the latest),
   * re-reading and retrying after conflicts.
   */
  public ControllerRevision updateRevision(ControllerRevision revision, long newRevision) {
    ControllerRevision current = KubeObjects.deepCopy(revision);
    for (int attempt = 0; ; attempt++) {
      if (Revisions.revisionOf(current) == newRevision) {
        return current;
      }
      current.setRevision(newRevision);
      try {
        return revisions.update(current);
      } catch (StatusError e) {
        if (e.code() != 409 || attempt >= UPDATE_RETRIES) {
          throw e;
        }
        current =
            revisions
                .get(revision.getMetadata().getNamespace(), revision.getMetadata().getName())
                .orElseThrow(() -> e);
      }
    }
  }

  /** Deletes the revision; one already gone is fine. */
  public void delete(ControllerRevision revision) {
    try {
      revisions.delete(
          revision.getMetadata().getNamespace(), revision.getMetadata().getName(), null);
    } catch (StatusError e) {
      if (e.code() != 404) {
        throw e;
      }
    }
  }
}
