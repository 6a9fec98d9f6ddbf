package io.skiff.api.validation;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Server-side validation of the kinds Skiff serves, with upstream Kubernetes 1.28's rules and error
 * texts. Call it on defaulted objects (see {@code io.skiff.api.defaults.Defaulter}), after the
 * registry has filled in what upstream fills in before validating: a generated name, on update the
 * stored {@code resourceVersion} (for unconditional updates), uid and creationTimestamp.
 *
 * <p>Every method returns the errors in upstream's order, duplicates included (upstream reports
 * some ObjectMeta problems twice on update); {@link #invalid} turns them into the 422 failure.
 */
public final class Validator {

  private Validator() {}

  /** The errors of an object about to be created; empty when it is valid. */
  public static List<FieldError> validateCreate(HasMetadata obj) {
    List<FieldError> errs = validateKind(obj);
    // The generic registry checks ObjectMeta only once the kind's own checks passed.
    if (errs.isEmpty()) {
      errs = genericMeta(obj);
    }
    return errs;
  }

  /** The errors of a full update (PUT or PATCH of the main resource). */
  public static List<FieldError> validateUpdate(HasMetadata newObj, HasMetadata oldObj) {
    requireSameType(newObj, oldObj);
    List<FieldError> errs = genericUpdate(newObj, oldObj);
    errs.addAll(validateKindUpdate(newObj, oldObj));
    return errs;
  }

  /** The errors of a write to the {@code /status} subresource. */
  public static List<FieldError> validateStatusUpdate(HasMetadata newObj, HasMetadata oldObj) {
    requireSameType(newObj, oldObj);
    List<FieldError> errs = genericUpdate(newObj, oldObj);
    errs.addAll(validateKindStatusUpdate(newObj, oldObj));
    return errs;
  }

  /** The errors of a write to a Namespace's {@code /finalize} subresource. */
  public static List<FieldError> validateNamespaceFinalize(Namespace newObj, Namespace oldObj) {
    List<FieldError> errs = genericUpdate(newObj, oldObj);
    errs.addAll(CoreValidation.validateNamespaceFinalizeUpdate(newObj, oldObj));
    return errs;
  }

  /**
   * The warnings upstream sends (as {@code Warning} headers, which kubectl prints) when an object
   * is created: a name that is not a DNS label, for kinds whose name ends up in pod hostnames.
   */
  public static List<String> warningsOnCreate(HasMetadata obj) {
    String use =
        switch (obj) {
          case Pod p -> "the Pod's hostname";
          case Deployment d -> "Pod names and hostnames";
          case ReplicaSet rs -> "Pod names and hostnames";
          case DaemonSet ds -> "Pod names and hostnames";
          case ReplicationController rc -> "Pod names and hostnames";
          case Job j -> "Pod names and hostnames";
          default -> null;
        };
    String name = meta(obj).getName() == null ? "" : meta(obj).getName();
    List<String> msgs = Names.isDns1123Label(name);
    if (use == null || msgs.isEmpty()) {
      return List.of();
    }
    return List.of(
        "metadata.name: this is used in "
            + use
            + ", which can result in surprising behavior; a DNS label is recommended: ["
            + String.join(" ", msgs)
            + "]");
  }

  /** The failure upstream returns for these errors: {@code <Kind>.<group> "<name>" is invalid}. */
  public static ValidationException invalid(HasMetadata obj, List<FieldError> errors) {
    String name = obj.getMetadata() == null ? "" : obj.getMetadata().getName();
    return new ValidationException(kind(obj), group(obj), name, errors);
  }

  /** Throws {@link #invalid} when the object may not be created. */
  public static void checkCreate(HasMetadata obj) {
    List<FieldError> errs = validateCreate(obj);
    if (!errs.isEmpty()) {
      throw invalid(obj, errs);
    }
  }

  /** Throws {@link #invalid} when the update is not allowed. */
  public static void checkUpdate(HasMetadata newObj, HasMetadata oldObj) {
    List<FieldError> errs = validateUpdate(newObj, oldObj);
    if (!errs.isEmpty()) {
      throw invalid(newObj, errs);
    }
  }

  /** Throws {@link #invalid} when the status write is not allowed. */
  public static void checkStatusUpdate(HasMetadata newObj, HasMetadata oldObj) {
    List<FieldError> errs = validateStatusUpdate(newObj, oldObj);
    if (!errs.isEmpty()) {
      throw invalid(newObj, errs);
    }
  }

  /** The object's kind, from its Java type (so a missing {@code kind} field does not matter). */
  public static String kind(HasMetadata obj) {
    return HasMetadata.getKind(obj.getClass());
  }

  /** The object's API group, {@code ""} for the core group. */
  public static String group(HasMetadata obj) {
    String g = HasMetadata.getGroup(obj.getClass());
    return g == null ? "" : g;
  }

  private static boolean namespaced(HasMetadata obj) {
    return !(obj instanceof Namespace)
        && !(obj instanceof Node)
        && !(obj instanceof PersistentVolume);
  }

  private static void requireSameType(HasMetadata a, HasMetadata b) {
    if (a.getClass() != b.getClass()) {
      throw new IllegalArgumentException(
          "cannot compare a "
              + a.getClass().getSimpleName()
              + " with a "
              + b.getClass().getSimpleName());
    }
  }

  private static ObjectMeta meta(HasMetadata obj) {
    return obj.getMetadata() == null ? new ObjectMeta() : obj.getMetadata();
  }

  /** What the generic registry checks for every kind on create. */
  private static List<FieldError> genericMeta(HasMetadata obj) {
    return MetaValidation.validateGeneric(
        meta(obj), namespaced(obj), Names.PATH_SEGMENT, FieldPath.of("metadata"));
  }

  /** What the generic registry checks for every kind on update, before the kind's own checks. */
  private static List<FieldError> genericUpdate(HasMetadata n, HasMetadata o) {
    List<FieldError> errs = new ArrayList<>(genericMeta(n));
    errs.addAll(MetaValidation.validateGenericUpdate(meta(n), meta(o), FieldPath.of("metadata")));
    return errs;
  }

  private static List<FieldError> validateKind(HasMetadata obj) {
    return switch (obj) {
      case Deployment d -> AppsValidation.validateDeployment(d);
      case ReplicaSet rs -> AppsValidation.validateReplicaSet(rs);
      case StatefulSet s -> AppsValidation.validateStatefulSet(s);
      case DaemonSet ds -> AppsValidation.validateDaemonSet(ds);
      case ControllerRevision cr -> AppsValidation.validateControllerRevision(cr);
      case Job j -> BatchValidation.validateJob(j);
      case CronJob cj -> BatchValidation.validateCronJob(cj);
      case Pod p -> CoreValidation.validatePodCreate(p);
      case ReplicationController rc -> CoreValidation.validateReplicationController(rc);
      case Service s -> CoreValidation.validateService(s);
      case Namespace ns -> CoreValidation.validateNamespace(ns);
      case Node n -> CoreValidation.validateNode(n);
      case ConfigMap cm -> CoreValidation.validateConfigMap(cm);
      case Secret s -> CoreValidation.validateSecret(s);
      case Endpoints ep -> CoreValidation.validateEndpoints(ep);
      case PersistentVolumeClaim pvc -> CoreValidation.validatePvc(pvc);
      case PersistentVolume pv -> CoreValidation.validatePv(pv);
      case Event e -> CoreValidation.validateCoreEvent(e);
      case io.fabric8.kubernetes.api.model.events.v1.Event e -> OtherValidation.validateEvent(e);
      case Lease l -> OtherValidation.validateLease(l);
      case PodDisruptionBudget pdb -> OtherValidation.validatePdb(pdb);
      case ServiceAccount sa -> CoreValidation.validateSimple(sa.getMetadata(), true);
      default ->
          MetaValidation.validateObjectMeta(
              obj.getMetadata(), namespaced(obj), Names.DNS_SUBDOMAIN, FieldPath.of("metadata"));
    };
  }

  private static List<FieldError> validateKindUpdate(HasMetadata n, HasMetadata o) {
    return switch (n) {
      case Deployment d -> AppsValidation.validateDeploymentUpdate(d, (Deployment) o);
      case ReplicaSet rs -> AppsValidation.validateReplicaSetUpdate(rs, (ReplicaSet) o);
      case StatefulSet s -> AppsValidation.validateStatefulSetUpdate(s, (StatefulSet) o);
      case DaemonSet ds -> AppsValidation.validateDaemonSetUpdate(ds, (DaemonSet) o);
      case ControllerRevision cr ->
          AppsValidation.validateControllerRevisionUpdate(cr, (ControllerRevision) o);
      case Job j -> BatchValidation.validateJobUpdate(j, (Job) o);
      case CronJob cj -> BatchValidation.validateCronJobUpdate(cj, (CronJob) o);
      case Pod p -> CoreValidation.validatePodUpdate(p, (Pod) o);
      case ReplicationController rc ->
          CoreValidation.validateReplicationControllerUpdate(rc, (ReplicationController) o);
      case Service s -> CoreValidation.validateServiceUpdate(s, (Service) o);
      case Namespace ns -> CoreValidation.validateNamespaceUpdate(ns, (Namespace) o);
      case Node nd -> CoreValidation.validateNodeUpdate(nd, (Node) o);
      case ConfigMap cm -> CoreValidation.validateConfigMapUpdate(cm, (ConfigMap) o);
      case Secret s -> CoreValidation.validateSecretUpdate(s, (Secret) o);
      case PersistentVolumeClaim pvc ->
          CoreValidation.validatePvcUpdate(pvc, (PersistentVolumeClaim) o);
      case PersistentVolume pv -> CoreValidation.validatePvUpdate(pv, (PersistentVolume) o);
      case Event e -> CoreValidation.validateCoreEvent(e);
      case io.fabric8.kubernetes.api.model.events.v1.Event e ->
          OtherValidation.validateEventUpdate(
              e, (io.fabric8.kubernetes.api.model.events.v1.Event) o);
      case Lease l -> OtherValidation.validateLeaseUpdate(l, (Lease) o);
      case PodDisruptionBudget pdb -> OtherValidation.validatePdb(pdb);
      default -> {
        List<FieldError> errs =
            MetaValidation.validateObjectMetaUpdate(
                n.getMetadata(), o.getMetadata(), FieldPath.of("metadata"));
        errs.addAll(validateKind(n));
        yield errs;
      }
    };
  }

  private static List<FieldError> validateKindStatusUpdate(HasMetadata n, HasMetadata o) {
    return switch (n) {
      case Deployment d -> AppsValidation.validateDeploymentStatusUpdate(d, (Deployment) o);
      case ReplicaSet rs -> AppsValidation.validateReplicaSetStatusUpdate(rs, (ReplicaSet) o);
      case StatefulSet s -> AppsValidation.validateStatefulSetStatusUpdate(s, (StatefulSet) o);
      case DaemonSet ds -> AppsValidation.validateDaemonSetStatusUpdate(ds, (DaemonSet) o);
      case ReplicationController rc ->
          CoreValidation.validateReplicationControllerStatusUpdate(rc, (ReplicationController) o);
      case Job j -> BatchValidation.validateJobStatusUpdate(j, (Job) o);
      case CronJob cj -> List.of();
      case Pod p -> CoreValidation.validatePodStatusUpdate(p, (Pod) o);
      case Namespace ns -> CoreValidation.validateNamespaceStatusUpdate(ns, (Namespace) o);
      case Node nd -> CoreValidation.validateNodeUpdate(nd, (Node) o);
      case Service s -> CoreValidation.validateServiceStatusUpdate(s, (Service) o);
      case PodDisruptionBudget pdb -> pdbStatus(pdb, (PodDisruptionBudget) o);
      default ->
          MetaValidation.validateObjectMetaUpdate(
              n.getMetadata(), o.getMetadata(), FieldPath.of("metadata"));
    };
  }

  private static List<FieldError> pdbStatus(PodDisruptionBudget n, PodDisruptionBudget o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(
            n.getMetadata(), o.getMetadata(), FieldPath.of("metadata"));
    PodDisruptionBudgetStatus s =
        n.getStatus() == null ? new PodDisruptionBudgetStatus() : n.getStatus();
    FieldPath p = FieldPath.of("status");
    errs.addAll(
        MetaValidation.validateNonNegative(
            PodValidation.intOr(s.getDisruptionsAllowed(), 0), p.child("disruptionsAllowed")));
    errs.addAll(
        MetaValidation.validateNonNegative(
            PodValidation.intOr(s.getCurrentHealthy(), 0), p.child("currentHealthy")));
    errs.addAll(
        MetaValidation.validateNonNegative(
            PodValidation.intOr(s.getDesiredHealthy(), 0), p.child("desiredHealthy")));
    errs.addAll(
        MetaValidation.validateNonNegative(
            PodValidation.intOr(s.getExpectedPods(), 0), p.child("expectedPods")));
    return errs;
  }
}
