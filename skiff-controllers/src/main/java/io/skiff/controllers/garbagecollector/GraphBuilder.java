package io.skiff.controllers.garbagecollector;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.skiff.client.workqueue.WorkQueue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Keeps the ownership graph (uid → {@link Node}) current from the informers' events and decides
 * which nodes the collector must look at (upstream's GraphBuilder): dependents of a deleted owner,
 * owners that start waiting for their dependents (foreground) or for their dependents to be
 * released (orphan), owners a dependent stopped blocking, owners no informer has shown yet.
 *
 * <p>Events are queued by the informers' threads and applied one at a time by a single thread
 * ({@link #processNext} or {@link #processPending}), the only one that changes the graph.
 */
final class GraphBuilder {

  private static final System.Logger log = System.getLogger(GraphBuilder.class.getName());

  static final String ORPHAN = "orphan";
  static final String FOREGROUND = "foregroundDeletion";

  enum EventType {
    ADD,
    UPDATE,
    DELETE
  }

  /**
   * One change of the graph's input.
   *
   * @param object the object as the informer delivered it; null for a virtual event
   * @param oldObject its previous state for an update, else null
   * @param virtual a deletion the collector inferred (a GET found nothing), not an informer's
   */
  record Event(
      EventType type,
      ObjectIdentity identity,
      HasMetadata object,
      HasMetadata oldObject,
      boolean virtual) {}

  private final Map<String, Node> uidToNode = new ConcurrentHashMap<>();
  private final BlockingQueue<Event> graphChanges = new LinkedBlockingQueue<>();
  private final WorkQueue<Node> attemptToDelete;
  private final WorkQueue<Node> attemptToOrphan;
  private final AbsentOwnerCache absentOwners;

  GraphBuilder(
      WorkQueue<Node> attemptToDelete,
      WorkQueue<Node> attemptToOrphan,
      AbsentOwnerCache absentOwners) {
    this.attemptToDelete = attemptToDelete;
    this.attemptToOrphan = attemptToOrphan;
    this.absentOwners = absentOwners;
  }

  void enqueue(Event e) {
    graphChanges.add(e);
  }

  /** Records that the collector found no object for {@code identity}. */
  void enqueueVirtualDelete(ObjectIdentity identity) {
    graphChanges.add(new Event(EventType.DELETE, identity, null, null, true));
  }

  Optional<Node> node(String uid) {
    return Optional.ofNullable(uidToNode.get(uid));
  }

  int size() {
    return uidToNode.size();
  }

  /** Applies the next event, waiting for one. */
  void processNext() throws InterruptedException {
    process(graphChanges.take());
  }

  /** Applies every event queued so far; returns how many. */
  int processPending() {
    int n = 0;
    for (Event e; (e = graphChanges.poll()) != null; n++) {
      process(e);
    }
    return n;
  }

  private void process(Event event) {
    try {
      apply(event);
    } catch (RuntimeException e) {
      // One malformed object must not stop the graph from following the others.
      log.log(System.Logger.Level.WARNING, "cannot apply " + event.type() + " of " + event, e);
    }
  }

  private void apply(Event event) {
    ObjectIdentity id = event.identity();
    Node existing = uidToNode.get(id.uid());
    if (existing != null && !event.virtual() && !existing.isObserved()) {
      // The first informer event of an owner so far known only from references.
      if (!existing.identity().equals(id)) {
        // Dependents that named it otherwise (another kind, name or namespace) are checked
        // again; the collector removes references that turn out not to resolve.
        existing.dependentsMatching(id).get(1).forEach(attemptToDelete::add);
        existing.identity(id);
      }
      existing.markObserved();
    }
    switch (event.type()) {
      case ADD, UPDATE -> {
        ObjectMeta meta = event.object().getMetadata();
        List<OwnerReference> owners = ownerReferences(meta);
        if (existing == null) {
          Node n =
              Node.observed(
                  id, owners, beingDeleted(meta), beingDeleted(meta) && has(meta, FOREGROUND));
          uidToNode.put(id.uid(), n);
          addDependentToOwners(n, owners);
          processTransitions(event.oldObject(), meta, n);
        } else {
          updateOwners(existing, owners);
          if (beingDeleted(meta)) {
            existing.markBeingDeleted();
          }
          processTransitions(event.oldObject(), meta, existing);
        }
      }
      case DELETE -> {
        if (existing != null) {
          delete(event, existing);
        }
      }
    }
  }

  private void updateOwners(Node n, List<OwnerReference> owners) {
    Map<String, OwnerReference> old = byUid(n.owners());
    Map<String, OwnerReference> now = byUid(owners);
    List<OwnerReference> added = new ArrayList<>();
    List<OwnerReference> removed = new ArrayList<>();
    List<OwnerReference[]> changed = new ArrayList<>();
    for (OwnerReference ref : now.values()) {
      OwnerReference before = old.get(ref.getUid());
      if (before == null) {
        added.add(ref);
      } else if (!before.equals(ref)) {
        changed.add(new OwnerReference[] {before, ref});
      }
    }
    for (OwnerReference ref : old.values()) {
      if (!now.containsKey(ref.getUid())) {
        removed.add(ref);
      }
    }
    if (added.isEmpty() && removed.isEmpty() && changed.isEmpty()) {
      return;
    }
    // An owner waiting in the foreground for this dependent may be free to go now.
    for (OwnerReference ref : removed) {
      if (Boolean.TRUE.equals(ref.getBlockOwnerDeletion())) {
        node(ref.getUid()).ifPresent(attemptToDelete::add);
      }
    }
    for (OwnerReference[] c : changed) {
      if (Boolean.TRUE.equals(c[0].getBlockOwnerDeletion())
          && !Boolean.TRUE.equals(c[1].getBlockOwnerDeletion())) {
        node(c[1].getUid()).ifPresent(attemptToDelete::add);
      }
    }
    n.owners(owners);
    addDependentToOwners(n, added);
    for (OwnerReference ref : removed) {
      node(ref.getUid()).ifPresent(owner -> owner.removeDependent(n));
    }
  }

  /**
   * Links {@code n} under each of {@code owners}, making virtual nodes for owners not seen yet
   * (which the collector then looks up), and has {@code n} checked when a reference does not match
   * the owner the graph knows.
   */
  private void addDependentToOwners(Node n, List<OwnerReference> owners) {
    boolean suspicious = false;
    for (OwnerReference ref : owners) {
      Node owner = uidToNode.get(ref.getUid());
      boolean known = owner != null;
      if (!known) {
        owner = Node.virtual(ObjectIdentity.of(ref, n.identity().namespace()));
        uidToNode.put(ref.getUid(), owner);
      }
      owner.addDependent(n);
      if (!known) {
        attemptToDelete.add(owner);
        continue;
      }
      if (suspicious) {
        continue;
      }
      ObjectIdentity o = owner.identity();
      boolean ownerNamespaced = !o.namespace().isEmpty();
      if (ownerNamespaced && !o.namespace().equals(n.identity().namespace())) {
        suspicious = true;
      } else if (!o.matchesCoordinates(ref)) {
        suspicious = true;
      } else if (!ownerNamespaced
          && !o.namespace().equals(n.identity().namespace())
          && !owner.isObserved()) {
        // A virtual cluster-scoped owner named from another namespace may be a namespaced kind
        // wrongly referenced by a cluster-scoped object: the collector checks.
        suspicious = true;
      }
    }
    if (suspicious) {
      attemptToDelete.add(n);
    }
  }

  /** Queues the orphaning or foreground work an object's deletion starts. */
  private void processTransitions(HasMetadata oldObject, ObjectMeta meta, Node n) {
    if (startsDeletionWith(oldObject, meta, ORPHAN)) {
      attemptToOrphan.add(n);
      return;
    }
    if (startsDeletionWith(oldObject, meta, FOREGROUND)) {
      // A node first made virtual has not had the flag set from its object.
      n.markDeletingDependents();
      n.dependents().forEach(attemptToDelete::add);
      attemptToDelete.add(n);
    }
  }

  private void delete(Event event, Node existing) {
    boolean remove = true;
    ObjectIdentity deleted = event.identity();
    if (event.virtual()) {
      if (!existing.isObserved()) {
        List<List<Node>> split = existing.dependentsMatching(deleted);
        List<Node> matching = split.get(0);
        List<Node> nonMatching = split.get(1);
        if (!nonMatching.isEmpty()) {
          // Dependents disagree on who this owner is: only the ones that named the identity just
          // found absent lose it; the node stays for the others.
          remove = false;
          if (!matching.isEmpty()) {
            absentOwners.add(deleted);
            matching.forEach(attemptToDelete::add);
          }
          if (existing.identity().equals(deleted)) {
            ObjectIdentity alternative = alternateIdentity(nonMatching, deleted);
            if (alternative != null) {
              existing.identity(alternative);
              attemptToDelete.addRateLimited(existing);
            }
          }
        }
      } else if (!existing.identity().equals(deleted)) {
        // The object the informers show is not the one found absent; references naming the
        // absent coordinates are dangling.
        remove = false;
        List<Node> matching = existing.dependentsMatching(deleted).get(0);
        if (!matching.isEmpty()) {
          absentOwners.add(deleted);
          matching.forEach(attemptToDelete::add);
        }
      }
    }
    if (!remove) {
      return;
    }
    uidToNode.remove(existing.identity().uid());
    for (OwnerReference ref : existing.owners()) {
      node(ref.getUid()).ifPresent(owner -> owner.removeDependent(existing));
    }
    List<Node> dependents = existing.dependents();
    if (!dependents.isEmpty()) {
      absentOwners.add(deleted);
    }
    dependents.forEach(attemptToDelete::add);
    for (OwnerReference ref : existing.owners()) {
      node(ref.getUid())
          .filter(Node::isDeletingDependents)
          // The owner may have been waiting for this dependent to go.
          .ifPresent(attemptToDelete::add);
    }
  }

  /** Another identity one of {@code dependents} names the owner {@code absent} with. */
  private static ObjectIdentity alternateIdentity(List<Node> dependents, ObjectIdentity absent) {
    for (Node dep : dependents) {
      for (OwnerReference ref : dep.owners()) {
        if (absent.uid().equals(ref.getUid())) {
          ObjectIdentity candidate = ObjectIdentity.of(ref, dep.identity().namespace());
          if (!candidate.equals(absent)) {
            return candidate;
          }
        }
      }
    }
    return null;
  }

  /**
   * Whether {@code meta} is being deleted with {@code finalizer} and {@code oldObject} (null when
   * there is none) was not: the transition that starts the orphan or foreground work.
   */
  private static boolean startsDeletionWith(
      HasMetadata oldObject, ObjectMeta meta, String finalizer) {
    if (!beingDeleted(meta) || !has(meta, finalizer)) {
      return false;
    }
    if (oldObject == null) {
      return true;
    }
    ObjectMeta old = oldObject.getMetadata();
    return !beingDeleted(old) || !has(old, finalizer);
  }

  static boolean beingDeleted(ObjectMeta meta) {
    return meta.getDeletionTimestamp() != null && !meta.getDeletionTimestamp().isEmpty();
  }

  static boolean has(ObjectMeta meta, String finalizer) {
    return meta.getFinalizers() != null && meta.getFinalizers().contains(finalizer);
  }

  static List<OwnerReference> ownerReferences(ObjectMeta meta) {
    return meta.getOwnerReferences() == null ? List.of() : meta.getOwnerReferences();
  }

  private static Map<String, OwnerReference> byUid(List<OwnerReference> refs) {
    Map<String, OwnerReference> m = new LinkedHashMap<>();
    for (OwnerReference r : refs) {
      m.put(Objects.requireNonNullElse(r.getUid(), ""), r);
    }
    return m;
  }
}
