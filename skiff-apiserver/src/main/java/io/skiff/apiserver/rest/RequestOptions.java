package io.skiff.apiserver.rest;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.skiff.api.errors.StatusError;
import io.skiff.api.validation.FieldError;
import io.skiff.api.validation.FieldPath;
import io.skiff.apiserver.cache.ListRead;
import java.util.ArrayList;
import java.util.List;

/**
 * The query options of a request, checked as upstream's handlers check them before touching storage
 * ({@code apimachinery/pkg/apis/meta/v1/validation} and {@code meta/internalversion/validation}): a
 * bad option is a 422 about the options kind, never a silent default that would, say, write for
 * real when the client asked for a dry run.
 */
final class RequestOptions {

  private static final String META_GROUP = "meta.k8s.io";
  private static final String DRY_RUN_ALL = "All";
  private static final String EXACT = "Exact";
  private static final String NOT_OLDER_THAN = "NotOlderThan";

  private RequestOptions() {}

  /**
   * Whether a create, update or patch is a dry run, after upstream's {@code
   * Validate{Create,Update,Patch}Options} checks of {@code dryRun} and {@code fieldValidation}.
   *
   * @param optionsKind {@code CreateOptions}, {@code UpdateOptions} or {@code PatchOptions}
   */
  static boolean writeDryRun(Query q, String optionsKind) {
    List<FieldError> errs = new ArrayList<>();
    String dryRun = q.get("dryRun");
    if (dryRun != null && !dryRun.equals(DRY_RUN_ALL)) {
      errs.add(
          FieldError.notSupported(FieldPath.of("dryRun"), List.of(dryRun), List.of(DRY_RUN_ALL)));
    }
    String fieldValidation = q.get("fieldValidation", "");
    if (!List.of("", "Ignore", "Warn", "Strict").contains(fieldValidation)) {
      errs.add(
          FieldError.notSupported(
              FieldPath.of("fieldValidation"),
              fieldValidation,
              List.of("", "Ignore", "Strict", "Warn")));
    }
    throwIfInvalid(optionsKind, errs);
    return dryRun != null;
  }

  /**
   * The options of a DELETE: from the body when there is one, else from the query, as upstream's
   * delete handlers take them (a body's options win outright; kubectl sends only a body).
   */
  static DeleteOptions deleteOptions(DeleteOptions fromBody, Query q) {
    DeleteOptions options = fromBody;
    if (options == null) {
      options = new DeleteOptions();
      String grace = q.get("gracePeriodSeconds");
      if (grace != null) {
        try {
          options.setGracePeriodSeconds(Long.parseLong(grace));
        } catch (NumberFormatException e) {
          throw StatusError.badRequest(
              "strconv.ParseInt: parsing " + quote(grace) + ": invalid syntax");
        }
      }
      String orphan = q.get("orphanDependents");
      if (orphan != null) {
        options.setOrphanDependents(parseBool(orphan));
      }
      options.setPropagationPolicy(q.get("propagationPolicy"));
      String dryRun = q.get("dryRun");
      if (dryRun != null) {
        options.setDryRun(List.of(dryRun));
      }
    }
    List<FieldError> errs = new ArrayList<>();
    String policy = options.getPropagationPolicy();
    if (options.getOrphanDependents() != null && policy != null) {
      errs.add(
          FieldError.invalid(
              FieldPath.of("propagationPolicy"),
              policy,
              "orphanDependents and deletionPropagation cannot be both set"));
    }
    if (policy != null && !List.of("Foreground", "Background", "Orphan").contains(policy)) {
      errs.add(
          FieldError.notSupported(
              FieldPath.of("propagationPolicy"),
              policy,
              List.of("Foreground", "Background", "Orphan", "nil")));
    }
    List<String> dryRun = options.getDryRun() == null ? List.of() : options.getDryRun();
    if (!dryRun.stream().allMatch(DRY_RUN_ALL::equals)) {
      errs.add(FieldError.notSupported(FieldPath.of("dryRun"), dryRun, List.of(DRY_RUN_ALL)));
    }
    throwIfInvalid("DeleteOptions", errs);
    return options;
  }

