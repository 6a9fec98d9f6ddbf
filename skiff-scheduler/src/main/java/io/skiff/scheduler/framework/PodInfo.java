package io.skiff.scheduler.framework;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import io.skiff.api.scheduling.NodeSelectors;
import java.util.List;
import java.util.Set;

/**
 * A pod with what the scheduler computes from it once rather than for every node: its requests,
 * parsed node constraints, tolerations, priority. Immutable; a new version of the pod gets a new
 * {@code PodInfo}. The pod itself is an informer's cached instance and is never changed.
 */
public final class PodInfo {

  /** Owners whose selectors upstream's default topology spreading spreads pods by. */
  private static final Set<String> SPREAD_OWNER_KINDS =
      Set.of("ReplicaSet", "ReplicationController", "StatefulSet");

  private final Pod pod;
  private final String key;
  private final int priority;
  private final Resource requests;
  private final Resource nonZeroRequests;
  private final NodeSelectors.Required requiredAffinity;
  private final List<NodeSelectors.WeightedTerm> preferredAffinity;
  private final List<Toleration> tolerations;
  private final String spreadOwner;

  private PodInfo(Pod pod) {
    this.pod = pod;
    this.key = key(pod);
    Integer p = pod.getSpec() == null ? null : pod.getSpec().getPriority();
    this.priority = p == null ? 0 : p;
    this.requests = Resource.podRequests(pod, false);
    this.nonZeroRequests = Resource.podRequests(pod, true);
    this.requiredAffinity = NodeSelectors.required(pod);
    this.preferredAffinity = NodeSelectors.preferred(pod);
    List<Toleration> t = pod.getSpec() == null ? null : pod.getSpec().getTolerations();
    this.tolerations = t == null ? List.of() : List.copyOf(t);
    this.spreadOwner = spreadOwner(pod);
  }

  public static PodInfo of(Pod pod) {
    return new PodInfo(pod);
  }

  /**
   * The identity the scheduler tracks a pod by: its UID, so that a pod deleted and created again
   * under the same name is another pod; {@code namespace/name} for a pod without one.
   */
  public static String key(Pod pod) {
    String uid = pod.getMetadata().getUid();
    if (uid != null && !uid.isEmpty()) {
      return uid;
    }
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  private static String spreadOwner(Pod pod) {
    List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
    if (owners == null) {
      return null;
    }
    for (OwnerReference o : owners) {
      if (Boolean.TRUE.equals(o.getController())
          && SPREAD_OWNER_KINDS.contains(o.getKind())
          && o.getUid() != null) {
        // One instance per UID: the spreading score looks it up on every node for every pod, and
        // identical keys compare without reading their characters.
        return o.getUid().intern();
      }
    }
    return null;
  }

  public Pod pod() {
    return pod;
  }

  public String key() {
    return key;
  }

  public String namespace() {
    return pod.getMetadata().getNamespace();
  }

  public String name() {
    return pod.getMetadata().getName();
  }

  /** {@code spec.priority}, 0 when unset. */
  public int priority() {
    return priority;
  }

  /** What the pod requests, for the fit filter and the node's accounting. */
  public Resource requests() {
    return requests;
  }

  /**
   * The requests with upstream's defaults (100m CPU, 200Mi memory) for containers that state none,
   * for scoring.
   */
  public Resource nonZeroRequests() {
    return nonZeroRequests;
  }

  public NodeSelectors.Required requiredAffinity() {
    return requiredAffinity;
  }

  /** The preferred node affinity terms that count; null when the pod states none. */
  public List<NodeSelectors.WeightedTerm> preferredAffinity() {
    return preferredAffinity;
  }

  public List<Toleration> tolerations() {
    return tolerations;
  }

  /**
   * The UID of the ReplicaSet, ReplicationController or StatefulSet that controls the pod, whose
   * pods the default topology spreading spreads; null for other pods.
   */
  public String spreadOwner() {
    return spreadOwner;
  }

  /** Whether the pod is being deleted (it still holds its node's resources). */
  public boolean isTerminating() {
    return pod.getMetadata().getDeletionTimestamp() != null;
  }

  /** {@code spec.nodeName}; empty for a pending pod. */
  public String nodeName() {
    String n = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    return n == null ? "" : n;
  }

  /** {@code spec.preemptionPolicy} is {@code Never}. */
  public boolean neverPreempts() {
    return pod.getSpec() != null && "Never".equals(pod.getSpec().getPreemptionPolicy());
  }

  @Override
  public String toString() {
    return namespace() + "/" + name();
  }
}
