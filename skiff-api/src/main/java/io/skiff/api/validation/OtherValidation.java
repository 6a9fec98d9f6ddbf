package io.skiff.api.validation;

import static io.skiff.api.validation.MetaValidation.nz;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetSpec;
import java.util.ArrayList;
import java.util.List;

/** Leases, events.k8s.io Events and PodDisruptionBudgets. */
final class OtherValidation {

  private OtherValidation() {}

  // ---- Lease ----

  /**
   * Leases use apimachinery's ObjectMeta checks, without core's rule that unqualified finalizer
   * names must be Kubernetes' own.
   */
  static List<FieldError> validateLease(Lease lease) {
    ObjectMeta meta = lease.getMetadata() == null ? new ObjectMeta() : lease.getMetadata();
    List<FieldError> errs =
        MetaValidation.validateGeneric(meta, true, Names.DNS_SUBDOMAIN, FieldPath.of("metadata"));
    errs.addAll(validateLeaseSpec(lease.getSpec()));
    return errs;
  }

  static List<FieldError> validateLeaseUpdate(Lease n, Lease o) {
    List<FieldError> errs =
        MetaValidation.validateGenericUpdate(
            n.getMetadata(), o.getMetadata(), FieldPath.of("metadata"));
    errs.addAll(validateLeaseSpec(n.getSpec()));
    return errs;
  }

  private static List<FieldError> validateLeaseSpec(LeaseSpec spec) {
    List<FieldError> errs = new ArrayList<>();
    if (spec == null) {
      return errs;
    }
    FieldPath p = FieldPath.of("spec");
    if (spec.getLeaseDurationSeconds() != null && spec.getLeaseDurationSeconds() <= 0) {
      errs.add(
          FieldError.invalid(
              p.child("leaseDurationSeconds"),
              spec.getLeaseDurationSeconds(),
              "must be greater than 0"));
    }
    if (spec.getLeaseTransitions() != null && spec.getLeaseTransitions() < 0) {
      errs.add(
          FieldError.invalid(
              p.child("leaseTransitions"),
              spec.getLeaseTransitions(),
              "must be greater than or equal to 0"));
    }
    return errs;
  }

  // ---- events.k8s.io/v1 Event ----

  /**
   * Upstream stores events.k8s.io Events as core Events and validates them there, so error paths
   * use the core field names ({@code involvedObject}, {@code message}).
   */
  static List<FieldError> validateEvent(Event e) {
    ObjectMeta m = e.getMetadata() == null ? new ObjectMeta() : e.getMetadata();
    boolean hasEventTime = e.getEventTime() != null && !nz(e.getEventTime().getTime()).isEmpty();
    List<FieldError> errs =
        CoreValidation.validateLegacyEvent(
            nz(m.getNamespace()),
            e.getRegarding() == null ? "" : nz(e.getRegarding().getNamespace()),
            hasEventTime,
            nz(e.getReportingController()),
            nz(e.getReportingInstance()),
            nz(e.getAction()),
            nz(e.getReason()),
            nz(e.getNote()));
    errs.addAll(
        MetaValidation.validateObjectMeta(m, true, Names.DNS_SUBDOMAIN, FieldPath.of("metadata")));
    errs.addAll(validateSeries(e));
    if (!hasEventTime) {
      errs.add(FieldError.required(FieldPath.of("eventTime"), ""));
    }
    String type = nz(e.getType());
    if (!type.equals("Normal") && !type.equals("Warning")) {
      errs.add(FieldError.invalid(FieldPath.of("type"), "", "has invalid value: " + type));
    }
    if (!nz(e.getDeprecatedFirstTimestamp()).isEmpty()) {
      errs.add(FieldError.invalid(FieldPath.of("firstTimestamp"), "", "needs to be unset"));
    }
    if (!nz(e.getDeprecatedLastTimestamp()).isEmpty()) {
      errs.add(FieldError.invalid(FieldPath.of("lastTimestamp"), "", "needs to be unset"));
    }
    if (e.getDeprecatedCount() != null && e.getDeprecatedCount() != 0) {
      errs.add(FieldError.invalid(FieldPath.of("count"), "", "needs to be unset"));
    }
    if (e.getDeprecatedSource() != null
        && (!nz(e.getDeprecatedSource().getComponent()).isEmpty()
            || !nz(e.getDeprecatedSource().getHost()).isEmpty())) {
      errs.add(FieldError.invalid(FieldPath.of("source"), "", "needs to be unset"));
    }
    return errs;
  }

