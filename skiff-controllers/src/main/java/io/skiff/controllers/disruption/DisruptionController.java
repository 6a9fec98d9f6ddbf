package io.skiff.controllers.disruption;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.skiff.api.selector.LabelSelector;
import io.skiff.api.selector.SelectorException;
import io.skiff.client.KubeObjects;
import io.skiff.client.Resources;
import io.skiff.client.events.EventRecorder;
import io.skiff.client.informer.Lister;
import io.skiff.client.informer.ResourceEventHandler;
import io.skiff.client.informer.SharedInformer;
import io.skiff.controllers.deployment.DeploymentUtil;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.ControllerRefs;
import io.skiff.controllers.runtime.ObjectKey;
import io.skiff.controllers.runtime.PodUtil;
import io.skiff.controllers.runtime.QueueController;
import io.skiff.controllers.runtime.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Upstream's disruption controller, one PodDisruptionBudget per key. A sync counts the budget's
 * pods (by its selector; a missing selector selects none):
 *
 * <ul>
 *   <li>{@code expectedPods}: the pod count for an integer {@code minAvailable}; otherwise the sum
 *       of the scales of the pods' controllers (Deployment through its ReplicaSet, ReplicaSet,
 *       ReplicationController, StatefulSet), pods without a controller left out with an {@code
 *       UnmanagedPods} warning;
 *   <li>{@code desiredHealthy}: {@code minAvailable} (a percentage of the expected pods, rounded
 *       up), or the expected pods less {@code maxUnavailable} (rounded up), at least 0;
 *   <li>{@code currentHealthy}: the ready pods neither being deleted nor recently evicted;
 *   <li>{@code disruptionsAllowed}: {@code currentHealthy - desiredHealthy}, 0 when negative or
 *       when no pods are expected;
 *   <li>{@code disruptedPods}: the eviction subresource's entries, dropped once the pod is gone or
 *       being deleted, or after {@link #DELETION_TIMEOUT} without deletion ({@code NotDeleted}
 *       event); the budget is synced again when the oldest entry expires;
 *   <li>the {@code DisruptionAllowed} condition ({@code SufficientPods} / {@code InsufficientPods};
 *       {@code SyncFailed} with no disruptions allowed when the count fails).
 * </ul>
 *
 * <p>Not modelled: upstream's generic scale-subresource finder for custom controllers, and the
 * clean-up of stale {@code DisruptionTarget} pod conditions.
 */
public final class DisruptionController extends QueueController {

  /** The controller's name (kube-controller-manager's {@code --controllers} alias). */
  public static final String NAME = "disruption";

  /** How long an evicted pod may take to start its deletion before it counts again. */
  public static final Duration DELETION_TIMEOUT = Duration.ofMinutes(2);

  static final String CONDITION = "DisruptionAllowed";

  private final Resources<PodDisruptionBudget> budgets;
  private final Lister<PodDisruptionBudget> budgetLister;
  private final Lister<Pod> podLister;
  private final Lister<ReplicaSet> rsLister;
  private final Lister<Deployment> deploymentLister;
  private final Lister<ReplicationController> rcLister;
  private final Lister<StatefulSet> statefulSetLister;
  private final EventRecorder recorder;

  public DisruptionController(ControllerContext ctx) {
    super(NAME, ctx.clock());
    this.budgets = ctx.client().resources(PodDisruptionBudget.class);
    this.recorder = ctx.recorder("controllermanager");
    SharedInformer<PodDisruptionBudget> budgetInformer =
        ctx.informers().informerFor(PodDisruptionBudget.class);
    this.budgetLister = budgetInformer.lister();
    budgetInformer.addEventHandler(enqueueingHandler());
    SharedInformer<Pod> podInformer = ctx.informers().informerFor(Pod.class);
    this.podLister = podInformer.lister();
    podInformer.addEventHandler(
        new ResourceEventHandler<Pod>() {
          @Override
          public void onAdd(Pod pod) {
            podChanged(pod);
          }

          @Override
          public void onUpdate(Pod oldPod, Pod newPod) {
            podChanged(oldPod);
            podChanged(newPod);
          }

          @Override
          public void onDelete(Pod pod) {
            podChanged(pod);
          }
        });
    this.rsLister = ctx.informers().lister(ReplicaSet.class);
    this.deploymentLister = ctx.informers().lister(Deployment.class);
    this.rcLister = ctx.informers().lister(ReplicationController.class);
    this.statefulSetLister = ctx.informers().lister(StatefulSet.class);
  }

  /** Queues the budgets that select {@code pod}. */
  void podChanged(Pod pod) {
    Map<String, String> labels =
        pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    for (PodDisruptionBudget pdb :
        budgetLister.list(pod.getMetadata().getNamespace(), LabelSelector.everything())) {
      LabelSelector selector = selectorOf(pdb);
      if (selector != null && selector.matches(labels)) {
        enqueue(pdb);
      }
    }
  }

