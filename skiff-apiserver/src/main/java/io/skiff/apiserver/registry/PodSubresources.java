package io.skiff.apiserver.registry;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Preconditions;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.ResourceType;
import io.skiff.api.errors.StatusError;
import io.skiff.api.selector.LabelSelector;
import io.skiff.clock.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The pod subresources that act instead of storing: {@code binding}, which the scheduler posts to
 * assign a pod to a node, and {@code eviction}, which deletes a pod only if its disruption budget
 * allows (what {@code kubectl drain} posts). Upstream: {@code pkg/registry/core/pod/storage}.
 */
public final class PodSubresources {

  /** Upstream caps the evictions a budget may have in flight before its controller confirms. */
  private static final int MAX_DISRUPTED_POD_SIZE = 2000;

  private final ResourceStorage pods;
  private final ResourceStorage budgets;
  private final Clock clock;

  PodSubresources(
      ResourceRegistry resources, Map<ResourceType, ResourceStorage> storages, Clock c) {
    this.pods = storages.get(resources.byResource("", "v1", "pods").orElseThrow());
    this.budgets =
        storages.get(resources.byResource("policy", "v1", "poddisruptionbudgets").orElseThrow());
    this.clock = c;
  }

  /**
   * Assigns the pod to {@code binding.target}: sets {@code spec.nodeName} and the PodScheduled
   * condition, as upstream's BindingREST.
   *
   * @throws StatusError 400 when the names disagree or the target is not a node, 404 when the pod
   *     does not exist, 409 when it is already assigned or being deleted
   */
  public void bind(String namespace, String name, Binding binding, boolean dryRun) {
    String bound = binding.getMetadata() == null ? null : binding.getMetadata().getName();
    if (!name.equals(bound)) {
      throw StatusError.badRequest("name in URL does not match name in Binding object");
    }
    ObjectReference target = binding.getTarget();
    String node = target == null ? null : target.getName();
    if (node == null || node.isEmpty()) {
      throw invalidBinding(name, "target.name", "FieldValueRequired", "Required value");
    }
    if (target.getKind() != null
        && !target.getKind().isEmpty()
        && !"Node".equals(target.getKind())) {
      throw invalidBinding(
          name,
          "target.kind",
          "FieldValueNotSupported",
          "Unsupported value: \"" + target.getKind() + "\": supported values: \"Node\"");
    }
    if (dryRun) {
      check((Pod) pods.get(namespace, name));
      return;
    }
    pods.rawUpdate(
        namespace,
        name,
        current -> {
          Pod pod = (Pod) current;
          check(pod);
          pod.getSpec().setNodeName(node);
          Map<String, String> annotations = binding.getMetadata().getAnnotations();
          if (annotations != null && !annotations.isEmpty()) {
            Map<String, String> merged =
                new LinkedHashMap<>(
                    Objects.requireNonNullElse(pod.getMetadata().getAnnotations(), Map.of()));
            merged.putAll(annotations);
            pod.getMetadata().setAnnotations(merged);
          }
          setCondition(pod, "PodScheduled", "True", null, null);
          return pod;
        });
  }

  private static StatusError invalidBinding(
      String name, String field, String reason, String message) {
    return StatusError.invalid(
        "Binding",
        "",
        name,
        List.of(field + ": " + message),
        List.of(new StatusError.Cause(reason, message, field)));
  }