  static boolean isDryRun(DeleteOptions options) {
    return options.getDryRun() != null && options.getDryRun().contains(DRY_RUN_ALL);
  }

  /**
   * Upstream's {@code ValidateListOptions}, with the WatchList feature on: a watch may ask for its
   * initial state with {@code sendInitialEvents} (and then must say {@code
   * resourceVersionMatch=NotOlderThan}).
   */
  static void validateList(Query q, boolean watch) {
    List<FieldError> errs = new ArrayList<>();
    String match = q.get("resourceVersionMatch", "");
    boolean sendInitialEvents = sendInitialEvents(q) != null;
    String continueToken = q.get("continue", "");
    FieldPath matchPath = FieldPath.of("resourceVersionMatch");
    if (watch) {
      if (sendInitialEvents && !match.equals(NOT_OLDER_THAN)) {
        errs.add(
            FieldError.forbidden(
                matchPath,
                "sendInitialEvents requires setting resourceVersionMatch to " + NOT_OLDER_THAN));
      }
      if (!match.isEmpty()) {
        if (!sendInitialEvents) {
          errs.add(
              FieldError.forbidden(
                  matchPath,
                  "resourceVersionMatch is forbidden for watch unless sendInitialEvents is"
                      + " provided"));
        }
        if (!match.equals(NOT_OLDER_THAN)) {
          errs.add(FieldError.notSupported(matchPath, match, List.of(NOT_OLDER_THAN)));
        }
        if (!continueToken.isEmpty()) {
          errs.add(
              FieldError.forbidden(
                  matchPath, "resourceVersionMatch is forbidden when continue is provided"));
        }
      }
    } else {
      String rv = q.get("resourceVersion", "");
      if (!match.isEmpty()) {
        if (rv.isEmpty()) {
          errs.add(
              FieldError.forbidden(
                  matchPath,
                  "resourceVersionMatch is forbidden unless resourceVersion is provided"));
        }
        if (!continueToken.isEmpty()) {
          errs.add(
              FieldError.forbidden(
                  matchPath, "resourceVersionMatch is forbidden when continue is provided"));
        }
        if (!match.equals(EXACT) && !match.equals(NOT_OLDER_THAN)) {
          errs.add(FieldError.notSupported(matchPath, match, List.of(EXACT, NOT_OLDER_THAN, "")));
        }
        if (match.equals(EXACT) && rv.equals("0")) {
          errs.add(
              FieldError.forbidden(
                  matchPath,
                  "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
        }
      }
      if (sendInitialEvents) {
        errs.add(
            FieldError.forbidden(
                FieldPath.of("sendInitialEvents"), "sendInitialEvents is forbidden for list"));
      }
    }
    throwIfInvalid("ListOptions", errs);
  }

  /**
   * How a list reads: upstream's table of list semantics (storage's {@code ValidateListOptions}). A
   * continue token carries its own revision and admits no other.
   */
  static ListRead listRead(Query q, int limit) {
    return ListRead.of(
        q.get("resourceVersion", ""),
        q.get("resourceVersionMatch", ""),
        limit,
        q.get("continue", ""));
  }

  /** The watch-list protocol's {@code sendInitialEvents}: null when absent. */
  static Boolean sendInitialEvents(Query q) {
    String v = q.get("sendInitialEvents");
    return v == null ? null : parseBool(v);
  }

  private static void throwIfInvalid(String optionsKind, List<FieldError> errs) {
    if (errs.isEmpty()) {
      return;
    }
    throw StatusError.invalid(
        optionsKind,
        META_GROUP,
        "",
        errs.stream().map(FieldError::toString).toList(),
        errs.stream().map(e -> new StatusError.Cause(e.reason(), e.body(), e.field())).toList());
  }

  /** Go's strconv.ParseBool, which the query parameter codec uses. */
  private static boolean parseBool(String s) {
    return switch (s) {
      case "1", "t", "T", "TRUE", "true", "True" -> true;
      case "0", "f", "F", "FALSE", "false", "False" -> false;
      default ->
          throw StatusError.badRequest(
              "strconv.ParseBool: parsing " + quote(s) + ": invalid syntax");
    };
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