  private static LabelSelector selectorOf(PodDisruptionBudget pdb) {
    try {
      return LabelSelector.of(pdb.getSpec() == null ? null : pdb.getSpec().getSelector());
    } catch (SelectorException e) {
      return null;
    }
  }

  /** A count that failed; the budget then allows no disruption. */
  static final class CountException extends Exception {
    private static final long serialVersionUID = 1L;

    CountException(String message) {
      super(message);
    }
  }

  private record Expected(int expectedCount, int desiredHealthy, List<String> unmanaged) {}

  @Override
  protected Result sync(String key) throws Exception {
    ObjectKey k = ObjectKey.parse(key);
    Optional<PodDisruptionBudget> cached = budgetLister.get(k.namespace(), k.name());
    if (cached.isEmpty()) {
      return Result.done();
    }
    PodDisruptionBudget pdb = cached.get();
    LabelSelector selector;
    try {
      selector = LabelSelector.of(pdb.getSpec() == null ? null : pdb.getSpec().getSelector());
    } catch (SelectorException e) {
      recorder.event(pdb, "Warning", "NoPods", "Failed to get pods: " + e.getMessage());
      failSafe(pdb, e.getMessage());
      throw e;
    }
    List<Pod> pods = selector == null ? List.of() : podLister.list(k.namespace(), selector);
    if (pods.isEmpty()) {
      recorder.event(pdb, "Normal", "NoPods", "No matching pods found");
    }
    Expected expected;
    try {
      expected = expectedPodCount(pdb, pods);
    } catch (CountException | IllegalArgumentException e) {
      recorder.event(
          pdb,
          "Warning",
          "CalculateExpectedPodCountFailed",
          "Failed to calculate the number of expected pods: " + e.getMessage());
      failSafe(pdb, e.getMessage());
      throw e;
    }
    if (!expected.unmanaged().isEmpty()) {
      recorder.event(
          pdb,
          "Warning",
          "UnmanagedPods",
          "Pods selected by this PodDisruptionBudget (selector: "
              + goString(pdb.getSpec().getSelector())
              + ") were found to be unmanaged. As a result, the status of the PDB cannot be"
              + " calculated correctly, which may result in undefined behavior. To account for"
              + " these pods please set \".spec.minAvailable\" field of the PDB to an integer"
              + " value.");
    }
    Instant now = clock().now();
    Map<String, String> disrupted = new TreeMap<>();
    Instant recheck = buildDisruptedPodMap(pods, pdb, now, disrupted);
    int currentHealthy = countHealthyPods(pods, disrupted, now);
    updateStatus(
        pdb, currentHealthy, expected.desiredHealthy(), expected.expectedCount(), disrupted);
    if (recheck != null) {
      return Result.requeueAt(recheck);
    }
    return Result.done();
  }

  private Expected expectedPodCount(PodDisruptionBudget pdb, List<Pod> pods) throws CountException {
    var spec = pdb.getSpec();
    if (spec.getMaxUnavailable() != null) {
      Scale scale = expectedScale(pods);
      int maxUnavailable =
          DeploymentUtil.scaledValue(spec.getMaxUnavailable(), scale.count(), true);
      return new Expected(
          scale.count(), Math.max(0, scale.count() - maxUnavailable), scale.unmanaged());
    }
    if (spec.getMinAvailable() != null) {
      if (spec.getMinAvailable().getStrVal() == null) {
        int min =
            spec.getMinAvailable().getIntVal() == null ? 0 : spec.getMinAvailable().getIntVal();
        return new Expected(pods.size(), min, List.of());
      }
      Scale scale = expectedScale(pods);
      int min = DeploymentUtil.scaledValue(spec.getMinAvailable(), scale.count(), true);
      return new Expected(scale.count(), min, scale.unmanaged());
    }
    return new Expected(0, 0, List.of());
  }

  private record Scale(int count, List<String> unmanaged) {}

  /** The sum of the scales of the pods' controllers, each counted once (upstream's finders). */
  private Scale expectedScale(List<Pod> pods) throws CountException {
    Map<String, Integer> controllerScale = new LinkedHashMap<>();
    List<String> unmanaged = new ArrayList<>();
    for (Pod pod : pods) {
      Optional<OwnerReference> ref = ControllerRefs.controllerOf(pod);
      if (ref.isEmpty()) {
        unmanaged.add(pod.getMetadata().getName());
        continue;
      }
      if (controllerScale.containsKey(ref.get().getUid())) {
        continue;
      }
      Optional<Map.Entry<String, Integer>> found =
          findController(ref.get(), pod.getMetadata().getNamespace());
      if (found.isEmpty()) {
        throw new CountException(
            "found no controllers for pod \"" + pod.getMetadata().getName() + "\"");
      }
      controllerScale.put(found.get().getKey(), found.get().getValue());
    }
    int sum = controllerScale.values().stream().mapToInt(Integer::intValue).sum();
    return new Scale(sum, unmanaged);
  }

