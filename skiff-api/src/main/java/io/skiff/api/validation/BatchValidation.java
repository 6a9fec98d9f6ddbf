package io.skiff.api.validation;

import static io.skiff.api.validation.MetaValidation.nz;
import static io.skiff.api.validation.MetaValidation.validateNonNegative;
import static io.skiff.api.validation.Selectors.nonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** Validation of batch/v1 Jobs and CronJobs, after upstream's batch validation (1.28). */
final class BatchValidation {

  private BatchValidation() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  static final String CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid";
  static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";
  static final String LEGACY_CONTROLLER_UID_LABEL = "controller-uid";
  private static final int MAX_PARALLELISM_FOR_INDEXED_JOB = 100000;
  private static final Pattern TIME_ZONE_PART = Pattern.compile("[A-Za-z\\.\\-_0-9+]{1,14}");

  // ---- Job ----

  static List<FieldError> validateJob(Job job) {
    ObjectMeta meta = job.getMetadata() == null ? new ObjectMeta() : job.getMetadata();
    JobSpec spec = job.getSpec() == null ? new JobSpec() : job.getSpec();
    List<FieldError> errs =
        MetaValidation.validateObjectMeta(
            meta, true, Names.DNS_SUBDOMAIN, FieldPath.of("metadata"));
    errs.addAll(validateGeneratedSelector(meta, spec));
    errs.addAll(validateJobSpecWithSelector(spec, FieldPath.of("spec")));
    if ("Indexed".equals(spec.getCompletionMode())
        && spec.getCompletions() != null
        && spec.getCompletions() > 0) {
      // Indexed pods are named <job>-<index>, which must stay a valid hostname.
      String maxHostname = nz(meta.getName()) + "-" + (spec.getCompletions() - 1);
      if (!Names.isDns1123Label(maxHostname).isEmpty()) {
        errs.add(
            FieldError.invalid(
                FieldPath.of("metadata", "name"),
                nz(meta.getName()),
                "will not able to create pod with invalid DNS label: " + maxHostname));
      }
    }
    return errs;
  }

  /** The labels and selector that selector generation must have produced. */
  private static List<FieldError> validateGeneratedSelector(ObjectMeta meta, JobSpec spec) {
    List<FieldError> errs = new ArrayList<>();
    if (Boolean.TRUE.equals(spec.getManualSelector()) || spec.getSelector() == null) {
      return errs;
    }
    String uid = nz(meta.getUid());
    if (uid.isEmpty()) {
      errs.add(FieldError.required(FieldPath.of("metadata", "uid"), ""));
    }
    PodTemplateSpec t = spec.getTemplate();
    Map<String, String> labels =
        t == null || t.getMetadata() == null ? null : t.getMetadata().getLabels();
    FieldPath tm = FieldPath.of("spec", "template", "metadata");
    errs.addAll(hasLabel(labels, tm, CONTROLLER_UID_LABEL, uid));
    errs.addAll(hasLabel(labels, tm, JOB_NAME_LABEL, nz(meta.getName())));
    Map<String, String> expected =
        Map.of(CONTROLLER_UID_LABEL, uid, LEGACY_CONTROLLER_UID_LABEL, uid);
    Selectors.asSelector(spec.getSelector())
        .ifPresent(
            sel -> {
              if (!sel.matches(expected)) {
                errs.add(
                    FieldError.invalid(
                        FieldPath.of("spec", "selector"),
                        GoValueFormatter.labelSelector(spec.getSelector()),
                        "`selector` not auto-generated"));
              }
            });
    return errs;
  }

  private static List<FieldError> hasLabel(
      Map<String, String> labels, FieldPath meta, String key, String expected) {
    Map<String, String> l = nonNull(labels);
    FieldPath p = meta.child("labels").key(key);
    if (!l.containsKey(key)) {
      return List.of(FieldError.required(p, "must be '" + expected + "'"));
    }
    if (!Objects.equals(l.get(key), expected)) {
      return List.of(
          FieldError.invalid(p, GoValueFormatter.stringMap(labels), "must be '" + expected + "'"));
    }
    return List.of();
  }

