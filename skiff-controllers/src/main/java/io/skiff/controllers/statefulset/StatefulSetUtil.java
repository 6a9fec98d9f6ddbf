package io.skiff.controllers.statefulset;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimVolumeSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.skiff.client.KubeObjects;
import io.skiff.controllers.history.Revisions;
import io.skiff.controllers.runtime.ControllerRefs;
import io.skiff.controllers.runtime.PodControl;
import io.skiff.controllers.runtime.PodUtil;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pure parts of upstream's {@code stateful_set_utils.go}: pod identity (ordinal names, labels,
 * hostname), storage (claims from {@code volumeClaimTemplates}), revisions of pods, pod states and
 * the status arithmetic.
 */
public final class StatefulSetUtil {

  public static final String API_VERSION = "apps/v1";
  public static final String KIND = "StatefulSet";

  /** The pod label naming the revision a pod was made from (the full revision name). */
  public static final String REVISION_LABEL = "controller-revision-hash";

  /** The pod label holding the pod's own name, so a Service can select one pod. */
  public static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";

  /** The pod label holding the pod's ordinal (PodIndexLabel, beta and on since 1.28). */
  public static final String POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";

  public static final String RETAIN = "Retain";
  public static final String DELETE = "Delete";

  private static final Pattern POD_NAME = Pattern.compile("(.*)-([0-9]+)$");

  private StatefulSetUtil() {}

  // ---- identity ----

  /** The name and ordinal of a pod name {@code <parent>-<ordinal>}; ordinal -1 when it is not. */
  record ParentAndOrdinal(String parent, int ordinal) {}

  static ParentAndOrdinal parentAndOrdinal(Pod pod) {
    String name = pod.getMetadata().getName();
    Matcher m = POD_NAME.matcher(name == null ? "" : name);
    if (!m.matches()) {
      return new ParentAndOrdinal("", -1);
    }
    int ordinal;
    try {
      // Go's ParseInt(s, 10, 32): anything beyond int32 does not parse.
      ordinal = Integer.parseInt(m.group(2));
    } catch (NumberFormatException e) {
      ordinal = -1;
    }
    return new ParentAndOrdinal(m.group(1), ordinal);
  }

  public static int ordinal(Pod pod) {
    return parentAndOrdinal(pod).ordinal();
  }

  /** Whether the pod's name makes it one of the set's pods (upstream's isMemberOf). */
  public static boolean isMemberOf(StatefulSet set, Pod pod) {
    return parentAndOrdinal(pod).parent().equals(set.getMetadata().getName());
  }

  public static String podName(StatefulSet set, int ordinal) {
    return set.getMetadata().getName() + "-" + ordinal;
  }

  public static int replicas(StatefulSet set) {
    Integer r = set.getSpec().getReplicas();
    return r == null ? 1 : r;
  }

  /** {@code spec.ordinals.start} (StatefulSetStartOrdinal, beta and on since 1.27), else 0. */
  public static int startOrdinal(StatefulSet set) {
    var o = set.getSpec().getOrdinals();
    return o == null || o.getStart() == null ? 0 : o.getStart();
  }

  public static int endOrdinal(StatefulSet set) {
    return startOrdinal(set) + replicas(set) - 1;
  }

  public static boolean podInOrdinalRange(Pod pod, StatefulSet set) {
    int ord = ordinal(pod);
    return ord >= startOrdinal(set) && ord <= endOrdinal(set);
  }

  public static int minReadySeconds(StatefulSet set) {
    Integer m = set.getSpec().getMinReadySeconds();
    return m == null ? 0 : m;
  }

  public static boolean allowsBurst(StatefulSet set) {
    return "Parallel".equals(set.getSpec().getPodManagementPolicy());
  }

  static String updateStrategyType(StatefulSet set) {
    return set.getSpec().getUpdateStrategy() == null
        ? "RollingUpdate"
        : Objects.requireNonNullElse(set.getSpec().getUpdateStrategy().getType(), "RollingUpdate");
  }