  private static boolean groupKind(OwnerReference ref, String kind, List<String> groups) {
    if (!kind.equals(ref.getKind()) || ref.getApiVersion() == null) {
      return false;
    }
    String v = ref.getApiVersion();
    String group = v.contains("/") ? v.substring(0, v.indexOf('/')) : "";
    return groups.contains(group);
  }

  private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> Optional<T> byRef(
      Lister<T> lister, String namespace, OwnerReference ref) {
    return lister
        .get(namespace, ref.getName())
        .filter(o -> Objects.equals(o.getMetadata().getUid(), ref.getUid()));
  }

  /** The controller's UID and scale, by upstream's finders in their order. */
  private Optional<Map.Entry<String, Integer>> findController(OwnerReference ref, String ns) {
    if (groupKind(ref, "ReplicaSet", List.of("apps", "extensions"))) {
      Optional<ReplicaSet> rs = byRef(rsLister, ns, ref);
      if (rs.isEmpty()) {
        return Optional.empty();
      }
      Optional<OwnerReference> owner = ControllerRefs.controllerOf(rs.get());
      if (owner.isPresent() && "Deployment".equals(owner.get().getKind())) {
        // The Deployment's scale counts, not its ReplicaSet's.
        if (!groupKind(owner.get(), "Deployment", List.of("apps", "extensions"))) {
          return Optional.empty();
        }
        return byRef(deploymentLister, ns, owner.get())
            .map(d -> Map.entry(d.getMetadata().getUid(), replicas(d.getSpec().getReplicas())));
      }
      return Optional.of(
          Map.entry(rs.get().getMetadata().getUid(), replicas(rs.get().getSpec().getReplicas())));
    }
    if (groupKind(ref, "ReplicationController", List.of(""))) {
      return byRef(rcLister, ns, ref)
          .map(rc -> Map.entry(rc.getMetadata().getUid(), replicas(rc.getSpec().getReplicas())));
    }
    if (groupKind(ref, "StatefulSet", List.of("apps"))) {
      return byRef(statefulSetLister, ns, ref)
          .map(ss -> Map.entry(ss.getMetadata().getUid(), replicas(ss.getSpec().getReplicas())));
    }
    return Optional.empty();
  }

  private static int replicas(Integer r) {
    return r == null ? 1 : r;
  }

  /**
   * Upstream's {@code buildDisruptedPodMap}: keeps the entries of pods that are still there, not
   * being deleted and evicted less than {@link #DELETION_TIMEOUT} ago.
   *
   * @return when the oldest kept entry expires, or null
   */
  private Instant buildDisruptedPodMap(
      List<Pod> pods, PodDisruptionBudget pdb, Instant now, Map<String, String> result) {
    Map<String, String> disrupted =
        pdb.getStatus() == null ? null : pdb.getStatus().getDisruptedPods();
    if (disrupted == null) {
      return null;
    }
    Instant recheck = null;
    for (Pod pod : pods) {
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      String time = disrupted.get(pod.getMetadata().getName());
      if (time == null) {
        continue;
      }
      Instant at = Times.parse(time);
      Instant expected = (at == null ? Instant.EPOCH : at).plus(DELETION_TIMEOUT);
      if (expected.isBefore(now)) {
        // Upstream prints the namespace twice.
        recorder.event(
            pod,
            "Warning",
            "NotDeleted",
            "Pod was expected by PDB "
                + pdb.getMetadata().getNamespace()
                + "/"
                + pdb.getMetadata().getNamespace()
                + " to be deleted but it wasn't");
      } else {
        if (recheck == null || expected.isBefore(recheck)) {
          recheck = expected;
        }
        result.put(pod.getMetadata().getName(), time);
      }
    }
    return recheck;
  }

  private static int countHealthyPods(List<Pod> pods, Map<String, String> disrupted, Instant now) {
    int healthy = 0;
    for (Pod pod : pods) {
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      Instant at = Times.parse(disrupted.get(pod.getMetadata().getName()));
      if (at != null && at.plus(DELETION_TIMEOUT).isAfter(now)) {
        continue;
      }
      if (PodUtil.isPodReady(pod)) {
        healthy++;
      }
    }
    return healthy;
  }

