package io.skiff.api.validation;

import static io.skiff.api.validation.MetaValidation.nz;
import static io.skiff.api.validation.MetaValidation.validateNonNegative;
import static io.skiff.api.validation.PodValidation.intOr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategy;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDaemonSet;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateStatefulSetStrategy;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy;
import io.fabric8.kubernetes.api.model.apps.StatefulSetSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetUpdateStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Validation of the apps/v1 kinds, after upstream's {@code pkg/apis/apps/validation} (1.28). */
final class AppsValidation {

  private AppsValidation() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  static final String SELECTOR_MISMATCH = "`selector` does not match template `labels`";

  // ---- int-or-percent helpers ----

  static List<FieldError> validatePositiveIntOrPercent(IntOrString v, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    if (v != null && v.getStrVal() != null) {
      for (String msg : Names.isValidPercent(v.getStrVal())) {
        errs.add(FieldError.invalid(path, GoValueFormatter.intOrString(v), msg));
      }
    } else {
      errs.addAll(validateNonNegative(intValue(v), path));
    }
    return errs;
  }

  private static Optional<Integer> percentValue(IntOrString v) {
    if (v == null || v.getStrVal() == null || !Names.isValidPercent(v.getStrVal()).isEmpty()) {
      return Optional.empty();
    }
    String digits = v.getStrVal().substring(0, v.getStrVal().length() - 1);
    try {
      return Optional.of(Integer.parseInt(digits));
    } catch (NumberFormatException e) {
      // Go's Atoi fails the same way on overflow and yields 0.
      return Optional.of(0);
    }
  }

