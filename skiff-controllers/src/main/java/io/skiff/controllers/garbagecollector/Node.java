package io.skiff.controllers.garbagecollector;

import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * One object in the ownership graph (upstream's {@code node}): its identity, the owner references
 * it carries and the objects that name it as their owner. A <em>virtual</em> node stands for an
 * owner only known from its dependents' references, until an informer shows the object itself or
 * the collector confirms it does not exist.
 *
 * <p>Only the graph builder's thread changes owners, identity and dependents; workers read them.
 * Nodes are compared by identity (as upstream compares pointers), which the work queues rely on.
 */
final class Node {

  private volatile ObjectIdentity identity;
  private volatile List<OwnerReference> owners;
  private final Set<Node> dependents = Collections.newSetFromMap(new IdentityHashMap<>());
  private volatile boolean beingDeleted;
  private volatile boolean deletingDependents;
  private volatile boolean virtual;

  private Node(ObjectIdentity identity, List<OwnerReference> owners, boolean virtual) {
    this.identity = identity;
    this.owners = List.copyOf(owners);
    this.virtual = virtual;
  }

  /** A node for an object an informer showed. */
  static Node observed(
      ObjectIdentity identity,
      List<OwnerReference> owners,
      boolean beingDeleted,
      boolean deletingDependents) {
    Node n = new Node(identity, owners, false);
    n.beingDeleted = beingDeleted;
    n.deletingDependents = deletingDependents;
    return n;
  }

  /** A node for an owner only known from a dependent's reference. */
  static Node virtual(ObjectIdentity identity) {
    return new Node(identity, List.of(), true);
  }

  ObjectIdentity identity() {
    return identity;
  }

  void identity(ObjectIdentity observed) {
    this.identity = observed;
  }

  List<OwnerReference> owners() {
    return owners;
  }

  void owners(List<OwnerReference> refs) {
    this.owners = List.copyOf(refs);
  }

  boolean isObserved() {
    return !virtual;
  }

  void markObserved() {
    virtual = false;
  }

  boolean isBeingDeleted() {
    return beingDeleted;
  }

  void markBeingDeleted() {
    beingDeleted = true;
  }

  /** Being deleted with the {@code foregroundDeletion} finalizer: waiting for its dependents. */
  boolean isDeletingDependents() {
    return deletingDependents;
  }

  void markDeletingDependents() {
    deletingDependents = true;
  }

  synchronized void addDependent(Node dependent) {
    dependents.add(dependent);
  }

  synchronized void removeDependent(Node dependent) {
    dependents.remove(dependent);
  }

  synchronized List<Node> dependents() {
    return new ArrayList<>(dependents);
  }

  synchronized int dependentsCount() {
    return dependents.size();
  }

  /**
   * The dependents whose reference to this node has {@code blockOwnerDeletion: true}: those a
   * foreground deletion of this node waits for.
   */
  List<Node> blockingDependents() {
    List<Node> blocking = new ArrayList<>();
    for (Node dep : dependents()) {
      for (OwnerReference ref : dep.owners()) {
        if (identity.uid().equals(ref.getUid())
            && Boolean.TRUE.equals(ref.getBlockOwnerDeletion())) {
          blocking.add(dep);
        }
      }
    }
    return blocking;
  }

  /**
   * Splits the dependents by whether every reference they hold to this node's uid names it with
   * {@code owner}'s coordinates (and, for a namespaced owner, comes from its namespace).
   *
   * @return the matching dependents, then the others
   */
  List<List<Node>> dependentsMatching(ObjectIdentity owner) {
    List<Node> matching = new ArrayList<>();
    List<Node> nonMatching = new ArrayList<>();
    for (Node dep : dependents()) {
      boolean matches = true;
      for (OwnerReference ref : dep.owners()) {
        if (owner.uid().equals(ref.getUid())
            && (!owner.matchesCoordinates(ref)
                || (!owner.namespace().isEmpty()
                    && !owner.namespace().equals(dep.identity().namespace())))) {
          matches = false;
          break;
        }
      }
      (matches ? matching : nonMatching).add(dep);
    }
    return List.of(matching, nonMatching);
  }

  @Override
  public String toString() {
    return identity.toString();
  }
}
