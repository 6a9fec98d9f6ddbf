package io.skiff.controllers.namespace;

import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.NamespaceStatus;
import io.skiff.controllers.runtime.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The conditions a namespace's deletion reports in its status (upstream's {@code
 * namespaceConditionUpdater}): each of the five types is always present, {@code True} with what
 * went wrong or {@code False} with the "all went well" reason.
 */
final class NamespaceConditions {

  static final String DISCOVERY_FAILURE = "NamespaceDeletionDiscoveryFailure";
  static final String GV_PARSING_FAILURE = "NamespaceDeletionGroupVersionParsingFailure";
  static final String CONTENT_FAILURE = "NamespaceDeletionContentFailure";
  static final String CONTENT_REMAINING = "NamespaceContentRemaining";
  static final String FINALIZERS_REMAINING = "NamespaceFinalizersRemaining";

  /** The types, in the order upstream adds them to a status. */
  static final List<String> TYPES =
      List.of(
          DISCOVERY_FAILURE,
          GV_PARSING_FAILURE,
          CONTENT_FAILURE,
          CONTENT_REMAINING,
          FINALIZERS_REMAINING);

  private static final Map<String, String[]> OK =
      Map.of(
          DISCOVERY_FAILURE,
          new String[] {"ResourcesDiscovered", "All resources successfully discovered"},
          GV_PARSING_FAILURE,
          new String[] {"ParsedGroupVersions", "All legacy kube types successfully parsed"},
          CONTENT_FAILURE,
          new String[] {
            "ContentDeleted", "All content successfully deleted, may be waiting on finalization"
          },
          CONTENT_REMAINING,
          new String[] {"ContentRemoved", "All content successfully removed"},
          FINALIZERS_REMAINING,
          new String[] {"ContentHasNoFinalizers", "All content-preserving finalizers finished"});

  private final Instant now;
  private final List<NamespaceCondition> failures = new ArrayList<>();
  private final List<String> deleteContentErrors = new ArrayList<>();

  NamespaceConditions(Instant now) {
    this.now = now;
  }

  /** A resource type whose content could not be deleted or checked. */
  void deleteContentFailed(String message) {
    deleteContentErrors.add(message);
  }

  /**
   * What is left after a pass: per resource ({@code pods.}, {@code deployments.apps}, as upstream
   * prints {@code resource.group}) how many objects remain, per finalizer how many objects carry
   * it.
   */
  void contentTotals(Map<String, Integer> remainingByResource, Map<String, Integer> byFinalizer) {
    List<String> resources = new ArrayList<>();
    remainingByResource.forEach(
        (r, n) -> {
          if (n > 0) {
            resources.add(r + " has " + n + " resource instances");
          }
        });
    if (!remainingByResource.isEmpty()) {
      resources.sort(null);
      failures.add(
          condition(
              CONTENT_REMAINING,
              "True",
              "SomeResourcesRemain",
              "Some resources are remaining: " + String.join(", ", resources)));
    }
    List<String> finalizers = new ArrayList<>();
    byFinalizer.forEach(
        (f, n) -> {
          if (n > 0) {
            finalizers.add(f + " in " + n + " resource instances");
          }
        });
    if (!byFinalizer.isEmpty()) {
      finalizers.sort(null);
      failures.add(
          condition(
              FINALIZERS_REMAINING,
              "True",
              "SomeFinalizersRemain",
              "Some content in the namespace has finalizers remaining: "
                  + String.join(", ", finalizers)));
    }
  }

  /**
   * Brings {@code status}'s conditions up to date; a condition's transition time only moves when
   * its status does.
   *
   * @return whether anything changed
   */
  boolean update(NamespaceStatus status) {
    if (!deleteContentErrors.isEmpty()) {
      List<String> msgs = new ArrayList<>(deleteContentErrors);
      msgs.sort(null);
      failures.add(
          condition(
              CONTENT_FAILURE,
              "True",
              "ContentDeletionFailed",
              "Failed to delete all resource types, "
                  + msgs.size()
                  + " remaining: "
                  + String.join(", ", msgs)));
    }
    List<NamespaceCondition> conditions =
        status.getConditions() == null
            ? new ArrayList<>()
            : new ArrayList<>(status.getConditions());
    boolean changed = false;
    for (String type : TYPES) {
      NamespaceCondition wanted =
          find(failures, type)
              .orElseGet(() -> condition(type, "False", OK.get(type)[0], OK.get(type)[1]));
      NamespaceCondition old = find(conditions, type).orElse(null);
      if (old == null) {
        conditions.add(wanted);
        changed = true;
      } else if (!Objects.equals(old.getStatus(), wanted.getStatus())
          || !Objects.equals(old.getMessage(), wanted.getMessage())
          || !Objects.equals(old.getReason(), wanted.getReason())) {
        if (!Objects.equals(old.getStatus(), wanted.getStatus())) {
          old.setLastTransitionTime(Times.format(now));
        }
        old.setStatus(wanted.getStatus());
        old.setReason(wanted.getReason());
        old.setMessage(wanted.getMessage());
        changed = true;
      }
    }
    status.setConditions(conditions);
    return changed;
  }

  private NamespaceCondition condition(String type, String status, String reason, String msg) {
    NamespaceCondition c = new NamespaceCondition();
    c.setType(type);
    c.setStatus(status);
    c.setReason(reason);
    c.setMessage(msg);
    c.setLastTransitionTime(Times.format(now));
    return c;
  }

  private static java.util.Optional<NamespaceCondition> find(
      List<NamespaceCondition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }
}