  /** Go's {@code IntOrString.IntValue()}: a string that is not an integer counts as 0. */
  private static int intValue(IntOrString v) {
    if (v == null) {
      return 0;
    }
    if (v.getStrVal() != null) {
      try {
        return Integer.parseInt(v.getStrVal());
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return v.getIntVal() == null ? 0 : v.getIntVal();
  }

  static int intOrPercentValue(IntOrString v) {
    return percentValue(v).orElseGet(() -> intValue(v));
  }

  static List<FieldError> isNotMoreThan100Percent(IntOrString v, FieldPath path) {
    Optional<Integer> pct = percentValue(v);
    if (pct.isEmpty() || pct.get() <= 100) {
      return List.of();
    }
    return List.of(
        FieldError.invalid(path, GoValueFormatter.intOrString(v), "must not be greater than 100%"));
  }

  // ---- selectors and templates ----

  /**
   * The selector checks shared by Deployment, ReplicaSet and StatefulSet: required, valid, not
   * empty.
   */
  private static List<FieldError> validateSelector(
      LabelSelector s, String emptyText, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    if (s == null) {
      errs.add(FieldError.required(path, ""));
    } else {
      errs.addAll(Selectors.validate(s, false, path));
      if (Selectors.isEmpty(s)) {
        errs.add(FieldError.invalid(path, GoValueFormatter.labelSelector(s), emptyText));
      }
    }
    return errs;
  }

  private static Map<String, String> templateLabels(PodTemplateSpec t) {
    return t == null || t.getMetadata() == null ? null : t.getMetadata().getLabels();
  }

  private static PodSpec templateSpec(PodTemplateSpec t) {
    return t == null || t.getSpec() == null ? new PodSpec() : t.getSpec();
  }

  /** {@code ValidatePodTemplateSpecForReplicaSet}, also used by Deployments. */
  static List<FieldError> validateTemplateForReplicaSet(
      PodTemplateSpec template, Selectors.Selector selector, String owner, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    Map<String, String> labels = templateLabels(template);
    if (!selector.empty() && !selector.matches(labels)) {
      errs.add(
          FieldError.invalid(
              path.child("metadata", "labels"),
              GoValueFormatter.stringMap(labels),
              SELECTOR_MISMATCH));
    }
    errs.addAll(PodValidation.validatePodTemplateSpec(template, path));
    errs.addAll(restartAlwaysOnly(templateSpec(template), owner, path.child("spec")));
    return errs;
  }

  /** Controllers that keep pods running accept no other restart policy and no deadline. */
  static List<FieldError> restartAlwaysOnly(PodSpec spec, String owner, FieldPath specPath) {
    List<FieldError> errs = new ArrayList<>();
    String rp = nz(spec.getRestartPolicy());
    if (!rp.equals("Always")) {
      errs.add(FieldError.notSupported(specPath.child("restartPolicy"), rp, List.of("Always")));
    }
    if (spec.getActiveDeadlineSeconds() != null) {
      errs.add(
          FieldError.forbidden(
              specPath.child("activeDeadlineSeconds"),
              "activeDeadlineSeconds in " + owner + " is not Supported"));
    }
    return errs;
  }

  // ---- Deployment ----

  static List<FieldError> validateDeployment(Deployment d) {
    List<FieldError> errs =
        MetaValidation.validateObjectMeta(
            d.getMetadata(), true, Names.DNS_SUBDOMAIN, FieldPath.of("metadata"));
    errs.addAll(
        validateDeploymentSpec(
            d.getSpec() == null ? new DeploymentSpec() : d.getSpec(), FieldPath.of("spec")));
    return errs;
  }

  static List<FieldError> validateDeploymentUpdate(Deployment n, Deployment o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(
            n.getMetadata(), o.getMetadata(), FieldPath.of("metadata"));
    DeploymentSpec spec = n.getSpec() == null ? new DeploymentSpec() : n.getSpec();
    errs.addAll(validateDeploymentSpec(spec, FieldPath.of("spec")));
    errs.addAll(
        selectorImmutable(
            spec.getSelector(), o.getSpec() == null ? null : o.getSpec().getSelector()));
    return errs;
  }

  private static List<FieldError> validateDeploymentSpec(DeploymentSpec spec, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    errs.addAll(validateNonNegative(intOr(spec.getReplicas(), 0), path.child("replicas")));
    errs.addAll(
        validateSelector(
            spec.getSelector(),
            "empty selector is invalid for deployment",
            path.child("selector")));
    Optional<Selectors.Selector> sel = Selectors.asSelector(spec.getSelector());
    if (sel.isEmpty()) {
      errs.add(
          FieldError.invalid(
              path.child("selector"),
              GoValueFormatter.labelSelector(spec.getSelector()),
              "invalid label selector"));
    } else {
      errs.addAll(
          validateTemplateForReplicaSet(
              spec.getTemplate(), sel.get(), "ReplicaSet", path.child("template")));
    }
    errs.addAll(validateDeploymentStrategy(spec.getStrategy(), path.child("strategy")));
    int minReady = intOr(spec.getMinReadySeconds(), 0);
    errs.addAll(validateNonNegative(minReady, path.child("minReadySeconds")));
    if (spec.getRevisionHistoryLimit() != null) {
      errs.addAll(
          validateNonNegative(spec.getRevisionHistoryLimit(), path.child("revisionHistoryLimit")));
    }
    if (spec.getProgressDeadlineSeconds() != null) {
      int pds = spec.getProgressDeadlineSeconds();
      errs.addAll(validateNonNegative(pds, path.child("progressDeadlineSeconds")));
      if (pds <= minReady) {
        errs.add(
            FieldError.invalid(
                path.child("progressDeadlineSeconds"),
                pds,
                "must be greater than minReadySeconds"));
      }
    }
    return errs;
  }

  private static GoValue deploymentStrategyValue(DeploymentStrategy s) {
    return GoValueFormatter.struct("apps.DeploymentStrategy")
        .field("Type", nz(s.getType()))
        .field(
            "RollingUpdate",
            GoValueFormatter.pointer("apps.RollingUpdateDeployment", s.getRollingUpdate()));
  }

  private static List<FieldError> validateDeploymentStrategy(
      DeploymentStrategy strategy, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    DeploymentStrategy s = strategy == null ? new DeploymentStrategy() : strategy;
    switch (nz(s.getType())) {
      case "Recreate" -> {
        if (s.getRollingUpdate() != null) {
          errs.add(
              FieldError.forbidden(
                  path.child("rollingUpdate"),
                  "may not be specified when strategy `type` is 'Recreate'"));
        }
      }
      case "RollingUpdate" -> {
        RollingUpdateDeployment ru = s.getRollingUpdate();
        if (ru == null) {
          errs.add(
              FieldError.required(
                  path.child("rollingUpdate"), "this should be defaulted and never be nil"));
        } else {
          FieldPath p = path.child("rollingUpdate");
          errs.addAll(
              validatePositiveIntOrPercent(ru.getMaxUnavailable(), p.child("maxUnavailable")));
          errs.addAll(validatePositiveIntOrPercent(ru.getMaxSurge(), p.child("maxSurge")));
          if (intOrPercentValue(ru.getMaxUnavailable()) == 0
              && intOrPercentValue(ru.getMaxSurge()) == 0) {
            errs.add(
                FieldError.invalid(
                    p.child("maxUnavailable"),
                    GoValueFormatter.intOrString(ru.getMaxUnavailable()),
                    "may not be 0 when `maxSurge` is 0"));
          }
          errs.addAll(isNotMoreThan100Percent(ru.getMaxUnavailable(), p.child("maxUnavailable")));
        }
      }
      default ->
          errs.add(
              FieldError.notSupported(
                  path, deploymentStrategyValue(s), List.of("Recreate", "RollingUpdate")));
    }
    return errs;
  }

  static List<FieldError> validateDeploymentStatusUpdate(Deployment n, Deployment o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(
            n.getMetadata(), o.getMetadata(), FieldPath.of("metadata"));
    DeploymentStatus s = n.getStatus() == null ? new DeploymentStatus() : n.getStatus();
    FieldPath p = FieldPath.of("status");
    long observed = s.getObservedGeneration() == null ? 0 : s.getObservedGeneration();
    int replicas = intOr(s.getReplicas(), 0);
    int updated = intOr(s.getUpdatedReplicas(), 0);
    int ready = intOr(s.getReadyReplicas(), 0);
    int available = intOr(s.getAvailableReplicas(), 0);
    errs.addAll(validateNonNegative(observed, p.child("observedGeneration")));
    errs.addAll(validateNonNegative(replicas, p.child("replicas")));
    errs.addAll(validateNonNegative(updated, p.child("updatedReplicas")));
    errs.addAll(validateNonNegative(ready, p.child("readyReplicas")));
    errs.addAll(validateNonNegative(available, p.child("availableReplicas")));
    errs.addAll(
        validateNonNegative(intOr(s.getUnavailableReplicas(), 0), p.child("unavailableReplicas")));
    if (s.getCollisionCount() != null) {
      errs.addAll(validateNonNegative(s.getCollisionCount(), p.child("collisionCount")));
    }
    String msg = "cannot be greater than status.replicas";
    if (updated > replicas) {
      errs.add(FieldError.invalid(p.child("updatedReplicas"), updated, msg));
    }
    if (ready > replicas) {
      errs.add(FieldError.invalid(p.child("readyReplicas"), ready, msg));
    }
    if (available > replicas) {
      errs.add(FieldError.invalid(p.child("availableReplicas"), available, msg));
    }
    if (available > ready) {
      errs.add(
          FieldError.invalid(
              p.child("availableReplicas"), available, "cannot be greater than readyReplicas"));
    }
    errs.addAll(
        collisionCountDecremented(
            s.getCollisionCount(),
            o.getStatus() == null ? null : o.getStatus().getCollisionCount(),
            p));
    return errs;
  }

  static List<FieldError> collisionCountDecremented(Integer n, Integer o, FieldPath status) {
    boolean decremented = n == null ? o != null : o != null && n < o;
    if (decremented) {
      return List.of(
          FieldError.invalid(
              status.child("collisionCount"), n == null ? 0 : n, "cannot be decremented"));
    }
    return List.of();
  }

  /** In apps/v1 a workload's selector never changes once created. */
  static List<FieldError> selectorImmutable(LabelSelector n, LabelSelector o) {
    if (selectorsEqual(n, o)) {
      return List.of();
    }
    return List.of(
        FieldError.invalid(
            FieldPath.of("spec", "selector"),
            n == null ? null : GoValueFormatter.labelSelector(n),
            MetaValidation.FIELD_IMMUTABLE));
  }

  private static boolean selectorsEqual(LabelSelector a, LabelSelector b) {
    if (a == null || b == null) {
      return a == b;
    }
    return JSON.valueToTree(a).equals(JSON.valueToTree(b));
  }

  // ---- ReplicaSet ----

  static List<FieldError> validateReplicaSet(ReplicaSet rs) {
    List<FieldError> errs =
        MetaValidation.validateObjectMeta(
            rs.getMetadata(), true, Names.DNS_SUBDOMAIN, FieldPath.of("metadata"));
    errs.addAll(
        validateReplicaSetSpec(
            rs.getSpec() == null ? new ReplicaSetSpec() : rs.getSpec(), FieldPath.of("spec")));
    return errs;
  }

  static List<FieldError> validateReplicaSetUpdate(ReplicaSet n, ReplicaSet o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(
            n.getMetadata(), o.getMetadata(), FieldPath.of("metadata"));
    ReplicaSetSpec spec = n.getSpec() == null ? new ReplicaSetSpec() : n.getSpec();
    errs.addAll(validateReplicaSetSpec(spec, FieldPath.of("spec")));
    errs.addAll(
        selectorImmutable(
            spec.getSelector(), o.getSpec() == null ? null : o.getSpec().getSelector()));
    return errs;
  }

  private static List<FieldError> validateReplicaSetSpec(ReplicaSetSpec spec, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    errs.addAll(validateNonNegative(intOr(spec.getReplicas(), 0), path.child("replicas")));
    errs.addAll(
        validateNonNegative(intOr(spec.getMinReadySeconds(), 0), path.child("minReadySeconds")));
    // Upstream's ReplicaSet really does say "for deployment" here.
    errs.addAll(
        validateSelector(
            spec.getSelector(),
            "empty selector is invalid for deployment",
            path.child("selector")));
    Optional<Selectors.Selector> sel = Selectors.asSelector(spec.getSelector());
    if (sel.isEmpty()) {
      errs.add(
          FieldError.invalid(
              path.child("selector"),
              GoValueFormatter.labelSelector(spec.getSelector()),
              "invalid label selector"));
    } else {
      errs.addAll(
          validateTemplateForReplicaSet(
              spec.getTemplate(), sel.get(), "ReplicaSet", path.child("template")));
    }
    return errs;
  }

  static List<FieldError> validateReplicaSetStatusUpdate(ReplicaSet n, ReplicaSet o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(
            n.getMetadata(), o.getMetadata(), FieldPath.of("metadata"));
    ReplicaSetStatus s = n.getStatus() == null ? new ReplicaSetStatus() : n.getStatus();
    errs.addAll(
        replicaCounts(
            intOr(s.getReplicas(), 0),
            intOr(s.getFullyLabeledReplicas(), 0),
            intOr(s.getReadyReplicas(), 0),
            intOr(s.getAvailableReplicas(), 0),
            s.getObservedGeneration() == null ? 0 : s.getObservedGeneration(),
            FieldPath.of("status")));
    return errs;
  }

  /** The status rules ReplicaSets and ReplicationControllers share. */
  static List<FieldError> replicaCounts(
      int replicas, int fullyLabeled, int ready, int available, long observed, FieldPath p) {
    List<FieldError> errs = new ArrayList<>();
    errs.addAll(validateNonNegative(replicas, p.child("replicas")));
    errs.addAll(validateNonNegative(fullyLabeled, p.child("fullyLabeledReplicas")));
    errs.addAll(validateNonNegative(ready, p.child("readyReplicas")));
    errs.addAll(validateNonNegative(available, p.child("availableReplicas")));
    errs.addAll(validateNonNegative(observed, p.child("observedGeneration")));
    String msg = "cannot be greater than status.replicas";
    if (fullyLabeled > replicas) {
      errs.add(FieldError.invalid(p.child("fullyLabeledReplicas"), fullyLabeled, msg));
    }
    if (ready > replicas) {
      errs.add(FieldError.invalid(p.child("readyReplicas"), ready, msg));
    }
    if (available > replicas) {
      errs.add(FieldError.invalid(p.child("availableReplicas"), available, msg));
    }
    if (available > ready) {
      errs.add(
          FieldError.invalid(
              p.child("availableReplicas"), available, "cannot be greater than readyReplicas"));
    }
    return errs;
  }

  // ---- StatefulSet ----

  static List<FieldError> validateStatefulSet(StatefulSet s) {
    List<FieldError> errs =
        MetaValidation.validateObjectMeta(
            s.getMetadata(), true, Names.DNS_LABEL, FieldPath.of("metadata"));
    errs.addAll(
        validateStatefulSetSpec(
            s.getSpec() == null ? new StatefulSetSpec() : s.getSpec(), FieldPath.of("spec")));
    return errs;
  }

  /**
   * Upstream does not re-check the name on update: sets created when subdomain names were allowed
   * must stay updatable (e.g. to drop a finalizer).
   */
  static List<FieldError> validateStatefulSetUpdate(StatefulSet n, StatefulSet o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(
            n.getMetadata(), o.getMetadata(), FieldPath.of("metadata"));
    StatefulSetSpec spec = n.getSpec() == null ? new StatefulSetSpec() : n.getSpec();
    errs.addAll(validateStatefulSetSpec(spec, FieldPath.of("spec")));
    JsonNode newSpec = JSON.valueToTree(spec);
    JsonNode oldSpec = JSON.valueToTree(o.getSpec() == null ? new StatefulSetSpec() : o.getSpec());
    if (newSpec instanceof ObjectNode nn && oldSpec instanceof ObjectNode on) {
      for (String mutable :
          List.of(
              "replicas",
              "template",
              "updateStrategy",
              "minReadySeconds",
              "ordinals",
              "persistentVolumeClaimRetentionPolicy")) {
        nn.remove(mutable);
        on.remove(mutable);
      }
      if (!nn.equals(on)) {
        errs.add(
            FieldError.forbidden(
                FieldPath.of("spec"),
                "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template',"
                    + " 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds'"
                    + " are forbidden"));
      }
    }
    return errs;
  }

  private static GoValue rollingUpdateStatefulSetValue(RollingUpdateStatefulSetStrategy r) {
    return GoValueFormatter.struct("apps.RollingUpdateStatefulSetStrategy")
        .field("Partition", intOr(r.getPartition(), 0))
        .field(
            "MaxUnavailable",
            GoValueFormatter.pointer("intstr.IntOrString", r.getMaxUnavailable()));
  }

  private static GoValue statefulSetStrategyValue(StatefulSetUpdateStrategy s) {
    return GoValueFormatter.struct("apps.StatefulSetUpdateStrategy")
        .field("Type", nz(s.getType()))
        .field(
            "RollingUpdate",
            GoValueFormatter.pointer(
                "apps.RollingUpdateStatefulSetStrategy", s.getRollingUpdate()));
  }

  private static List<FieldError> validateStatefulSetSpec(StatefulSetSpec spec, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    String pmp = nz(spec.getPodManagementPolicy());
    switch (pmp) {
      case "" -> errs.add(FieldError.required(path.child("podManagementPolicy"), ""));
      case "OrderedReady", "Parallel" -> {}
      default ->
          errs.add(
              FieldError.invalid(
                  path.child("podManagementPolicy"), pmp, "must be 'OrderedReady' or 'Parallel'"));
    }
    StatefulSetUpdateStrategy us =
        spec.getUpdateStrategy() == null
            ? new StatefulSetUpdateStrategy()
            : spec.getUpdateStrategy();
    switch (nz(us.getType())) {
      case "" -> errs.add(FieldError.required(path.child("updateStrategy"), ""));
      case "OnDelete" -> {
        if (us.getRollingUpdate() != null) {
          errs.add(
              FieldError.invalid(
                  path.child("updateStrategy", "rollingUpdate"),
                  rollingUpdateStatefulSetValue(us.getRollingUpdate()),
                  "only allowed for updateStrategy 'RollingUpdate'"));
        }
      }
      case "RollingUpdate" -> {
        RollingUpdateStatefulSetStrategy ru = us.getRollingUpdate();
        if (ru != null) {
          FieldPath p = path.child("updateStrategy", "rollingUpdate");
          errs.addAll(validateNonNegative(intOr(ru.getPartition(), 0), p.child("partition")));
          if (ru.getMaxUnavailable() != null) {
            FieldPath mu = p.child("maxUnavailable");
            errs.addAll(validatePositiveIntOrPercent(ru.getMaxUnavailable(), mu));
            if (intOrPercentValue(ru.getMaxUnavailable()) == 0) {
              errs.add(
                  FieldError.invalid(
                      mu, GoValueFormatter.intOrString(ru.getMaxUnavailable()), "cannot be 0"));
            }
            errs.addAll(isNotMoreThan100Percent(ru.getMaxUnavailable(), mu));
          }
        }
      }
      default ->
          errs.add(
              FieldError.invalid(
                  path.child("updateStrategy"),
                  statefulSetStrategyValue(us),
                  "must be 'RollingUpdate' or 'OnDelete'"));
    }
    StatefulSetPersistentVolumeClaimRetentionPolicy policy =
        spec.getPersistentVolumeClaimRetentionPolicy();
    if (policy != null) {
      FieldPath p = path.child("persistentVolumeClaimRetentionPolicy");
      errs.addAll(retentionPolicyType(policy.getWhenDeleted(), p.child("whenDeleted")));
      errs.addAll(retentionPolicyType(policy.getWhenScaled(), p.child("whenScaled")));
    }
    errs.addAll(validateNonNegative(intOr(spec.getReplicas(), 0), path.child("replicas")));
    errs.addAll(
        validateNonNegative(intOr(spec.getMinReadySeconds(), 0), path.child("minReadySeconds")));
    if (spec.getOrdinals() != null) {
      errs.addAll(
          validateNonNegative(
              intOr(spec.getOrdinals().getStart(), 0), path.child("ordinals.start")));
    }
    errs.addAll(
        validateSelector(
            spec.getSelector(),
            "empty selector is invalid for statefulset",
            path.child("selector")));
    Optional<Selectors.Selector> sel = Selectors.asSelector(spec.getSelector());
    PodTemplateSpec template = spec.getTemplate();
    if (sel.isEmpty()) {
      errs.add(
          FieldError.invalid(
              path.child("selector"), GoValueFormatter.labelSelector(spec.getSelector()), ""));
    } else {
      FieldPath tp = path.child("template");
      Map<String, String> labels = templateLabels(template);
      if (!sel.get().empty() && !sel.get().matches(labels)) {
        errs.add(
            FieldError.invalid(
                tp.child("metadata", "labels"),
                GoValueFormatter.stringMap(labels),
                SELECTOR_MISMATCH));
      }
      // Upstream 1.28–1.33 checks only labels and annotations of a StatefulSet's template, never
      // its pod spec (volume claim templates would make the volume checks fail).
      ObjectMeta tm =
          template == null || template.getMetadata() == null
              ? new ObjectMeta()
              : template.getMetadata();
      errs.addAll(MetaValidation.validateLabels(tm.getLabels(), tp.child("labels")));
      errs.addAll(MetaValidation.validateAnnotations(tm.getAnnotations(), tp.child("annotations")));
      errs.addAll(
          PodValidation.validatePodSpecificAnnotations(
              tm.getAnnotations(), templateSpec(template), tp.child("annotations")));
    }
    PodSpec ps = templateSpec(template);
    String rp = nz(ps.getRestartPolicy());
    if (!rp.equals("Always")) {
      errs.add(
          FieldError.notSupported(
              path.child("template", "spec", "restartPolicy"), rp, List.of("Always")));
    }
    if (ps.getActiveDeadlineSeconds() != null) {
      errs.add(
          FieldError.forbidden(
              path.child("template", "spec", "activeDeadlineSeconds"),
              "activeDeadlineSeconds in StatefulSet is not Supported"));
    }
    return errs;
  }

  private static List<FieldError> retentionPolicyType(String policy, FieldPath path) {
    String p = nz(policy);
    if (p.equals("Retain") || p.equals("Delete")) {
      return List.of();
    }
    return List.of(FieldError.notSupported(path, p, List.of("Retain", "Delete")));
  }

  static List<FieldError> validateStatefulSetStatusUpdate(StatefulSet n, StatefulSet o) {
    List<FieldError> errs = new ArrayList<>();
    StatefulSetStatus s = n.getStatus() == null ? new StatefulSetStatus() : n.getStatus();
    FieldPath p = FieldPath.of("status");
    int replicas = intOr(s.getReplicas(), 0);
    int ready = intOr(s.getReadyReplicas(), 0);
    int current = intOr(s.getCurrentReplicas(), 0);
    int updated = intOr(s.getUpdatedReplicas(), 0);
    int available = intOr(s.getAvailableReplicas(), 0);
    errs.addAll(validateNonNegative(replicas, p.child("replicas")));
    errs.addAll(validateNonNegative(ready, p.child("readyReplicas")));
    errs.addAll(validateNonNegative(current, p.child("currentReplicas")));
    errs.addAll(validateNonNegative(updated, p.child("updatedReplicas")));
    errs.addAll(validateNonNegative(available, p.child("availableReplicas")));
    if (s.getObservedGeneration() != null) {
      errs.addAll(validateNonNegative(s.getObservedGeneration(), p.child("observedGeneration")));
    }
    if (s.getCollisionCount() != null) {
      errs.addAll(validateNonNegative(s.getCollisionCount(), p.child("collisionCount")));
    }
    String msg = "cannot be greater than status.replicas";
    if (ready > replicas) {
      errs.add(FieldError.invalid(p.child("readyReplicas"), ready, msg));
    }
    if (current > replicas) {
      errs.add(FieldError.invalid(p.child("currentReplicas"), current, msg));
    }
    if (updated > replicas) {
      errs.add(FieldError.invalid(p.child("updatedReplicas"), updated, msg));
    }
    if (available > replicas) {
      errs.add(FieldError.invalid(p.child("availableReplicas"), available, msg));
    }
    if (available > ready) {
      errs.add(
          FieldError.invalid(
              p.child("availableReplicas"),
              available,
              "cannot be greater than status.readyReplicas"));
    }
    errs.addAll(
        MetaValidation.validateObjectMetaUpdate(
            n.getMetadata(), o.getMetadata(), FieldPath.of("metadata")));
    errs.addAll(
        collisionCountDecremented(
            s.getCollisionCount(),
            o.getStatus() == null ? null : o.getStatus().getCollisionCount(),
            p));
    return errs;
  }

  // ---- DaemonSet ----

  static List<FieldError> validateDaemonSet(DaemonSet ds) {
    List<FieldError> errs =
        MetaValidation.validateObjectMeta(
            ds.getMetadata(), true, Names.DNS_SUBDOMAIN, FieldPath.of("metadata"));
    errs.addAll(
        validateDaemonSetSpec(
            ds.getSpec() == null ? new DaemonSetSpec() : ds.getSpec(), FieldPath.of("spec")));
    return errs;
  }

  static List<FieldError> validateDaemonSetUpdate(DaemonSet n, DaemonSet o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(
            n.getMetadata(), o.getMetadata(), FieldPath.of("metadata"));
    DaemonSetSpec spec = n.getSpec() == null ? new DaemonSetSpec() : n.getSpec();
    errs.addAll(validateDaemonSetSpec(spec, FieldPath.of("spec")));
    errs.addAll(
        selectorImmutable(
            spec.getSelector(), o.getSpec() == null ? null : o.getSpec().getSelector()));
    return errs;
  }

  private static List<FieldError> validateDaemonSetSpec(DaemonSetSpec spec, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    errs.addAll(Selectors.validate(spec.getSelector(), false, path.child("selector")));
    Optional<Selectors.Selector> sel = Selectors.asSelector(spec.getSelector());
    Map<String, String> labels = templateLabels(spec.getTemplate());
    // Unlike the other workloads, a DaemonSet checks the labels whenever the selector parses,
    // so a missing selector (which matches nothing) is reported only here.
    if (sel.isPresent() && !sel.get().matches(labels)) {
      errs.add(
          FieldError.invalid(
              path.child("template", "metadata", "labels"),
              GoValueFormatter.stringMap(labels),
              SELECTOR_MISMATCH));
    }
    if (Selectors.isEmpty(spec.getSelector())) {
      errs.add(
          FieldError.invalid(
              path.child("selector"),
              GoValueFormatter.labelSelector(spec.getSelector()),
              "empty selector is invalid for daemonset"));
    }
    errs.addAll(PodValidation.validatePodTemplateSpec(spec.getTemplate(), path.child("template")));
    errs.addAll(
        restartAlwaysOnly(
            templateSpec(spec.getTemplate()), "DaemonSet", path.child("template", "spec")));
    errs.addAll(
        validateNonNegative(intOr(spec.getMinReadySeconds(), 0), path.child("minReadySeconds")));
    errs.addAll(
        validateDaemonSetUpdateStrategy(spec.getUpdateStrategy(), path.child("updateStrategy")));
    if (spec.getRevisionHistoryLimit() != null) {
      errs.addAll(
          validateNonNegative(spec.getRevisionHistoryLimit(), path.child("revisionHistoryLimit")));
    }
    return errs;
  }

  private static GoValue daemonSetStrategyValue(DaemonSetUpdateStrategy s) {
    return GoValueFormatter.struct("apps.DaemonSetUpdateStrategy")
        .field("Type", nz(s.getType()))
        .field(
            "RollingUpdate",
            GoValueFormatter.pointer("apps.RollingUpdateDaemonSet", s.getRollingUpdate()));
  }

  private static List<FieldError> validateDaemonSetUpdateStrategy(
      DaemonSetUpdateStrategy strategy, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    DaemonSetUpdateStrategy s = strategy == null ? new DaemonSetUpdateStrategy() : strategy;
    switch (nz(s.getType())) {
      case "OnDelete" -> {}
      case "RollingUpdate" -> {
        RollingUpdateDaemonSet ru = s.getRollingUpdate();
        if (ru == null) {
          errs.add(FieldError.required(path.child("rollingUpdate"), ""));
          return errs;
        }
        FieldPath p = path.child("rollingUpdate");
        errs.addAll(
            validatePositiveIntOrPercent(ru.getMaxUnavailable(), p.child("maxUnavailable")));
        errs.addAll(validatePositiveIntOrPercent(ru.getMaxSurge(), p.child("maxSurge")));
        errs.addAll(isNotMoreThan100Percent(ru.getMaxUnavailable(), p.child("maxUnavailable")));
        errs.addAll(isNotMoreThan100Percent(ru.getMaxSurge(), p.child("maxSurge")));
        boolean hasUnavailable = intOrPercentValue(ru.getMaxUnavailable()) != 0;
        boolean hasSurge = intOrPercentValue(ru.getMaxSurge()) != 0;
        if (hasUnavailable && hasSurge) {
          errs.add(
              FieldError.invalid(
                  p.child("maxSurge"),
                  GoValueFormatter.intOrString(ru.getMaxSurge()),
                  "may not be set when maxUnavailable is non-zero"));
        } else if (!hasUnavailable && !hasSurge) {
          errs.add(
              FieldError.required(p.child("maxUnavailable"), "cannot be 0 when maxSurge is 0"));
        }
      }
      default ->
          errs.add(
              FieldError.notSupported(
                  path, daemonSetStrategyValue(s), List.of("RollingUpdate", "OnDelete")));
    }
    return errs;
  }

  static List<FieldError> validateDaemonSetStatusUpdate(DaemonSet n, DaemonSet o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(
            n.getMetadata(), o.getMetadata(), FieldPath.of("metadata"));
    DaemonSetStatus s = n.getStatus() == null ? new DaemonSetStatus() : n.getStatus();
    FieldPath p = FieldPath.of("status");
    errs.addAll(
        validateNonNegative(
            intOr(s.getCurrentNumberScheduled(), 0), p.child("currentNumberScheduled")));
    errs.addAll(
        validateNonNegative(intOr(s.getNumberMisscheduled(), 0), p.child("numberMisscheduled")));
    errs.addAll(
        validateNonNegative(
            intOr(s.getDesiredNumberScheduled(), 0), p.child("desiredNumberScheduled")));
    errs.addAll(validateNonNegative(intOr(s.getNumberReady(), 0), p.child("numberReady")));
    errs.addAll(
        validateNonNegative(
            s.getObservedGeneration() == null ? 0 : s.getObservedGeneration(),
            p.child("observedGeneration")));
    errs.addAll(
        validateNonNegative(
            intOr(s.getUpdatedNumberScheduled(), 0), p.child("updatedNumberScheduled")));
    errs.addAll(validateNonNegative(intOr(s.getNumberAvailable(), 0), p.child("numberAvailable")));
    errs.addAll(
        validateNonNegative(intOr(s.getNumberUnavailable(), 0), p.child("numberUnavailable")));
    if (s.getCollisionCount() != null) {
      errs.addAll(validateNonNegative(s.getCollisionCount(), p.child("collisionCount")));
    }
    errs.addAll(
        collisionCountDecremented(
            s.getCollisionCount(),
            o.getStatus() == null ? null : o.getStatus().getCollisionCount(),
            p));
    return errs;
  }

  // ---- ControllerRevision ----

  static List<FieldError> validateControllerRevision(ControllerRevision cr) {
    List<FieldError> errs =
        MetaValidation.validateObjectMeta(
            cr.getMetadata(), true, Names.DNS_SUBDOMAIN, FieldPath.of("metadata"));
    if (cr.getData() == null) {
      errs.add(FieldError.required(FieldPath.of("data"), "data is mandatory"));
    }
    errs.addAll(
        validateNonNegative(
            cr.getRevision() == null ? 0 : cr.getRevision(), FieldPath.of("revision")));
    return errs;
  }

  static List<FieldError> validateControllerRevisionUpdate(
      ControllerRevision n, ControllerRevision o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(
            n.getMetadata(), o.getMetadata(), FieldPath.of("metadata"));
    errs.addAll(validateControllerRevision(n));
    JsonNode nd = JSON.valueToTree(n.getData());
    JsonNode od = JSON.valueToTree(o.getData());
    if (!nd.equals(od)) {
      errs.add(
          FieldError.invalid(
              FieldPath.of("data"), rawExtensionValue(nd), MetaValidation.FIELD_IMMUTABLE));
    }
    return errs;
  }

  /** {@code %#v} of a {@code runtime.RawExtension}, whose bytes Go prints one by one in hex. */
  private static GoValue rawExtensionValue(JsonNode data) {
    byte[] raw = data.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    StringBuilder b = new StringBuilder("runtime.RawExtension{Raw:[]uint8{");
    for (int i = 0; i < raw.length; i++) {
      b.append(i == 0 ? "" : ", ").append(String.format("0x%x", raw[i] & 0xff));
    }
    String text = b.append("}, Object:runtime.Object(nil)}").toString();
    return () -> text;
  }
}