  private static List<FieldError> validateJobSpecWithSelector(JobSpec spec, FieldPath path) {
    List<FieldError> errs = validateJobSpec(spec, path);
    if (spec.getSelector() == null) {
      errs.add(FieldError.required(path.child("selector"), ""));
    } else {
      errs.addAll(Selectors.validate(spec.getSelector(), false, path.child("selector")));
    }
    Optional<Selectors.Selector> sel = Selectors.asSelector(spec.getSelector());
    if (sel.isPresent()) {
      if (sel.get().empty()) {
        errs.add(FieldError.required(path.child("selector"), ""));
      }
      PodTemplateSpec t = spec.getTemplate();
      Map<String, String> labels =
          t == null || t.getMetadata() == null ? null : t.getMetadata().getLabels();
      if (!sel.get().matches(labels)) {
        errs.add(
            FieldError.invalid(
                path.child("template", "metadata", "labels"),
                GoValueFormatter.stringMap(labels),
                AppsValidation.SELECTOR_MISMATCH));
      }
    }
    return errs;
  }

  private static List<FieldError> validateJobSpec(JobSpec spec, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    if (spec.getParallelism() != null) {
      errs.addAll(validateNonNegative(spec.getParallelism(), path.child("parallelism")));
    }
    if (spec.getCompletions() != null) {
      errs.addAll(validateNonNegative(spec.getCompletions(), path.child("completions")));
    }
    if (spec.getActiveDeadlineSeconds() != null) {
      errs.addAll(
          validateNonNegative(
              spec.getActiveDeadlineSeconds(), path.child("activeDeadlineSeconds")));
    }
    if (spec.getBackoffLimit() != null) {
      errs.addAll(validateNonNegative(spec.getBackoffLimit(), path.child("backoffLimit")));
    }
    if (spec.getTtlSecondsAfterFinished() != null) {
      errs.addAll(
          validateNonNegative(
              spec.getTtlSecondsAfterFinished(), path.child("ttlSecondsAfterFinished")));
    }
    if (spec.getCompletionMode() != null) {
      String mode = spec.getCompletionMode();
      if (!mode.equals("NonIndexed") && !mode.equals("Indexed")) {
        errs.add(
            FieldError.notSupported(
                path.child("completionMode"), mode, List.of("NonIndexed", "Indexed")));
      }
      if (mode.equals("Indexed")) {
        if (spec.getCompletions() == null) {
          errs.add(
              FieldError.required(path.child("completions"), "when completion mode is Indexed"));
        }
        if (spec.getParallelism() != null
            && spec.getParallelism() > MAX_PARALLELISM_FOR_INDEXED_JOB) {
          errs.add(
              FieldError.invalid(
                  path.child("parallelism"),
                  spec.getParallelism(),
                  "must be less than or equal to "
                      + MAX_PARALLELISM_FOR_INDEXED_JOB
                      + " when completion mode is Indexed"));
        }
      }
    }
    FieldPath tp = path.child("template");
    errs.addAll(PodValidation.validatePodTemplateSpec(spec.getTemplate(), tp));
    PodSpec ps =
        spec.getTemplate() == null || spec.getTemplate().getSpec() == null
            ? new PodSpec()
            : spec.getTemplate().getSpec();
    String rp = nz(ps.getRestartPolicy());
    FieldPath rpp = tp.child("spec", "restartPolicy");
    // Defaulting turns an unset policy into Always, so both mean "not set" to a Job.
    if (rp.equals("Always") || rp.isEmpty()) {
      errs.add(FieldError.required(rpp, "valid values: \"OnFailure\", \"Never\""));
    } else if (!rp.equals("OnFailure") && !rp.equals("Never")) {
      errs.add(FieldError.notSupported(rpp, rp, List.of("OnFailure", "Never")));
    } else if (spec.getPodFailurePolicy() != null && !rp.equals("Never")) {
      errs.add(
          FieldError.invalid(
              rpp, rp, "only \"Never\" is supported when podFailurePolicy is specified"));
    }
    return errs;
  }