  /** The rolling update's partition, or null when the strategy has no {@code rollingUpdate}. */
  static Integer partition(StatefulSet set) {
    var us = set.getSpec().getUpdateStrategy();
    if (us == null || us.getRollingUpdate() == null) {
      return null;
    }
    Integer p = us.getRollingUpdate().getPartition();
    return p == null ? 0 : p;
  }

  /** Name, namespace, pod-name and pod-index labels as the pod's ordinal makes them. */
  static void updateIdentity(StatefulSet set, Pod pod) {
    int ordinal = ordinal(pod);
    pod.getMetadata().setName(podName(set, ordinal));
    pod.getMetadata().setNamespace(set.getMetadata().getNamespace());
    Map<String, String> labels =
        pod.getMetadata().getLabels() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(pod.getMetadata().getLabels());
    labels.put(POD_NAME_LABEL, pod.getMetadata().getName());
    labels.put(POD_INDEX_LABEL, Integer.toString(ordinal));
    pod.getMetadata().setLabels(labels);
  }

  static boolean identityMatches(StatefulSet set, Pod pod) {
    ParentAndOrdinal po = parentAndOrdinal(pod);
    Map<String, String> labels = pod.getMetadata().getLabels();
    return po.ordinal() >= 0
        && set.getMetadata().getName().equals(po.parent())
        && pod.getMetadata().getName().equals(podName(set, po.ordinal()))
        && Objects.equals(pod.getMetadata().getNamespace(), set.getMetadata().getNamespace())
        && labels != null
        && pod.getMetadata().getName().equals(labels.get(POD_NAME_LABEL));
  }

  // ---- storage ----

  static String claimName(StatefulSet set, PersistentVolumeClaim template, int ordinal) {
    return template.getMetadata().getName() + "-" + set.getMetadata().getName() + "-" + ordinal;
  }

  /**
   * The claims of the pod's ordinal by template name, in template order: named {@code
   * <claim>-<set>-<ordinal>}, labelled with the template's labels and the set's matchLabels.
   */
  static Map<String, PersistentVolumeClaim> claims(StatefulSet set, Pod pod) {
    int ordinal = ordinal(pod);
    Map<String, PersistentVolumeClaim> out = new LinkedHashMap<>();
    List<PersistentVolumeClaim> templates = set.getSpec().getVolumeClaimTemplates();
    if (templates == null) {
      return out;
    }
    Map<String, String> matchLabels =
        set.getSpec().getSelector() == null || set.getSpec().getSelector().getMatchLabels() == null
            ? Map.of()
            : set.getSpec().getSelector().getMatchLabels();
    for (PersistentVolumeClaim template : templates) {
      PersistentVolumeClaim claim = KubeObjects.deepCopy(template);
      if (claim.getMetadata() == null) {
        claim.setMetadata(new ObjectMeta());
      }
      claim.getMetadata().setName(claimName(set, template, ordinal));
      claim.getMetadata().setNamespace(set.getMetadata().getNamespace());
      Map<String, String> labels = new LinkedHashMap<>();
      if (claim.getMetadata().getLabels() != null) {
        labels.putAll(claim.getMetadata().getLabels());
      }
      labels.putAll(matchLabels);
      claim.getMetadata().setLabels(labels);
      claim.setStatus(null);
      out.put(template.getMetadata().getName(), claim);
    }
    return out;
  }

  /** Points the pod's volumes named after claim templates at the ordinal's claims. */
  static void updateStorage(StatefulSet set, Pod pod) {
    Map<String, PersistentVolumeClaim> claims = claims(set, pod);
    List<Volume> current =
        pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
    List<Volume> volumes = new ArrayList<>();
    claims.forEach(
        (name, claim) -> {
          Volume v = new Volume();
          v.setName(name);
          v.setPersistentVolumeClaim(
              new PersistentVolumeClaimVolumeSource(claim.getMetadata().getName(), false));
          volumes.add(v);
        });
    for (Volume v : current) {
      if (!claims.containsKey(v.getName())) {
        volumes.add(v);
      }
    }
    pod.getSpec().setVolumes(volumes);
  }

