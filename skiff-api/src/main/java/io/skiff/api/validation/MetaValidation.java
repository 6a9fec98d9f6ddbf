package io.skiff.api.validation;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * ObjectMeta, label and annotation validation: {@code
 * apimachinery/pkg/api/validation/objectmeta.go} plus the core additions ({@code kubernetes.io}
 * finalizer names).
 */
final class MetaValidation {

  private MetaValidation() {}

  static final int TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
  static final String FIELD_IMMUTABLE = "field is immutable";
  static final String IS_NEGATIVE = "must be greater than or equal to 0";

  private static final Set<String> STANDARD_FINALIZERS =
      Set.of("kubernetes", "orphan", "foregroundDeletion");

  static List<FieldError> validateLabelName(String name, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    for (String msg : Names.isQualifiedName(name)) {
      errs.add(FieldError.invalid(path, name, msg));
    }
    return errs;
  }

  /** Keys and values of a label map; every error is reported at {@code path} itself. */
  static List<FieldError> validateLabels(Map<String, String> labels, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    // Go iterates maps in random order; sorted keys make Skiff's output stable.
    for (Map.Entry<String, String> e : new TreeMap<>(Selectors.nonNull(labels)).entrySet()) {
      errs.addAll(validateLabelName(e.getKey(), path));
      String v = e.getValue() == null ? "" : e.getValue();
      for (String msg : Names.isValidLabelValue(v)) {
        errs.add(FieldError.invalid(path, v, msg));
      }
    }
    return errs;
  }