  static List<FieldError> validateJobUpdate(Job n, Job o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(
            n.getMetadata(), o.getMetadata(), FieldPath.of("metadata"));
    JobSpec spec = n.getSpec() == null ? new JobSpec() : n.getSpec();
    JobSpec old = o.getSpec() == null ? new JobSpec() : o.getSpec();
    FieldPath path = FieldPath.of("spec");
    errs.addAll(validateJobSpecWithSelector(spec, path));
    if (!Objects.equals(spec.getCompletions(), old.getCompletions())) {
      boolean elastic =
          "Indexed".equals(spec.getCompletionMode())
              && "Indexed".equals(old.getCompletionMode())
              && spec.getCompletions() != null
              && old.getCompletions() != null;
      if (!elastic) {
        errs.add(
            FieldError.invalid(
                path.child("completions"), spec.getCompletions(), MetaValidation.FIELD_IMMUTABLE));
      } else if (!Objects.equals(spec.getCompletions(), spec.getParallelism())) {
        errs.add(
            FieldError.invalid(
                path.child("completions"),
                spec.getCompletions(),
                "can only be modified in tandem with spec.parallelism"));
      }
    }
    if (!Objects.equals(
        JSON.valueToTree(spec.getSelector()), JSON.valueToTree(old.getSelector()))) {
      errs.add(
          FieldError.invalid(
              path.child("selector"),
              spec.getSelector() == null
                  ? null
                  : GoValueFormatter.labelSelector(spec.getSelector()),
              MetaValidation.FIELD_IMMUTABLE));
    }
    errs.addAll(templateImmutable(spec, old, o.getStatus(), path.child("template")));
    if (!Objects.equals(spec.getCompletionMode(), old.getCompletionMode())) {
      errs.add(
          FieldError.invalid(
              path.child("completionMode"),
              spec.getCompletionMode(),
              MetaValidation.FIELD_IMMUTABLE));
    }
    if (!Objects.equals(
        JSON.valueToTree(spec.getPodFailurePolicy()),
        JSON.valueToTree(old.getPodFailurePolicy()))) {
      errs.add(
          FieldError.invalid(
              path.child("podFailurePolicy"),
              GoValueFormatter.stringer("batch.PodFailurePolicy{...}"),
              MetaValidation.FIELD_IMMUTABLE));
    }
    return errs;
  }

  /**
   * A Job's pod template is immutable, except that a suspended Job that never started may change
   * its scheduling directives.
   */
  private static List<FieldError> templateImmutable(
      JobSpec spec, JobSpec old, JobStatus oldStatus, FieldPath path) {
    ObjectNode n =
        JSON.valueToTree(spec.getTemplate() == null ? new PodTemplateSpec() : spec.getTemplate());
    ObjectNode o =
        JSON.valueToTree(old.getTemplate() == null ? new PodTemplateSpec() : old.getTemplate());
    boolean neverStarted = oldStatus == null || nz(oldStatus.getStartTime()).isEmpty();
    if (Boolean.TRUE.equals(spec.getSuspend()) && neverStarted) {
      for (String field : List.of("labels", "annotations")) {
        copy(n.withObject("metadata"), o.withObject("metadata"), field);
      }
      for (String field : List.of("nodeSelector", "tolerations", "affinity", "schedulingGates")) {
        copy(n.withObject("spec"), o.withObject("spec"), field);
      }
    }
    if (n.equals(o)) {
      return List.of();
    }
    // Upstream prints the whole internal PodTemplateSpec with %#v here, pointers and all, which
    // cannot be reproduced; the detail text is exact.
    return List.of(
        FieldError.invalid(
            path,
            GoValueFormatter.stringer("core.PodTemplateSpec{...}"),
            MetaValidation.FIELD_IMMUTABLE));
  }

  private static void copy(ObjectNode target, ObjectNode source, String field) {
    if (source.has(field)) {
      target.set(field, source.get(field));
    } else {
      target.remove(field);
    }
  }

  static List<FieldError> validateJobStatusUpdate(Job n, Job o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(
            n.getMetadata(), o.getMetadata(), FieldPath.of("metadata"));
    JobStatus s = n.getStatus() == null ? new JobStatus() : n.getStatus();
    FieldPath p = FieldPath.of("status");
    errs.addAll(validateNonNegative(PodValidation.intOr(s.getActive(), 0), p.child("active")));
    errs.addAll(
        validateNonNegative(PodValidation.intOr(s.getSucceeded(), 0), p.child("succeeded")));
    errs.addAll(validateNonNegative(PodValidation.intOr(s.getFailed(), 0), p.child("failed")));
    if (s.getReady() != null) {
      errs.addAll(validateNonNegative(s.getReady(), p.child("ready")));
    }
    return errs;
  }

  // ---- CronJob ----

  static List<FieldError> validateCronJob(CronJob cj) {
    ObjectMeta meta = cj.getMetadata() == null ? new ObjectMeta() : cj.getMetadata();
    List<FieldError> errs =
        MetaValidation.validateObjectMeta(
            meta, true, Names.DNS_SUBDOMAIN, FieldPath.of("metadata"));
    String name = nz(meta.getName());
    // Jobs get an 11-character suffix (-<timestamp>) and must stay within 63 characters.
    if (name.length() > Names.DNS1035_LABEL_MAX - 11) {
      errs.add(
          FieldError.invalid(
              FieldPath.of("metadata", "name"), name, "must be no more than 52 characters"));
    }
    errs.addAll(
        validateCronJobSpec(
            cj.getSpec() == null ? new CronJobSpec() : cj.getSpec(), null, FieldPath.of("spec")));
    return errs;
  }