  static boolean storageMatches(StatefulSet set, Pod pod) {
    int ordinal = ordinal(pod);
    if (ordinal < 0) {
      return false;
    }
    List<PersistentVolumeClaim> templates = set.getSpec().getVolumeClaimTemplates();
    if (templates == null || templates.isEmpty()) {
      return true;
    }
    Map<String, Volume> volumes = new LinkedHashMap<>();
    if (pod.getSpec().getVolumes() != null) {
      for (Volume v : pod.getSpec().getVolumes()) {
        volumes.put(v.getName(), v);
      }
    }
    for (PersistentVolumeClaim t : templates) {
      Volume v = volumes.get(t.getMetadata().getName());
      if (v == null
          || v.getPersistentVolumeClaim() == null
          || !claimName(set, t, ordinal).equals(v.getPersistentVolumeClaim().getClaimName())) {
        return false;
      }
    }
    return true;
  }

  // ---- claim retention (StatefulSetAutoDeletePVC, beta and on since 1.27) ----

  static StatefulSetPersistentVolumeClaimRetentionPolicy retentionPolicy(StatefulSet set) {
    var p = set.getSpec().getPersistentVolumeClaimRetentionPolicy();
    String whenDeleted = p == null || p.getWhenDeleted() == null ? RETAIN : p.getWhenDeleted();
    String whenScaled = p == null || p.getWhenScaled() == null ? RETAIN : p.getWhenScaled();
    // An unknown policy is treated as Retain.
    return new StatefulSetPersistentVolumeClaimRetentionPolicy(
        DELETE.equals(whenDeleted) ? DELETE : RETAIN, DELETE.equals(whenScaled) ? DELETE : RETAIN);
  }

  static boolean hasOwnerRef(HasMetadata target, HasMetadata owner) {
    List<OwnerReference> refs = target.getMetadata().getOwnerReferences();
    return refs != null
        && refs.stream().anyMatch(r -> Objects.equals(r.getUid(), owner.getMetadata().getUid()));
  }

  /** A reference to an owner of the same name but another UID: the claim of a previous pod. */
  static boolean hasStaleOwnerRef(HasMetadata target, HasMetadata owner) {
    List<OwnerReference> refs = target.getMetadata().getOwnerReferences();
    return refs != null
        && refs.stream()
            .anyMatch(
                r ->
                    Objects.equals(r.getName(), owner.getMetadata().getName())
                        && !Objects.equals(r.getUid(), owner.getMetadata().getUid()));
  }

  /** Whether the claim's owner references are what the set's retention policy asks. */
  static boolean claimOwnerMatchesSetAndPod(PersistentVolumeClaim claim, StatefulSet set, Pod pod) {
    var policy = retentionPolicy(set);
    boolean scaledDelete = DELETE.equals(policy.getWhenScaled());
    boolean deletedDelete = DELETE.equals(policy.getWhenDeleted());
    boolean podScaledDown = !podInOrdinalRange(pod, set);
    if (!scaledDelete && !deletedDelete) {
      return !hasOwnerRef(claim, set) && !hasOwnerRef(claim, pod);
    }
    if (!scaledDelete) {
      return hasOwnerRef(claim, set) && !hasOwnerRef(claim, pod);
    }
    if (!deletedDelete) {
      return !hasOwnerRef(claim, set) && podScaledDown == hasOwnerRef(claim, pod);
    }
    return podScaledDown != hasOwnerRef(claim, set) && podScaledDown == hasOwnerRef(claim, pod);
  }

  /**
   * Sets or removes the claim's owner references to the set and the pod as the retention policy
   * asks: the set owns claims to delete with it, a scaled-down pod owns claims to delete with it.
   *
   * @return whether the claim changed
   */
  static boolean updateClaimOwnerRefForSetAndPod(
      PersistentVolumeClaim claim, StatefulSet set, Pod pod) {
    var policy = retentionPolicy(set);
    boolean scaledDelete = DELETE.equals(policy.getWhenScaled());
    boolean deletedDelete = DELETE.equals(policy.getWhenDeleted());
    boolean podScaledDown = !podInOrdinalRange(pod, set);
    boolean wantSet = deletedDelete && !(scaledDelete && podScaledDown);
    boolean wantPod = scaledDelete && podScaledDown;
    boolean changed = false;
    changed |= wantSet ? setOwnerRef(claim, set, API_VERSION, KIND) : removeOwnerRef(claim, set);
    changed |= wantPod ? setOwnerRef(claim, pod, "v1", "Pod") : removeOwnerRef(claim, pod);
    return changed;
  }

