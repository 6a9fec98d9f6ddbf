package io.skiff.controllers.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The Deployment arithmetic of upstream's {@code pkg/controller/deployment/util}: fenceposts,
 * replica targets, revision annotations, template hashing and the rollout predicates, as pure
 * functions over fabric8 objects so that upstream's test tables run against them unchanged.
 */
public final class DeploymentUtil {

  public static final String REVISION = "deployment.kubernetes.io/revision";
  public static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
  public static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
  public static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
  public static final String ROLLBACK_TO = "deprecated.deployment.rollback.to";
  public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  public static final String POD_TEMPLATE_HASH = "pod-template-hash";

  /** Upstream caps the revision-history annotation at this many characters. */
  public static final int REVISION_HISTORY_LIMIT_CHARS = 2000;

  /** Progress deadline and history limit are "off" at this value. */
  public static final int MAX_INT32 = Integer.MAX_VALUE;

  private static final Set<String> SKIPPED_ANNOTATIONS =
      Set.of(LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO);

  private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

  private static final ObjectMapper CANONICAL =
      JsonMapper.builder()
          .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
          .configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
          .build();

  private DeploymentUtil() {}

  // ---- fenceposts ----

  /**
   * An int as it is, or a percentage of {@code total} rounded up or down.
   *
   * @throws IllegalArgumentException for a string that is not a percentage
   */
  public static int scaledValue(IntOrString value, int total, boolean roundUp) {
    if (value == null) {
      return 0;
    }
    if (value.getStrVal() == null) {
      return value.getIntVal() == null ? 0 : value.getIntVal();
    }
    String s = value.getStrVal();
    if (!s.endsWith("%")) {
      throw new IllegalArgumentException("invalid type: string is not a percentage");
    }
    int percent;
    try {
      percent = Integer.parseInt(s.substring(0, s.length() - 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "invalid value for IntOrString: invalid value \"" + s + "\"");
    }
    double scaled = (double) percent * total / 100;
    return (int) (roundUp ? Math.ceil(scaled) : Math.floor(scaled));
  }

  /** Surge rounded up, unavailability rounded down, and never both zero. */
  public static Fenceposts resolveFenceposts(
      IntOrString maxSurge, IntOrString maxUnavailable, int desired) {
    int surge = scaledValue(maxSurge, desired, true);
    int unavailable = scaledValue(maxUnavailable, desired, false);
    if (surge == 0 && unavailable == 0) {
      // Validation forbids both zero; a percentage can still round to it, and a rollout must move.
      unavailable = 1;
    }
    return new Fenceposts(surge, unavailable);
  }

  /** The resolved {@code maxSurge} and {@code maxUnavailable} of a rolling update. */
  public record Fenceposts(int surge, int unavailable) {}

  public static boolean isRollingUpdate(Deployment d) {
    return d.getSpec().getStrategy() != null
        && "RollingUpdate".equals(d.getSpec().getStrategy().getType());
  }

  public static int replicas(Deployment d) {
    Integer r = d.getSpec().getReplicas();
    return r == null ? 1 : r;
  }

  private static Fenceposts fenceposts(Deployment d) {
    var ru = d.getSpec().getStrategy().getRollingUpdate();
    return resolveFenceposts(
        ru == null ? null : ru.getMaxSurge(),
        ru == null ? null : ru.getMaxUnavailable(),
        replicas(d));
  }

  /** How many pods may be unavailable during the update, never more than the replicas. */
  public static int maxUnavailable(Deployment d) {
    if (!isRollingUpdate(d) || replicas(d) == 0) {
      return 0;
    }
    return Math.min(fenceposts(d).unavailable(), replicas(d));
  }

  /** How many pods may exist above the replicas during the update. */
  public static int maxSurge(Deployment d) {
    if (!isRollingUpdate(d)) {
      return 0;
    }
    return fenceposts(d).surge();
  }

  public static int minAvailable(Deployment d) {
    if (!isRollingUpdate(d)) {
      return 0;
    }
    return replicas(d) - maxUnavailable(d);
  }

  /** What the new ReplicaSet should be scaled to next. */
  public static int newRSNewReplicas(Deployment d, List<ReplicaSet> all, ReplicaSet newRS) {
    String type = d.getSpec().getStrategy() == null ? null : d.getSpec().getStrategy().getType();
    if ("Recreate".equals(type)) {
      return replicas(d);
    }
    if (!"RollingUpdate".equals(type)) {
      throw new IllegalArgumentException("deployment type " + type + " isn't supported");
    }
    var ru = d.getSpec().getStrategy().getRollingUpdate();
    int surge = scaledValue(ru == null ? null : ru.getMaxSurge(), replicas(d), true);
    int current = totalReplicas(all);
    int maxTotal = replicas(d) + surge;
    int newReplicas = specReplicas(newRS);
    if (current >= maxTotal) {
      return newReplicas;
    }
    int scaleUp = Math.min(maxTotal - current, replicas(d) - newReplicas);
    return newReplicas + scaleUp;
  }

  // ---- replica sets ----

  public static int specReplicas(ReplicaSet rs) {
    if (rs == null) {
      return 0;
    }
    Integer r = rs.getSpec().getReplicas();
    return r == null ? 1 : r;
  }

  public static int statusReplicas(ReplicaSet rs) {
    return rs == null || rs.getStatus() == null ? 0 : value(rs.getStatus().getReplicas());
  }

  public static int availableReplicas(ReplicaSet rs) {
    return rs == null || rs.getStatus() == null ? 0 : value(rs.getStatus().getAvailableReplicas());
  }

  public static int readyReplicas(ReplicaSet rs) {
    return rs == null || rs.getStatus() == null ? 0 : value(rs.getStatus().getReadyReplicas());
  }

  /** Σ spec.replicas. */
  public static int totalReplicas(List<ReplicaSet> sets) {
    int total = 0;
    for (ReplicaSet rs : sets) {
      if (rs != null) {
        total += specReplicas(rs);
      }
    }
    return total;
  }

  /** Σ status.availableReplicas. */
  public static int totalAvailable(List<ReplicaSet> sets) {
    int total = 0;
    for (ReplicaSet rs : sets) {
      total += availableReplicas(rs);
    }
    return total;
  }

  /** Those with spec.replicas above zero. */
  public static List<ReplicaSet> active(List<ReplicaSet> sets) {
    List<ReplicaSet> out = new ArrayList<>();
    for (ReplicaSet rs : sets) {
      if (rs != null && specReplicas(rs) > 0) {
        out.add(rs);
      }
    }
    return out;
  }

  /** Oldest first: creationTimestamp, then name. */
  public static final Comparator<ReplicaSet> BY_CREATION =
      Comparator.comparing((ReplicaSet rs) -> created(rs))
          .thenComparing(rs -> rs.getMetadata().getName());

  private static Instant created(ReplicaSet rs) {
    String t = rs.getMetadata().getCreationTimestamp();
    return t == null ? Instant.EPOCH : Instant.parse(t);
  }

  /** Lowest revision first; ties and unparseable revisions by creation. */
  public static final Comparator<ReplicaSet> BY_REVISION =
      (a, b) -> {
        long ra = revisionOrMinus(a);
        long rb = revisionOrMinus(b);
        if (ra < 0 || rb < 0 || ra == rb) {
          return BY_CREATION.compare(a, b);
        }
        return Long.compare(ra, rb);
      };

  private static long revisionOrMinus(ReplicaSet rs) {
    try {
      return revision(rs);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Larger first; ties newer first (scaling up gives to the newest). */
  public static final Comparator<ReplicaSet> BY_SIZE_NEWER =
      Comparator.comparingInt(DeploymentUtil::specReplicas)
          .reversed()
          .thenComparing(BY_CREATION.reversed());

  /** Larger first; ties older first (scaling down takes from the oldest). */
  public static final Comparator<ReplicaSet> BY_SIZE_OLDER =
      Comparator.comparingInt(DeploymentUtil::specReplicas).reversed().thenComparing(BY_CREATION);

  /**
   * The oldest ReplicaSet whose template is the deployment's (ignoring the hash label), or null.
   */
  public static ReplicaSet findNewReplicaSet(Deployment d, List<ReplicaSet> sets) {
    List<ReplicaSet> sorted = new ArrayList<>(sets);
    sorted.sort(BY_CREATION);
    for (ReplicaSet rs : sorted) {
      if (equalIgnoreHash(rs.getSpec().getTemplate(), d.getSpec().getTemplate())) {
        return rs;
      }
    }
    return null;
  }

  /** All but {@code newRS}. */
  public static List<ReplicaSet> findOldReplicaSets(ReplicaSet newRS, List<ReplicaSet> sets) {
    List<ReplicaSet> old = new ArrayList<>();
    for (ReplicaSet rs : sets) {
      if (newRS == null || !rs.getMetadata().getUid().equals(newRS.getMetadata().getUid())) {
        old.add(rs);
      }
    }
    return old;
  }

  /** Templates equal but for the {@code pod-template-hash} label; absent equals empty. */
  public static boolean equalIgnoreHash(PodTemplateSpec a, PodTemplateSpec b) {
    return canonical(a, true).equals(canonical(b, true));
  }

  private static JsonNode canonical(PodTemplateSpec t, boolean dropHash) {
    JsonNode tree = CANONICAL.valueToTree(t == null ? new PodTemplateSpec() : t);
    if (dropHash && tree.path("metadata").path("labels") instanceof ObjectNode labels) {
      labels.remove(POD_TEMPLATE_HASH);
    }
    return pruneEmpty(tree);
  }

  /** Go's semantic equality: nil and empty maps and slices are the same. */
  private static JsonNode pruneEmpty(JsonNode node) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = pruneEmpty(e.getValue());
        if (v.isNull() || (v.isContainerNode() && v.isEmpty())) {
          it.remove();
        }
      }
    } else if (node.isArray()) {
      for (JsonNode child : node) {
        pruneEmpty(child);
      }
    }
    return node;
  }