  static List<FieldError> validateCronJobUpdate(CronJob n, CronJob o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(
            n.getMetadata(), o.getMetadata(), FieldPath.of("metadata"));
    errs.addAll(
        validateCronJobSpec(
            n.getSpec() == null ? new CronJobSpec() : n.getSpec(),
            o.getSpec() == null ? new CronJobSpec() : o.getSpec(),
            FieldPath.of("spec")));
    return errs;
  }

  private static List<FieldError> validateCronJobSpec(
      CronJobSpec spec, CronJobSpec old, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    String schedule = nz(spec.getSchedule());
    FieldPath sp = path.child("schedule");
    if (schedule.isEmpty()) {
      errs.add(FieldError.required(sp, ""));
    } else {
      boolean allowTz = old != null && nz(old.getSchedule()).contains("TZ");
      CronSchedule.check(schedule)
          .ifPresent(msg -> errs.add(FieldError.invalid(sp, schedule, msg)));
      if (allowTz && schedule.contains("TZ") && spec.getTimeZone() != null) {
        errs.add(
            FieldError.invalid(
                sp, schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"));
      } else if (!allowTz && schedule.contains("TZ")) {
        errs.add(
            FieldError.invalid(
                sp, schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
      }
    }
    if (spec.getStartingDeadlineSeconds() != null) {
      errs.addAll(
          validateNonNegative(
              spec.getStartingDeadlineSeconds(), path.child("startingDeadlineSeconds")));
    }
    if (old == null || !Objects.equals(old.getTimeZone(), spec.getTimeZone())) {
      errs.addAll(validateTimeZone(spec.getTimeZone(), path.child("timeZone")));
    }
    String cp = nz(spec.getConcurrencyPolicy());
    List<String> policies = List.of("Allow", "Forbid", "Replace");
    if (cp.isEmpty()) {
      errs.add(FieldError.required(path.child("concurrencyPolicy"), ""));
    } else if (!policies.contains(cp)) {
      errs.add(FieldError.notSupported(path.child("concurrencyPolicy"), cp, policies));
    }
    errs.addAll(validateJobTemplateSpec(spec.getJobTemplate(), path.child("jobTemplate")));
    if (spec.getSuccessfulJobsHistoryLimit() != null) {
      errs.addAll(
          validateNonNegative(
              spec.getSuccessfulJobsHistoryLimit(), path.child("successfulJobsHistoryLimit")));
    }
    if (spec.getFailedJobsHistoryLimit() != null) {
      errs.addAll(
          validateNonNegative(
              spec.getFailedJobsHistoryLimit(), path.child("failedJobsHistoryLimit")));
    }
    return errs;
  }

  private static List<FieldError> validateTimeZone(String tz, FieldPath path) {
    if (tz == null) {
      return List.of();
    }
    if (tz.isEmpty()) {
      return List.of(FieldError.invalid(path, tz, "timeZone must be nil or non-empty string"));
    }
    for (String part : tz.split("/", -1)) {
      if (part.equals(".")
          || part.equals("..")
          || part.startsWith("-")
          || !TIME_ZONE_PART.matcher(part).matches()) {
        return List.of(FieldError.invalid(path, tz, "unknown time zone " + tz));
      }
    }
    List<FieldError> errs = new ArrayList<>();
    if (tz.equalsIgnoreCase("Local")) {
      errs.add(
          FieldError.invalid(
              path,
              tz,
              "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
    }
    // Go resolves "Local" to the server's zone; every other name must be in the zone database.
    if (!tz.equals("Local")
        && !tz.equals("UTC")
        && !java.time.ZoneId.getAvailableZoneIds().contains(tz)) {
      errs.add(FieldError.invalid(path, tz, "unknown time zone " + tz));
    }
    return errs;
  }

  private static List<FieldError> validateJobTemplateSpec(JobTemplateSpec t, FieldPath path) {
    JobSpec spec = t == null || t.getSpec() == null ? new JobSpec() : t.getSpec();
    List<FieldError> errs = validateJobSpec(spec, path.child("spec"));
    if (spec.getSelector() != null) {
      errs.add(
          FieldError.invalid(
              path.child("spec", "selector"),
              GoValueFormatter.labelSelector(spec.getSelector()),
              "`selector` will be auto-generated"));
    }
    if (Boolean.TRUE.equals(spec.getManualSelector())) {
      errs.add(
          FieldError.notSupported(
              path.child("spec", "manualSelector"), true, List.of("nil", "false")));
    }
    return errs;
  }
}