  private void updateStatus(
      PodDisruptionBudget pdb,
      int currentHealthy,
      int desiredHealthy,
      int expectedCount,
      Map<String, String> disrupted) {
    int allowed = currentHealthy - desiredHealthy;
    if (expectedCount <= 0 || allowed <= 0) {
      allowed = 0;
    }
    PodDisruptionBudgetStatus old =
        pdb.getStatus() == null ? new PodDisruptionBudgetStatus() : pdb.getStatus();
    Map<String, String> oldDisrupted =
        old.getDisruptedPods() == null ? Map.of() : old.getDisruptedPods();
    if (value(old.getCurrentHealthy()) == currentHealthy
        && value(old.getDesiredHealthy()) == desiredHealthy
        && value(old.getExpectedPods()) == expectedCount
        && value(old.getDisruptionsAllowed()) == allowed
        && oldDisrupted.equals(disrupted)
        && Objects.equals(old.getObservedGeneration(), pdb.getMetadata().getGeneration())
        && conditionUpToDate(old, allowed)) {
      return;
    }
    PodDisruptionBudget copy = KubeObjects.deepCopy(pdb);
    PodDisruptionBudgetStatus status = new PodDisruptionBudgetStatus();
    status.setCurrentHealthy(currentHealthy);
    status.setDesiredHealthy(desiredHealthy);
    status.setExpectedPods(expectedCount);
    status.setDisruptionsAllowed(allowed);
    status.setDisruptedPods(disrupted.isEmpty() ? null : new TreeMap<>(disrupted));
    status.setObservedGeneration(pdb.getMetadata().getGeneration());
    status.setConditions(
        copy.getStatus() == null || copy.getStatus().getConditions() == null
            ? new ArrayList<>()
            : new ArrayList<>(copy.getStatus().getConditions()));
    if (allowed > 0) {
      setCondition(status, "True", "SufficientPods", "");
    } else {
      setCondition(status, "False", "InsufficientPods", "");
    }
    copy.setStatus(status);
    budgets.updateStatus(copy);
  }

  private static boolean conditionUpToDate(PodDisruptionBudgetStatus status, int allowed) {
    if (status.getConditions() == null) {
      return false;
    }
    return status.getConditions().stream()
        .filter(c -> CONDITION.equals(c.getType()))
        .findFirst()
        .map(
            c ->
                allowed > 0
                    ? "True".equals(c.getStatus()) && "SufficientPods".equals(c.getReason())
                    : "False".equals(c.getStatus()) && "InsufficientPods".equals(c.getReason()))
        .orElse(false);
  }

  /** Upstream's {@code meta.SetStatusCondition} for the {@code DisruptionAllowed} condition. */
  private void setCondition(
      PodDisruptionBudgetStatus status, String value, String reason, String message) {
    List<Condition> conditions = status.getConditions();
    Condition c =
        conditions.stream().filter(x -> CONDITION.equals(x.getType())).findFirst().orElse(null);
    if (c == null) {
      c = new Condition();
      c.setType(CONDITION);
      c.setLastTransitionTime(Times.format(clock().now()));
      conditions.add(c);
    } else if (!value.equals(c.getStatus())) {
      c.setLastTransitionTime(Times.format(clock().now()));
    }
    c.setStatus(value);
    c.setReason(reason);
    c.setMessage(message);
    c.setObservedGeneration(status.getObservedGeneration());
  }

  /** Upstream's {@code failSafe}: at least no disruption is allowed. */
  private void failSafe(PodDisruptionBudget pdb, String message) {
    PodDisruptionBudget copy = KubeObjects.deepCopy(pdb);
    PodDisruptionBudgetStatus status =
        copy.getStatus() == null ? new PodDisruptionBudgetStatus() : copy.getStatus();
    status.setDisruptionsAllowed(0);
    if (status.getConditions() == null) {
      status.setConditions(new ArrayList<>());
    } else {
      status.setConditions(new ArrayList<>(status.getConditions()));
    }
    setCondition(status, "False", "SyncFailed", message);
    copy.setStatus(status);
    budgets.updateStatus(copy);
  }

  private static int value(Integer i) {
    return i == null ? 0 : i;
  }

  /** Go's {@code %v} of a {@code *metav1.LabelSelector}, as upstream's event prints it. */
  static String goString(io.fabric8.kubernetes.api.model.LabelSelector s) {
    if (s == null) {
      return "nil";
    }
    StringBuilder b = new StringBuilder("&LabelSelector{MatchLabels:map[string]string{");
    new TreeMap<>(s.getMatchLabels() == null ? Map.<String, String>of() : s.getMatchLabels())
        .forEach((k, v) -> b.append(k).append(": ").append(v).append(','));
    b.append("},MatchExpressions:[]LabelSelectorRequirement{");
    if (s.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : s.getMatchExpressions()) {
        b.append("LabelSelectorRequirement{Key:")
            .append(r.getKey())
            .append(",Operator:")
            .append(r.getOperator())
            .append(",Values:[")
            .append(String.join(" ", r.getValues() == null ? List.of() : r.getValues()))
            .append("],},");
      }
    }
    return b.append("},}").toString();
  }
}