  static List<FieldError> validateAnnotations(Map<String, String> annotations, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    long total = 0;
    for (Map.Entry<String, String> e : new TreeMap<>(Selectors.nonNull(annotations)).entrySet()) {
      String k = e.getKey();
      // Annotation keys are qualified names, but case does not matter.
      for (String msg : Names.isQualifiedName(k.toLowerCase(java.util.Locale.ROOT))) {
        errs.add(FieldError.invalid(path, k, msg));
      }
      total += Names.byteLength(k) + Names.byteLength(e.getValue() == null ? "" : e.getValue());
    }
    if (total > TOTAL_ANNOTATION_SIZE_LIMIT) {
      errs.add(FieldError.tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
    }
    return errs;
  }

  static List<FieldError> validateNonNegative(long value, FieldPath path) {
    return value < 0 ? List.of(FieldError.invalid(path, value, IS_NEGATIVE)) : List.of();
  }

  static List<FieldError> validateImmutable(
      Object newValue, Object oldValue, Object shown, FieldPath path) {
    return Objects.equals(newValue, oldValue)
        ? List.of()
        : List.of(FieldError.invalid(path, shown, FIELD_IMMUTABLE));
  }

  // ---- owner references ----

  static GoValue ownerReferenceValue(OwnerReference r) {
    return GoValueFormatter.struct("v1.OwnerReference")
        .field("APIVersion", nz(r.getApiVersion()))
        .field("Kind", nz(r.getKind()))
        .field("Name", nz(r.getName()))
        .field("UID", nz(r.getUid()))
        .field("Controller", GoValueFormatter.pointer("bool", r.getController()))
        .field("BlockOwnerDeletion", GoValueFormatter.pointer("bool", r.getBlockOwnerDeletion()));
  }

  static List<FieldError> validateOwnerReferences(List<OwnerReference> refs, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    List<OwnerReference> list = Selectors.nonNullList(refs);
    String firstController = "";
    for (OwnerReference ref : list) {
      errs.addAll(validateOwnerReference(ref, path));
      if (Boolean.TRUE.equals(ref.getController())) {
        String cur = nz(ref.getKind()) + "/" + nz(ref.getName());
        if (!firstController.isEmpty()) {
          List<Object> shown = new ArrayList<>();
          list.forEach(r -> shown.add(ownerReferenceValue(r)));
          errs.add(
              FieldError.invalid(
                  path,
                  GoValueFormatter.slice("v1.OwnerReference", shown),
                  "Only one reference can have Controller set to true. Found \"true\" in"
                      + " references for "
                      + firstController
                      + " and "
                      + cur));
        } else {
          firstController = cur;
        }
      }
    }
    return errs;
  }

  private static List<FieldError> validateOwnerReference(OwnerReference ref, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    String apiVersion = nz(ref.getApiVersion());
    String group = "";
    String version = "";
    int slashes = apiVersion.length() - apiVersion.replace("/", "").length();
    if (slashes == 0) {
      version = apiVersion;
    } else if (slashes == 1) {
      group = apiVersion.substring(0, apiVersion.indexOf('/'));
      version = apiVersion.substring(apiVersion.indexOf('/') + 1);
    }
    String kind = nz(ref.getKind());
    if (version.isEmpty()) {
      errs.add(
          FieldError.invalid(path.child("apiVersion"), apiVersion, "version must not be empty"));
    }
    if (kind.isEmpty()) {
      errs.add(FieldError.invalid(path.child("kind"), kind, "must not be empty"));
    }
    if (nz(ref.getName()).isEmpty()) {
      errs.add(FieldError.invalid(path.child("name"), nz(ref.getName()), "must not be empty"));
    }
    if (nz(ref.getUid()).isEmpty()) {
      errs.add(FieldError.invalid(path.child("uid"), nz(ref.getUid()), "must not be empty"));
    }
    if (group.isEmpty() && version.equals("v1") && kind.equals("Event")) {
      errs.add(
          FieldError.invalid(
              path, ownerReferenceValue(ref), "/v1, Kind=Event is disallowed from being an owner"));
    }
    return errs;
  }

  // ---- finalizers ----

  static List<FieldError> validateFinalizers(List<String> finalizers, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    List<String> list = Selectors.nonNullList(finalizers);
    boolean orphan = false;
    boolean foreground = false;
    for (String f : list) {
      String name = nz(f);
      for (String msg : Names.isQualifiedName(name)) {
        errs.add(FieldError.invalid(path, name, msg));
      }
      orphan |= name.equals("orphan");
      foreground |= name.equals("foregroundDeletion");
    }
    if (orphan && foreground) {
      errs.add(
          FieldError.invalid(
              path,
              GoValueFormatter.stringSlice(list),
              "finalizer orphan and foregroundDeletion cannot be both set"));
    }
    return errs;
  }

  /** Finalizers without a domain must be one of the few that Kubernetes itself defines. */
  static List<FieldError> validateKubeFinalizerName(String name, FieldPath path) {
    if (!name.contains("/") && !STANDARD_FINALIZERS.contains(name)) {
      return List.of(
          FieldError.invalid(
              path, name, "name is neither a standard finalizer name nor is it fully qualified"));
    }
    return List.of();
  }

  // ---- ObjectMeta on create ----

  /**
   * Upstream's core {@code ValidateObjectMeta}. A missing name is accepted when {@code
   * generateName} is set, so callers may validate before the name is generated.
   */
  static List<FieldError> validateObjectMeta(
      ObjectMeta meta, boolean namespaced, Names.NameRule nameRule, FieldPath path) {
    ObjectMeta m = meta == null ? new ObjectMeta() : meta;
    List<FieldError> errs = validateGeneric(m, namespaced, nameRule, path);
    List<String> finalizers = Selectors.nonNullList(m.getFinalizers());
    for (int i = 0; i < finalizers.size(); i++) {
      errs.addAll(
          validateKubeFinalizerName(nz(finalizers.get(i)), path.child("finalizers").index(i)));
    }
    return errs;
  }

  /** The apimachinery part of ObjectMeta validation, which the generic registry also runs. */
  static List<FieldError> validateGeneric(
      ObjectMeta m, boolean namespaced, Names.NameRule nameRule, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    String generateName = nz(m.getGenerateName());
    String name = nz(m.getName());
    if (!generateName.isEmpty()) {
      for (String msg : nameRule.check(generateName, true)) {
        errs.add(FieldError.invalid(path.child("generateName"), generateName, msg));
      }
    }
    if (name.isEmpty()) {
      if (generateName.isEmpty()) {
        errs.add(FieldError.required(path.child("name"), "name or generateName is required"));
      }
    } else {
      for (String msg : nameRule.check(name, false)) {
        errs.add(FieldError.invalid(path.child("name"), name, msg));
      }
    }
    errs.addAll(validateCommon(m, namespaced, path));
    return errs;
  }

  private static List<FieldError> validateCommon(ObjectMeta m, boolean namespaced, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    String ns = nz(m.getNamespace());
    if (namespaced) {
      if (ns.isEmpty()) {
        errs.add(FieldError.required(path.child("namespace"), ""));
      } else {
        for (String msg : Names.DNS_LABEL.check(ns, false)) {
          errs.add(FieldError.invalid(path.child("namespace"), ns, msg));
        }
      }
    } else if (!ns.isEmpty()) {
      errs.add(FieldError.forbidden(path.child("namespace"), "not allowed on this type"));
    }
    if (m.getGeneration() != null) {
      errs.addAll(validateNonNegative(m.getGeneration(), path.child("generation")));
    }
    errs.addAll(validateLabels(m.getLabels(), path.child("labels")));
    errs.addAll(validateAnnotations(m.getAnnotations(), path.child("annotations")));
    errs.addAll(validateOwnerReferences(m.getOwnerReferences(), path.child("ownerReferences")));
    errs.addAll(validateFinalizers(m.getFinalizers(), path.child("finalizers")));
    return errs;
  }

  // ---- ObjectMeta on update ----

  /** Upstream's core {@code ValidateObjectMetaUpdate}. */
  static List<FieldError> validateObjectMetaUpdate(
      ObjectMeta newMeta, ObjectMeta oldMeta, FieldPath path) {
    List<FieldError> errs = validateGenericUpdate(newMeta, oldMeta, path);
    List<String> finalizers = Selectors.nonNullList(meta(newMeta).getFinalizers());
    for (int i = 0; i < finalizers.size(); i++) {
      errs.addAll(
          validateKubeFinalizerName(nz(finalizers.get(i)), path.child("finalizers").index(i)));
    }
    return errs;
  }

  static List<FieldError> validateGenericUpdate(
      ObjectMeta newMeta, ObjectMeta oldMeta, FieldPath path) {
    ObjectMeta n = meta(newMeta);
    ObjectMeta o = meta(oldMeta);
    List<FieldError> errs = new ArrayList<>();
    if (!nz(o.getDeletionTimestamp()).isEmpty()) {
      Set<String> extra = new TreeSet<>(Selectors.nonNullList(n.getFinalizers()));
      extra.removeAll(Selectors.nonNullList(o.getFinalizers()));
      if (!extra.isEmpty()) {
        errs.add(
            FieldError.forbidden(
                path.child("finalizers"),
                "no new finalizers can be added if the object is being deleted, found new"
                    + " finalizers "
                    + GoValueFormatter.stringSlice(new ArrayList<>(extra)).goSyntax()));
      }
    }
    if (nz(n.getResourceVersion()).isEmpty()) {
      errs.add(
          FieldError.invalid(
              path.child("resourceVersion"),
              nz(n.getResourceVersion()),
              "must be specified for an update"));
    }
    long newGen = n.getGeneration() == null ? 0 : n.getGeneration();
    long oldGen = o.getGeneration() == null ? 0 : o.getGeneration();
    if (newGen < oldGen) {
      errs.add(FieldError.invalid(path.child("generation"), newGen, "must not be decremented"));
    }
    errs.addAll(validateImmutableString(n.getName(), o.getName(), path.child("name")));
    errs.addAll(
        validateImmutableString(n.getNamespace(), o.getNamespace(), path.child("namespace")));
    errs.addAll(validateImmutableString(n.getUid(), o.getUid(), path.child("uid")));
    errs.addAll(
        validateImmutableTime(
            n.getCreationTimestamp(),
            o.getCreationTimestamp(),
            true,
            path.child("creationTimestamp")));
    errs.addAll(
        validateImmutableTime(
            n.getDeletionTimestamp(),
            o.getDeletionTimestamp(),
            false,
            path.child("deletionTimestamp")));
    errs.addAll(
        validateImmutable(
            n.getDeletionGracePeriodSeconds(),
            o.getDeletionGracePeriodSeconds(),
            n.getDeletionGracePeriodSeconds(),
            path.child("deletionGracePeriodSeconds")));
    errs.addAll(validateLabels(n.getLabels(), path.child("labels")));
    errs.addAll(validateAnnotations(n.getAnnotations(), path.child("annotations")));
    errs.addAll(validateOwnerReferences(n.getOwnerReferences(), path.child("ownerReferences")));
    return errs;
  }

  /**
   * A time that must not change, shown as Go prints it when it did; formatted only then, for every
   * update checks two (formatting them was a twelfth of a pod status write).
   *
   * @param zeroShown whether an unset new time is shown as Go's zero time rather than as nil
   */
  private static List<FieldError> validateImmutableTime(
      String n, String o, boolean zeroShown, FieldPath path) {
    if (nz(n).equals(nz(o))) {
      return List.of();
    }
    return List.of(
        FieldError.invalid(path, n == null && !zeroShown ? null : timeValue(n), FIELD_IMMUTABLE));
  }

  private static List<FieldError> validateImmutableString(String n, String o, FieldPath path) {
    return validateImmutable(nz(n), nz(o), nz(n), path);
  }

  private static final DateTimeFormatter GO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  /**
   * A {@code metav1.Time} as Go's {@code time.Time.String()} prints it (the API server runs in
   * UTC): {@code 2024-01-02 03:04:05 +0000 UTC}.
   */
  static GoValue timeValue(String rfc3339) {
    if (rfc3339 == null || rfc3339.isEmpty()) {
      return GoValueFormatter.stringer("0001-01-01 00:00:00 +0000 UTC");
    }
    try {
      OffsetDateTime t = OffsetDateTime.parse(rfc3339).withOffsetSameInstant(ZoneOffset.UTC);
      StringBuilder s = new StringBuilder(GO_TIME.format(t));
      if (t.getNano() != 0) {
        String frac = String.format("%09d", t.getNano()).replaceAll("0+$", "");
        s.append('.').append(frac);
      }
      return GoValueFormatter.stringer(s.append(" +0000 UTC").toString());
    } catch (DateTimeParseException e) {
      return GoValueFormatter.stringer(rfc3339);
    }
  }

  private static ObjectMeta meta(ObjectMeta m) {
    return m == null ? new ObjectMeta() : m;
  }

  static String nz(String s) {
    return s == null ? "" : s;
  }
}