  private static List<FieldError> validateSeries(Event e) {
    List<FieldError> errs = new ArrayList<>();
    if (e.getSeries() != null) {
      if (e.getSeries().getCount() == null || e.getSeries().getCount() < 2) {
        errs.add(FieldError.invalid(FieldPath.of("series.count"), "", "should be at least 2"));
      }
      if (e.getSeries().getLastObservedTime() == null
          || nz(e.getSeries().getLastObservedTime().getTime()).isEmpty()) {
        errs.add(FieldError.required(FieldPath.of("series.lastObservedTime"), ""));
      }
    }
    return errs;
  }

  static List<FieldError> validateEventUpdate(Event n, Event o) {
    List<FieldError> errs = validateEvent(n);
    errs.addAll(
        MetaValidation.validateObjectMetaUpdate(
            n.getMetadata(), o.getMetadata(), FieldPath.of("metadata")));
    immutable(errs, n.getReason(), o.getReason(), "reason");
    immutable(errs, n.getNote(), o.getNote(), "message");
    immutable(errs, n.getType(), o.getType(), "type");
    immutable(errs, n.getAction(), o.getAction(), "action");
    immutable(errs, n.getReportingController(), o.getReportingController(), "reportingController");
    immutable(errs, n.getReportingInstance(), o.getReportingInstance(), "reportingInstance");
    return errs;
  }

  private static void immutable(List<FieldError> errs, String n, String o, String field) {
    errs.addAll(MetaValidation.validateImmutable(nz(n), nz(o), nz(n), FieldPath.of(field)));
  }

  // ---- PodDisruptionBudget ----

  static List<FieldError> validatePdb(PodDisruptionBudget pdb) {
    List<FieldError> errs = new ArrayList<>();
    PodDisruptionBudgetSpec spec =
        pdb.getSpec() == null ? new PodDisruptionBudgetSpec() : pdb.getSpec();
    FieldPath p = FieldPath.of("spec");
    if (spec.getMinAvailable() != null && spec.getMaxUnavailable() != null) {
      errs.add(
          FieldError.invalid(
              p,
              GoValueFormatter.stringer("policy.PodDisruptionBudgetSpec{...}"),
              "minAvailable and maxUnavailable cannot be both set"));
    }
    if (spec.getMinAvailable() != null) {
      errs.addAll(
          AppsValidation.validatePositiveIntOrPercent(
              spec.getMinAvailable(), p.child("minAvailable")));
      errs.addAll(
          AppsValidation.isNotMoreThan100Percent(spec.getMinAvailable(), p.child("minAvailable")));
    }
    if (spec.getMaxUnavailable() != null) {
      errs.addAll(
          AppsValidation.validatePositiveIntOrPercent(
              spec.getMaxUnavailable(), p.child("maxUnavailable")));
      errs.addAll(
          AppsValidation.isNotMoreThan100Percent(
              spec.getMaxUnavailable(), p.child("maxUnavailable")));
    }
    errs.addAll(Selectors.validate(spec.getSelector(), false, p.child("selector")));
    String policy = spec.getUnhealthyPodEvictionPolicy();
    List<String> policies = List.of("AlwaysAllow", "IfHealthyBudget");
    if (policy != null && !policies.contains(policy)) {
      errs.add(FieldError.notSupported(p.child("unhealthyPodEvictionPolicy"), policy, policies));
    }
    return errs;
  }
}