  private static void check(Pod pod) {
    String name = pod.getMetadata().getName();
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      throw bindingConflict(
          name, "pod " + name + " is being deleted, cannot be assigned to a host");
    }
    String assigned = pod.getSpec().getNodeName();
    if (assigned != null && !assigned.isEmpty()) {
      throw bindingConflict(
          name, "pod " + name + " is already assigned to node \"" + assigned + "\"");
    }
  }

  private static StatusError bindingConflict(String name, String why) {
    StatusDetails details = new StatusDetails();
    details.setName(name);
    details.setKind("pods/binding");
    return StatusError.of(
        409,
        "Conflict",
        "Operation cannot be fulfilled on pods/binding \"" + name + "\": " + why,
        details);
  }

  /**
   * Evicts the pod: deletes it unless the one disruption budget that selects it allows no more
   * disruptions, in which case the answer is 429 and kubectl drain retries.
   */
  public void evict(String namespace, String name, Eviction eviction, boolean dryRun) {
    String evicted = eviction.getMetadata() == null ? null : eviction.getMetadata().getName();
    if (!name.equals(evicted)) {
      throw StatusError.badRequest("name in URL does not match name in Eviction object");
    }
    DeleteOptions options =
        eviction.getDeleteOptions() == null ? new DeleteOptions() : eviction.getDeleteOptions();
    Pod pod = (Pod) pods.get(namespace, name);
    if (canIgnoreBudget(pod)) {
      deleteEvicted(namespace, name, options, dryRun);
      return;
    }
    List<PodDisruptionBudget> matching = budgetsSelecting(pod);
    if (matching.size() > 1) {
      throw StatusError.of(
          500,
          "InternalError",
          "This pod has more than one PodDisruptionBudget, which the eviction subresource does"
              + " not support.",
          null);
    }
    if (!matching.isEmpty()) {
      PodDisruptionBudget budget = matching.get(0);
      PodDisruptionBudgetStatus status = budget.getStatus();
      boolean unhealthyMayGo =
          !isReady(pod)
              && ("AlwaysAllow".equals(budget.getSpec().getUnhealthyPodEvictionPolicy())
                  || (status != null
                      && value(status.getDesiredHealthy()) > 0
                      && value(status.getCurrentHealthy()) >= value(status.getDesiredHealthy())));
      if (unhealthyMayGo) {
        // Not counted as healthy, so taking it costs the budget nothing; only a pod that became
        // ready since we looked must not slip through.
        if (options.getPreconditions() == null) {
          options.setPreconditions(new Preconditions());
        }
        if (options.getPreconditions().getResourceVersion() == null) {
          options.getPreconditions().setResourceVersion(pod.getMetadata().getResourceVersion());
        }
      } else {
        decrement(namespace, budget.getMetadata().getName(), name, dryRun);
      }
    }
    deleteEvicted(namespace, name, options, dryRun);
  }

  private void decrement(String namespace, String budgetName, String podName, boolean dryRun) {
    ResourceType type = budgets.type();
    UnaryOperator<HasMetadata> take =
        current -> {
          PodDisruptionBudget pdb = (PodDisruptionBudget) current;
          PodDisruptionBudgetStatus st =
              pdb.getStatus() == null ? new PodDisruptionBudgetStatus() : pdb.getStatus();
          long generation = value(pdb.getMetadata().getGeneration());
          if (value(st.getObservedGeneration()) < generation) {
            throw stillProcessing(budgetName);
          }
          int allowed = value(st.getDisruptionsAllowed());
          if (allowed < 0) {
            throw StatusError.forbidden(type, budgetName, "pdb disruptions allowed is negative");
          }
          if (st.getDisruptedPods() != null
              && st.getDisruptedPods().size() > MAX_DISRUPTED_POD_SIZE) {
            throw StatusError.forbidden(
                type,
                budgetName,
                "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
          }
          if (allowed == 0) {
            throw budgetViolated(
                "The disruption budget "
                    + budgetName
                    + " needs "
                    + value(st.getDesiredHealthy())
                    + " healthy pods and has "
                    + value(st.getCurrentHealthy())
                    + " currently");
          }
          st.setDisruptionsAllowed(allowed - 1);
          if (allowed - 1 == 0) {
            setBudgetCondition(st, pdb.getMetadata().getGeneration());
          }
          Map<String, String> disrupted =
              new HashMap<>(Objects.requireNonNullElse(st.getDisruptedPods(), Map.of()));
          disrupted.put(podName, ResourceStorage.timestamp(clock.now()));
          st.setDisruptedPods(disrupted);
          pdb.setStatus(st);
          return pdb;
        };
    if (dryRun) {
      take.apply(budgets.get(namespace, budgetName));
      return;
    }
    budgets.guaranteedUpdate(namespace, budgetName, take, new WriteOptions(false, true), true);
  }

  /** Upstream's UpdateDisruptionAllowedCondition when the last allowed disruption is taken. */
  private void setBudgetCondition(PodDisruptionBudgetStatus st, Long generation) {
    List<Condition> conditions =
        new ArrayList<>(Objects.requireNonNullElse(st.getConditions(), List.of()));
    Condition existing =
        conditions.stream()
            .filter(c -> "DisruptionAllowed".equals(c.getType()))
            .findFirst()
            .orElse(null);
    if (existing != null && "False".equals(existing.getStatus())) {
      return;
    }
    conditions.remove(existing);
    conditions.add(
        new ConditionBuilder()
            .withType("DisruptionAllowed")
            .withStatus("False")
            .withReason("InsufficientPods")
            .withObservedGeneration(generation)
            .withLastTransitionTime(ResourceStorage.timestamp(clock.now()))
            .withMessage("")
            .build());
    st.setConditions(conditions);
  }

  private void deleteEvicted(String namespace, String name, DeleteOptions options, boolean dry) {
    if (!dry) {
      // Upstream's PodDisruptionConditions: the pod says why it goes before it goes.
      pods.rawUpdate(
          namespace,
          name,
          current -> {
            Pod pod = (Pod) current;
            checkPreconditions(pod, options.getPreconditions());
            setCondition(
                pod, "DisruptionTarget", "True", "EvictionByEvictionAPI", "Eviction API: evicting");
            return pod;
          });
      // The condition write moved the resourceVersion a precondition may name.
      if (options.getPreconditions() != null
          && options.getPreconditions().getResourceVersion() != null) {
        options.getPreconditions().setResourceVersion(null);
      }
    }
    pods.delete(namespace, name, options, dry);
  }

  private void checkPreconditions(Pod pod, Preconditions p) {
    if (p == null) {
      return;
    }
    String name = pod.getMetadata().getName();
    if (p.getUid() != null
        && !p.getUid().isEmpty()
        && !p.getUid().equals(pod.getMetadata().getUid())) {
      throw StatusError.conflict(
          pods.type(),
          name,
          "the UID in the precondition ("
              + p.getUid()
              + ") does not match the UID in record ("
              + pod.getMetadata().getUid()
              + "). The object might have been deleted and then recreated");
    }
    String rv = p.getResourceVersion();
    if (rv != null && !rv.isEmpty() && !rv.equals(pod.getMetadata().getResourceVersion())) {
      throw StatusError.conflict(
          pods.type(),
          name,
          "the ResourceVersion in the precondition ("
              + rv
              + ") does not match the ResourceVersion in record ("
              + pod.getMetadata().getResourceVersion()
              + "). The object might have been modified");
    }
  }

  private List<PodDisruptionBudget> budgetsSelecting(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    List<PodDisruptionBudget> matching = new ArrayList<>();
    for (HasMetadata obj :
        budgets.list(pod.getMetadata().getNamespace(), null, null, 0, null, 0).items()) {
      PodDisruptionBudget pdb = (PodDisruptionBudget) obj;
      if (pdb.getSpec() == null || pdb.getSpec().getSelector() == null) {
        continue;
      }
      LabelSelector selector;
      try {
        selector = LabelSelector.of(pdb.getSpec().getSelector());
      } catch (RuntimeException e) {
        // Upstream: a budget with an invalid selector selects nothing.
        continue;
      }
      if (!selector.isEverything() && selector.matches(labels == null ? Map.of() : labels)) {
        matching.add(pdb);
      }
    }
    return matching;
  }

  private static boolean canIgnoreBudget(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase)
        || "Failed".equals(phase)
        || "Pending".equals(phase)
        || pod.getMetadata().getDeletionTimestamp() != null;
  }

  private static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Upstream's podutil.UpdatePodCondition: the transition time moves only when status does. */
  private void setCondition(Pod pod, String type, String status, String reason, String message) {
    PodStatus st = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
    List<PodCondition> conditions =
        new ArrayList<>(Objects.requireNonNullElse(st.getConditions(), List.of()));
    String now = ResourceStorage.timestamp(clock.now());
    PodCondition existing =
        conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    if (existing == null) {
      PodCondition c = new PodCondition();
      c.setType(type);
      c.setStatus(status);
      c.setReason(reason);
      c.setMessage(message);
      c.setLastTransitionTime(now);
      conditions.add(c);
    } else {
      if (!status.equals(existing.getStatus())) {
        existing.setLastTransitionTime(now);
      }
      existing.setStatus(status);
      existing.setReason(reason);
      existing.setMessage(message);
    }
    st.setConditions(conditions);
    pod.setStatus(st);
  }

  private static StatusError stillProcessing(String budget) {
    StatusError e =
        budgetViolated(
            "The disruption budget " + budget + " is still being processed by the server.");
    e.status().getDetails().setRetryAfterSeconds(10);
    return e;
  }

  private static StatusError budgetViolated(String cause) {
    StatusDetails details = new StatusDetails();
    StatusCause c = new StatusCause();
    c.setReason("DisruptionBudget");
    c.setMessage(cause);
    details.setCauses(List.of(c));
    return StatusError.of(
        429,
        "TooManyRequests",
        "Cannot evict pod as it would violate the pod's disruption budget.",
        details);
  }

  private static int value(Integer i) {
    return i == null ? 0 : i;
  }

  private static long value(Long l) {
    return l == null ? 0 : l;
  }
}
