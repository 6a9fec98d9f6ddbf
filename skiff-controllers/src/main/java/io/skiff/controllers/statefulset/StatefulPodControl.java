package io.skiff.controllers.statefulset;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.skiff.api.errors.StatusError;
import io.skiff.client.KubeObjects;
import io.skiff.client.Resources;
import io.skiff.client.events.EventRecorder;
import io.skiff.client.informer.Lister;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Creates, updates and deletes a StatefulSet's pods and their claims, with upstream's events
 * ({@code StatefulPodControl}): "create Pod web-0 in StatefulSet web successful" and so on.
 */
final class StatefulPodControl {

  private static final int UPDATE_RETRIES = 5;

  private final Resources<Pod> pods;
  private final Resources<PersistentVolumeClaim> claims;
  private final Lister<PersistentVolumeClaim> claimLister;
  private final EventRecorder recorder;

  StatefulPodControl(
      Resources<Pod> pods,
      Resources<PersistentVolumeClaim> claims,
      Lister<PersistentVolumeClaim> claimLister,
      EventRecorder recorder) {
    this.pods = pods;
    this.claims = claims;
    this.claimLister = claimLister;
    this.recorder = recorder;
  }

  /** Creates the pod's missing claims, then the pod; AlreadyExists is passed on without event. */
  void createStatefulPod(StatefulSet set, Pod pod) {
    try {
      createPersistentVolumeClaims(set, pod);
    } catch (RuntimeException e) {
      recordPodEvent("create", set, pod, e);
      throw e;
    }
    Pod created;
    try {
      created = pods.create(pod);
    } catch (StatusError e) {
      if (e.code() == 409 && "AlreadyExists".equals(e.reason())) {
        throw e;
      }
      recordPodEvent("create", set, pod, e);
      throw e;
    }
    try {
      updatePodClaimForRetentionPolicy(set, created);
    } catch (RuntimeException e) {
      recordPodEvent("update", set, pod, e);
      throw e;
    }
    recordPodEvent("create", set, pod, null);
  }