  private static boolean setOwnerRef(
      HasMetadata target, HasMetadata owner, String apiVersion, String kind) {
    if (hasOwnerRef(target, owner)) {
      return false;
    }
    List<OwnerReference> refs =
        target.getMetadata().getOwnerReferences() == null
            ? new ArrayList<>()
            : new ArrayList<>(target.getMetadata().getOwnerReferences());
    refs.add(
        new OwnerReferenceBuilder()
            .withApiVersion(apiVersion)
            .withKind(kind)
            .withName(owner.getMetadata().getName())
            .withUid(owner.getMetadata().getUid())
            .build());
    target.getMetadata().setOwnerReferences(refs);
    return true;
  }

  private static boolean removeOwnerRef(HasMetadata target, HasMetadata owner) {
    if (!hasOwnerRef(target, owner)) {
      return false;
    }
    List<OwnerReference> refs = new ArrayList<>();
    for (OwnerReference r : target.getMetadata().getOwnerReferences()) {
      if (!Objects.equals(r.getUid(), owner.getMetadata().getUid())) {
        refs.add(r);
      }
    }
    target.getMetadata().setOwnerReferences(refs);
    return true;
  }

  // ---- pods and revisions ----

  /** A new pod of the set for {@code ordinal}: identity, hostname/subdomain and storage. */
  static Pod newStatefulSetPod(StatefulSet set, int ordinal) {
    PodTemplateSpec template = set.getSpec().getTemplate();
    Pod pod =
        PodControl.podFromTemplate(
            template, set, ControllerRefs.newControllerRef(set, API_VERSION, KIND));
    pod.getMetadata().setName(podName(set, ordinal));
    updateIdentity(set, pod);
    pod.getSpec().setHostname(pod.getMetadata().getName());
    pod.getSpec().setSubdomain(set.getSpec().getServiceName());
    updateStorage(set, pod);
    return pod;
  }

  /**
   * A new pod for {@code ordinal} at the revision it should have: ordinals below the partition (or,
   * without a {@code rollingUpdate}, below {@code currentReplicas}) keep the current revision,
   * others get the update revision. The condition keeps upstream's operator precedence.
   */
  static Pod newVersionedStatefulSetPod(
      StatefulSet currentSet,
      StatefulSet updateSet,
      String currentRevision,
      String updateRevision,
      int ordinal) {
    Integer partition = partition(currentSet);
    int currentReplicas =
        currentSet.getStatus() == null || currentSet.getStatus().getCurrentReplicas() == null
            ? 0
            : currentSet.getStatus().getCurrentReplicas();
    int start = startOrdinal(currentSet);
    boolean current =
        ("RollingUpdate".equals(updateStrategyType(currentSet))
                && partition == null
                && ordinal < start + currentReplicas)
            || (partition != null && ordinal < start + partition);
    Pod pod = newStatefulSetPod(current ? currentSet : updateSet, ordinal);
    setPodRevision(pod, current ? currentRevision : updateRevision);
    return pod;
  }

  static String podRevision(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels == null ? "" : Objects.requireNonNullElse(labels.get(REVISION_LABEL), "");
  }

  static void setPodRevision(Pod pod, String revision) {
    Map<String, String> labels =
        pod.getMetadata().getLabels() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(pod.getMetadata().getLabels());
    labels.put(REVISION_LABEL, revision);
    pod.getMetadata().setLabels(labels);
  }

  /** The set as {@code revision} had it: a copy with the revision's template. */
  static StatefulSet applyRevision(StatefulSet set, ControllerRevision revision) {
    StatefulSet clone = KubeObjects.deepCopy(set);
    PodTemplateSpec template = Revisions.template(revision);
    if (template != null) {
      clone.getSpec().setTemplate(template);
    }
    return clone;
  }