  /**
   * The pod-template-hash: FNV-32a over a canonical form of the template (and the collision count),
   * printed in decimal and made safe the way upstream's SafeEncodeString does.
   */
  public static String computeHash(PodTemplateSpec template, Integer collisionCount) {
    byte[] bytes;
    try {
      bytes = CANONICAL.writeValueAsBytes(canonical(template, false));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    int hash = 0x811c9dc5;
    hash = fnv(hash, bytes);
    if (collisionCount != null) {
      byte[] count =
          ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(collisionCount).array();
      hash = fnv(hash, count);
    }
    String decimal = Long.toString(Integer.toUnsignedLong(hash));
    StringBuilder out = new StringBuilder(decimal.length());
    for (char c : decimal.toCharArray()) {
      out.append(ALPHANUMS.charAt(c % ALPHANUMS.length()));
    }
    return out.toString();
  }

  private static int fnv(int hash, byte[] bytes) {
    for (byte b : bytes) {
      hash ^= (b & 0xff);
      hash *= 0x01000193;
    }
    return hash;
  }

  // ---- revisions and annotations ----

  /**
   * The revision annotation as a number; missing is 0.
   *
   * @throws NumberFormatException when it is not a number
   */
  public static long revision(ReplicaSet rs) {
    String r = annotation(rs.getMetadata().getAnnotations(), REVISION);
    return r == null || r.isEmpty() ? 0 : Long.parseLong(r);
  }

  /** The highest revision among {@code sets}, skipping unparseable ones. */
  public static long maxRevision(List<ReplicaSet> sets) {
    long max = 0;
    for (ReplicaSet rs : sets) {
      try {
        max = Math.max(max, revision(rs));
      } catch (NumberFormatException e) {
        // upstream logs and skips it
      }
    }
    return max;
  }

  /** The second highest revision: where {@code rollout undo} without a revision goes. */
  public static long lastRevision(List<ReplicaSet> sets) {
    long max = 0;
    long second = 0;
    for (ReplicaSet rs : sets) {
      long v;
      try {
        v = revision(rs);
      } catch (NumberFormatException e) {
        continue;
      }
      if (v >= max) {
        second = max;
        max = v;
      } else if (v > second) {
        second = v;
      }
    }
    return second;
  }

  /**
   * Upstream's SetNewReplicaSetAnnotations, in place on {@code rs}: copies the deployment's
   * annotations, moves the revision forward (remembering the old one in the history), and on
   * creation records the desired and max replicas.
   *
   * @return whether anything changed
   */
  public static boolean setNewReplicaSetAnnotations(
      Deployment d, ReplicaSet rs, String newRevision, boolean exists, int historyLimitChars) {
    Map<String, String> annotations =
        new LinkedHashMap<>(
            Objects.requireNonNullElse(rs.getMetadata().getAnnotations(), Map.of()));
    boolean changed = copyDeploymentAnnotations(d, annotations);
    String old = annotations.get(REVISION);
    long oldRevision;
    try {
      oldRevision = old == null || old.isEmpty() ? 0 : Long.parseLong(old);
    } catch (NumberFormatException e) {
      rs.getMetadata().setAnnotations(annotations);
      return false;
    }
    long next = Long.parseLong(newRevision);
    if (oldRevision < next) {
      annotations.put(REVISION, newRevision);
      changed = true;
      if (old != null && !old.isEmpty()) {
        String history = annotations.get(REVISION_HISTORY);
        if (history == null || history.isEmpty()) {
          annotations.put(REVISION_HISTORY, old);
        } else {
          List<String> entries = new ArrayList<>(List.of(history.split(",")));
          int total = history.length() + old.length() + 1;
          while (total > historyLimitChars && !entries.isEmpty()) {
            String dropped = entries.removeFirst();
            total -= dropped.length() + 1;
          }
          entries.add(old);
          annotations.put(REVISION_HISTORY, String.join(",", entries));
        }
      }
    }
    if (!exists) {
      changed |= putReplicaAnnotations(annotations, replicas(d), replicas(d) + maxSurge(d));
    }
    rs.getMetadata().setAnnotations(annotations);
    return changed;
  }

  private static boolean copyDeploymentAnnotations(Deployment d, Map<String, String> into) {
    boolean changed = false;
    Map<String, String> from = d.getMetadata().getAnnotations();
    if (from == null) {
      return false;
    }
    for (Map.Entry<String, String> e : from.entrySet()) {
      if (SKIPPED_ANNOTATIONS.contains(e.getKey())) {
        continue;
      }
      if (!e.getValue().equals(into.get(e.getKey()))) {
        into.put(e.getKey(), e.getValue());
        changed = true;
      }
    }
    return changed;
  }

  /** desired-replicas and max-replicas on {@code rs}, in place; whether they changed. */
  public static boolean setReplicasAnnotations(ReplicaSet rs, int desired, int max) {
    Map<String, String> annotations =
        new LinkedHashMap<>(
            Objects.requireNonNullElse(rs.getMetadata().getAnnotations(), Map.of()));
    boolean changed = putReplicaAnnotations(annotations, desired, max);
    rs.getMetadata().setAnnotations(annotations);
    return changed;
  }

  /** Whether {@code rs}'s replica annotations differ from what they would be set to. */
  public static boolean replicasAnnotationsNeedUpdate(ReplicaSet rs, int desired, int max) {
    Map<String, String> a = rs.getMetadata().getAnnotations();
    return a == null
        || !String.valueOf(desired).equals(a.get(DESIRED_REPLICAS))
        || !String.valueOf(max).equals(a.get(MAX_REPLICAS));
  }

  private static boolean putReplicaAnnotations(Map<String, String> a, int desired, int max) {
    boolean changed = false;
    if (!String.valueOf(desired).equals(a.get(DESIRED_REPLICAS))) {
      a.put(DESIRED_REPLICAS, String.valueOf(desired));
      changed = true;
    }
    if (!String.valueOf(max).equals(a.get(MAX_REPLICAS))) {
      a.put(MAX_REPLICAS, String.valueOf(max));
      changed = true;
    }
    return changed;
  }

  /** The desired-replicas annotation, or -1 when missing or unparseable. */
  public static int desiredReplicasAnnotation(ReplicaSet rs) {
    return intAnnotation(rs, DESIRED_REPLICAS);
  }

  static int intAnnotation(ReplicaSet rs, String key) {
    String v = annotation(rs.getMetadata().getAnnotations(), key);
    if (v == null) {
      return -1;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The new RS has everything: the replicas, the annotation, and all of them available. */
  public static boolean isSaturated(Deployment d, ReplicaSet rs) {
    if (rs == null) {
      return false;
    }
    int desired = desiredReplicasAnnotation(rs);
    return specReplicas(rs) == replicas(d)
        && desired == replicas(d)
        && availableReplicas(rs) == replicas(d);
  }

  /**
   * The only active ReplicaSet, or the latest when none is active; null when several are
   * (upstream's FindActiveOrLatest).
   */
  public static ReplicaSet findActiveOrLatest(ReplicaSet newRS, List<ReplicaSet> oldRSs) {
    if (newRS == null && oldRSs.isEmpty()) {
      return null;
    }
    List<ReplicaSet> old = new ArrayList<>(oldRSs);
    old.sort(BY_CREATION.reversed());
    List<ReplicaSet> all = new ArrayList<>();
    if (newRS != null) {
      all.add(newRS);
    }
    all.addAll(old);
    List<ReplicaSet> active = active(all);
    return switch (active.size()) {
      case 0 -> newRS != null ? newRS : old.getFirst();
      case 1 -> active.getFirst();
      default -> null;
    };
  }

  /** How much of {@code toAdd} (less what is {@code added} already) goes to {@code rs}. */
  public static int getProportion(ReplicaSet rs, Deployment d, int toAdd, int added) {
    if (rs == null || specReplicas(rs) == 0 || toAdd == 0 || toAdd == added) {
      return 0;
    }
    int fraction = replicaSetFraction(rs, d);
    int allowed = toAdd - added;
    return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
  }

  private static int replicaSetFraction(ReplicaSet rs, Deployment d) {
    if (replicas(d) == 0) {
      return -specReplicas(rs);
    }
    int deploymentReplicas = replicas(d) + maxSurge(d);
    int annotated = intAnnotation(rs, MAX_REPLICAS);
    if (annotated < 0) {
      annotated = d.getStatus() == null ? 0 : value(d.getStatus().getReplicas());
    }
    // Upstream divides by the annotation as is; a zero there yields +Inf, which int32() turns
    // into the smallest int — never reached with a sane annotation.
    double newSize = (double) specReplicas(rs) * deploymentReplicas / annotated;
    return (int) Math.round(newSize) - specReplicas(rs);
  }

  // ---- conditions and progress ----

  public static DeploymentCondition condition(DeploymentStatus status, String type) {
    if (status == null || status.getConditions() == null) {
      return null;
    }
    for (DeploymentCondition c : status.getConditions()) {
      if (type.equals(c.getType())) {
        return c;
      }
    }
    return null;
  }

  public static DeploymentCondition newCondition(
      String type, String status, String reason, String message, Instant now) {
    String t = timestamp(now);
    DeploymentCondition c = new DeploymentCondition();
    c.setType(type);
    c.setStatus(status);
    c.setReason(reason);
    c.setMessage(message);
    c.setLastUpdateTime(t);
    c.setLastTransitionTime(t);
    return c;
  }

  /**
   * Upstream's SetDeploymentCondition: the same status and reason is no change; the same status
   * keeps its transition time; the new condition goes last.
   */
  public static void setCondition(DeploymentStatus status, DeploymentCondition c) {
    DeploymentCondition current = condition(status, c.getType());
    if (current != null
        && Objects.equals(current.getStatus(), c.getStatus())
        && Objects.equals(current.getReason(), c.getReason())) {
      return;
    }
    if (current != null && Objects.equals(current.getStatus(), c.getStatus())) {
      c.setLastTransitionTime(current.getLastTransitionTime());
    }
    List<DeploymentCondition> rest = new ArrayList<>();
    if (status.getConditions() != null) {
      for (DeploymentCondition x : status.getConditions()) {
        if (!c.getType().equals(x.getType())) {
          rest.add(x);
        }
      }
    }
    rest.add(c);
    status.setConditions(rest);
  }

  public static void removeCondition(DeploymentStatus status, String type) {
    if (status.getConditions() == null) {
      return;
    }
    List<DeploymentCondition> rest = new ArrayList<>();
    for (DeploymentCondition x : status.getConditions()) {
      if (!type.equals(x.getType())) {
        rest.add(x);
      }
    }
    status.setConditions(rest);
  }

  /** Whether a progress deadline applies: set and not MaxInt32. */
  public static boolean hasProgressDeadline(Deployment d) {
    Integer p = d.getSpec().getProgressDeadlineSeconds();
    return p != null && p != MAX_INT32;
  }

  /** Every replica updated and available, and the controller has seen the latest spec. */
  public static boolean deploymentComplete(Deployment d, DeploymentStatus s) {
    return value(s.getUpdatedReplicas()) == replicas(d)
        && value(s.getReplicas()) == replicas(d)
        && value(s.getAvailableReplicas()) == replicas(d)
        && value(s.getObservedGeneration()) >= value(d.getMetadata().getGeneration());
  }

  /** Whether {@code s} shows progress against the deployment's stored status. */
  public static boolean deploymentProgressing(Deployment d, DeploymentStatus s) {
    DeploymentStatus old = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
    int oldStale = value(old.getReplicas()) - value(old.getUpdatedReplicas());
    int newStale = value(s.getReplicas()) - value(s.getUpdatedReplicas());
    return value(s.getUpdatedReplicas()) > value(old.getUpdatedReplicas())
        || newStale < oldStale
        || value(s.getReadyReplicas()) > value(old.getReadyReplicas())
        || value(s.getAvailableReplicas()) > value(old.getAvailableReplicas());
  }

  /** Whether the Progressing condition in {@code s} is older than the deadline. */
  public static boolean deploymentTimedOut(Deployment d, DeploymentStatus s, Instant now) {
    if (!hasProgressDeadline(d)) {
      return false;
    }
    DeploymentCondition c = condition(s, "Progressing");
    if (c == null) {
      return false;
    }
    if ("NewReplicaSetAvailable".equals(c.getReason())) {
      return false;
    }
    if ("ProgressDeadlineExceeded".equals(c.getReason())) {
      return true;
    }
    Instant from = Instant.parse(c.getLastUpdateTime());
    return from.plusSeconds(d.getSpec().getProgressDeadlineSeconds()).isBefore(now);
  }

  // ---- helpers ----

  public static String timestamp(Instant t) {
    return t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }

  static String annotation(Map<String, String> annotations, String key) {
    return annotations == null ? null : annotations.get(key);
  }

  static int value(Integer i) {
    return i == null ? 0 : i;
  }

  static long value(Long l) {
    return l == null ? 0 : l;
  }
}