  /**
   * Deletes the pod. A pod already gone is what was wanted: a cache that had not yet seen an
   * earlier deletion must not produce a {@code FailedDelete} warning, so NotFound passes quietly.
   */
  void deleteStatefulPod(StatefulSet set, Pod pod) {
    try {
      pods.delete(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), null);
    } catch (StatusError e) {
      if (e.code() == 404) {
        return;
      }
      recordPodEvent("delete", set, pod, e);
      throw e;
    } catch (RuntimeException e) {
      recordPodEvent("delete", set, pod, e);
      throw e;
    }
    recordPodEvent("delete", set, pod, null);
  }

  /**
   * Restores the pod's identity and storage (and its claims' owners) if they drifted, writing it
   * with conflicts retried against a fresh read.
   */
  void updateStatefulPod(StatefulSet set, Pod cached) {
    Pod pod = KubeObjects.deepCopy(cached);
    boolean attempted = false;
    RuntimeException failure = null;
    for (int attempt = 0; ; attempt++) {
      boolean consistent = true;
      if (!StatefulSetUtil.identityMatches(set, pod)) {
        StatefulSetUtil.updateIdentity(set, pod);
        consistent = false;
      }
      if (!StatefulSetUtil.storageMatches(set, pod)) {
        StatefulSetUtil.updateStorage(set, pod);
        consistent = false;
        createPersistentVolumeClaims(set, pod);
      }
      if (!claimsMatchRetentionPolicy(set, pod)) {
        updatePodClaimForRetentionPolicy(set, pod);
      }
      if (consistent) {
        break;
      }
      attempted = true;
      try {
        pods.update(pod);
        failure = null;
        break;
      } catch (StatusError e) {
        failure = e;
        if (e.code() != 409 || attempt >= UPDATE_RETRIES) {
          break;
        }
        Optional<Pod> fresh =
            pods.get(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        if (fresh.isEmpty()) {
          break;
        }
        pod = fresh.get();
      }
    }
    if (attempted) {
      recordPodEvent("update", set, pod, failure);
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Whether every existing claim of the pod has the owners the retention policy asks. */
  boolean claimsMatchRetentionPolicy(StatefulSet set, Pod pod) {
    for (PersistentVolumeClaim claim : StatefulSetUtil.claims(set, pod).values()) {
      Optional<PersistentVolumeClaim> current =
          claimLister.get(claim.getMetadata().getNamespace(), claim.getMetadata().getName());
      if (current.isPresent()
          && !StatefulSetUtil.claimOwnerMatchesSetAndPod(current.get(), set, pod)) {
        return false;
      }
    }
    return true;
  }

  /** Gives the pod's claims the owners the retention policy asks. */
  void updatePodClaimForRetentionPolicy(StatefulSet set, Pod pod) {
    List<String> errors = new ArrayList<>();
    for (PersistentVolumeClaim claim : StatefulSetUtil.claims(set, pod).values()) {
      Optional<PersistentVolumeClaim> current =
          claimLister.get(claim.getMetadata().getNamespace(), claim.getMetadata().getName());
      if (current.isEmpty()) {
        // Missing claims are created on the next round.
        continue;
      }
      PersistentVolumeClaim copy = KubeObjects.deepCopy(current.get());
      if (StatefulSetUtil.updateClaimOwnerRefForSetAndPod(copy, set, pod)) {
        try {
          claims.update(copy);
        } catch (StatusError e) {
          errors.add(
              "could not update claim "
                  + claim.getMetadata().getName()
                  + " for delete policy ownerRefs: "
                  + e.getMessage());
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException(String.join(", ", errors));
    }
  }

  /** Whether a claim of the pod still belongs to an earlier pod of the same name. */
  boolean podClaimIsStale(StatefulSet set, Pod pod) {
    if (StatefulSetUtil.RETAIN.equals(StatefulSetUtil.retentionPolicy(set).getWhenScaled())) {
      // Retained claims are meant to be reused, so they cannot be stale.
      return false;
    }
    for (PersistentVolumeClaim claim : StatefulSetUtil.claims(set, pod).values()) {
      Optional<PersistentVolumeClaim> current =
          claimLister.get(claim.getMetadata().getNamespace(), claim.getMetadata().getName());
      if (current.isPresent() && StatefulSetUtil.hasStaleOwnerRef(current.get(), pod)) {
        return true;
      }
    }
    return false;
  }

  /** Creates the claims of the pod that do not exist; fails if one is being deleted. */
  void createPersistentVolumeClaims(StatefulSet set, Pod pod) {
    List<String> errors = new ArrayList<>();
    for (PersistentVolumeClaim claim : StatefulSetUtil.claims(set, pod).values()) {
      String ns = claim.getMetadata().getNamespace();
      String name = claim.getMetadata().getName();
      Optional<PersistentVolumeClaim> current = claimLister.get(ns, name);
      if (current.isEmpty()) {
        try {
          claims.create(claim);
          recordClaimEvent(set, pod, claim, null);
        } catch (StatusError e) {
          errors.add("failed to create PVC " + name + ": " + e.getMessage());
          if (!(e.code() == 409 && "AlreadyExists".equals(e.reason()))) {
            recordClaimEvent(set, pod, claim, e);
          }
        }
      } else if (current.get().getMetadata().getDeletionTimestamp() != null) {
        errors.add("pvc " + name + " is being deleted");
      }
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException(
          errors.size() == 1 ? errors.getFirst() : "[" + String.join(", ", errors) + "]");
    }
  }

  private void recordPodEvent(String verb, StatefulSet set, Pod pod, Exception error) {
    String title = verb.substring(0, 1).toUpperCase(Locale.ROOT) + verb.substring(1);
    if (error == null) {
      recorder.event(
          set,
          "Normal",
          "Successful" + title,
          verb
              + " Pod "
              + pod.getMetadata().getName()
              + " in StatefulSet "
              + set.getMetadata().getName()
              + " successful");
    } else {
      recorder.event(
          set,
          "Warning",
          "Failed" + title,
          verb
              + " Pod "
              + pod.getMetadata().getName()
              + " in StatefulSet "
              + set.getMetadata().getName()
              + " failed error: "
              + error.getMessage());
    }
  }

  private void recordClaimEvent(
      StatefulSet set, Pod pod, PersistentVolumeClaim claim, Exception error) {
    if (error == null) {
      recorder.event(
          set,
          "Normal",
          "SuccessfulCreate",
          "create Claim "
              + claim.getMetadata().getName()
              + " Pod "
              + pod.getMetadata().getName()
              + " in StatefulSet "
              + set.getMetadata().getName()
              + " success");
    } else {
      recorder.event(
          set,
          "Warning",
          "FailedCreate",
          "create Claim "
              + claim.getMetadata().getName()
              + " for Pod "
              + pod.getMetadata().getName()
              + " in StatefulSet "
              + set.getMetadata().getName()
              + " failed error: "
              + error.getMessage());
    }
  }
}