  static ControllerRevision newRevision(StatefulSet set, long revision, int collisionCount) {
    ControllerRevision cr =
        Revisions.newControllerRevision(
            set, API_VERSION, KIND, set.getSpec().getTemplate(), revision, collisionCount);
    if (set.getMetadata().getAnnotations() != null) {
      cr.getMetadata().setAnnotations(new LinkedHashMap<>(set.getMetadata().getAnnotations()));
    }
    return cr;
  }

  // ---- pod states ----

  static boolean isCreated(Pod pod) {
    return !PodUtil.phase(pod).isEmpty();
  }

  static boolean isPending(Pod pod) {
    return PodUtil.PHASE_PENDING.equals(PodUtil.phase(pod));
  }

  static boolean isFailed(Pod pod) {
    return PodUtil.PHASE_FAILED.equals(PodUtil.phase(pod));
  }

  static boolean isSucceeded(Pod pod) {
    return PodUtil.PHASE_SUCCEEDED.equals(PodUtil.phase(pod));
  }

  static boolean isTerminating(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() != null;
  }

  static boolean isRunningAndReady(Pod pod) {
    return PodUtil.PHASE_RUNNING.equals(PodUtil.phase(pod)) && PodUtil.isPodReady(pod);
  }

  static boolean isRunningAndAvailable(Pod pod, int minReadySeconds, Instant now) {
    return PodUtil.isPodAvailable(pod, minReadySeconds, now);
  }

  static boolean isHealthy(Pod pod) {
    return isRunningAndReady(pod) && !isTerminating(pod);
  }

  // ---- status ----

  /**
   * Recounts replicas, ready, available, current and updated over the pods of {@code lists} (pods
   * not yet created count for nothing).
   */
  @SafeVarargs
  static void updateStatus(
      StatefulSetStatus status,
      int minReadySeconds,
      String currentRevision,
      String updateRevision,
      Instant now,
      List<Pod>... lists) {
    int replicas = 0;
    int ready = 0;
    int available = 0;
    int current = 0;
    int updated = 0;
    for (List<Pod> list : lists) {
      for (Pod pod : list) {
        if (isCreated(pod)) {
          replicas++;
        }
        if (isRunningAndReady(pod)) {
          ready++;
          if (isRunningAndAvailable(pod, minReadySeconds, now)) {
            available++;
          }
        }
        if (isCreated(pod) && !isTerminating(pod)) {
          String rev = podRevision(pod);
          if (rev.equals(currentRevision)) {
            current++;
          }
          if (rev.equals(updateRevision)) {
            updated++;
          }
        }
      }
    }
    status.setReplicas(replicas);
    status.setReadyReplicas(ready);
    status.setAvailableReplicas(available);
    status.setCurrentReplicas(current);
    status.setUpdatedReplicas(updated);
  }

  /** A finished rolling update makes the update revision current. */
  static void completeRollingUpdate(StatefulSet set, StatefulSetStatus status) {
    if ("RollingUpdate".equals(updateStrategyType(set))
        && Objects.equals(status.getUpdatedReplicas(), status.getReplicas())
        && Objects.equals(status.getReadyReplicas(), status.getReplicas())) {
      status.setCurrentReplicas(status.getUpdatedReplicas());
      status.setCurrentRevision(status.getUpdateRevision());
    }
  }

  /** Whether {@code status} differs from the set's in what upstream writes status for. */
  static boolean inconsistentStatus(StatefulSet set, StatefulSetStatus status) {
    StatefulSetStatus old = set.getStatus() == null ? new StatefulSetStatus() : set.getStatus();
    return value(status.getObservedGeneration()) > value(old.getObservedGeneration())
        || value(status.getReplicas()) != value(old.getReplicas())
        || value(status.getCurrentReplicas()) != value(old.getCurrentReplicas())
        || value(status.getReadyReplicas()) != value(old.getReadyReplicas())
        || value(status.getUpdatedReplicas()) != value(old.getUpdatedReplicas())
        || !Objects.equals(nz(status.getCurrentRevision()), nz(old.getCurrentRevision()))
        || value(status.getAvailableReplicas()) != value(old.getAvailableReplicas())
        || !Objects.equals(nz(status.getUpdateRevision()), nz(old.getUpdateRevision()));
  }

  static long value(Number n) {
    return n == null ? 0 : n.longValue();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
