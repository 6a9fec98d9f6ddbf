package io.skiff.api.errors;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import io.skiff.api.ResourceType;
import java.util.List;

/**
 * A failed API call as Kubernetes reports it: a {@code metav1.Status} with code, reason, message
 * and details. The factory methods reproduce upstream's {@code apimachinery/pkg/api/errors} texts,
 * which kubectl prints verbatim.
 */
public final class StatusError extends RuntimeException {

  /** One cause of an Invalid error: a field and what is wrong with it. */
  public record Cause(String reason, String message, String field) {}

  private final transient Status status;

  public StatusError(Status status) {
    super(status.getMessage());
    this.status = status;
  }

  public Status status() {
    return status;
  }

  public int code() {
    return status.getCode();
  }

  public String reason() {
    return status.getReason();
  }

  public static StatusError notFound(ResourceType type, String name) {
    return of(
        404,
        "NotFound",
        type.qualifiedResource() + " \"" + name + "\" not found",
        details(type, name));
  }

  public static StatusError alreadyExists(ResourceType type, String name) {
    return of(
        409,
        "AlreadyExists",
        type.qualifiedResource() + " \"" + name + "\" already exists",
        details(type, name));
  }

  /** A stale resourceVersion on update or delete. */
  public static StatusError conflict(ResourceType type, String name) {
    return conflict(
        type,
        name,
        "the object has been modified; please apply your changes to the latest version and try"
            + " again");
  }

  public static StatusError conflict(ResourceType type, String name, String why) {
    return of(
        409,
        "Conflict",
        "Operation cannot be fulfilled on "
            + type.qualifiedResource()
            + " \""
            + name
            + "\": "
            + why,
        details(type, name));
  }

  /**
   * An object that failed validation: {@code <Kind>.<group> "<name>" is invalid: <errors>}, one
   * cause per field error. {@code errorTexts} are the full field error texts ({@code spec.replicas:
   * Invalid value: -1: must be ...}).
   */
  public static StatusError invalid(
      String kind, String group, String name, List<String> errorTexts, List<Cause> causes) {
    String qualifiedKind = group.isEmpty() ? kind : kind + "." + group;
    String joined =
        errorTexts.size() == 1 ? errorTexts.getFirst() : "[" + String.join(", ", errorTexts) + "]";
    StatusDetails details =
        new StatusDetailsBuilder()
            .withName(name)
            .withGroup(group.isEmpty() ? null : group)
            .withKind(kind)
            .withCauses(
                causes.stream()
                    .map(c -> new StatusCause(c.field(), c.message(), c.reason()))
                    .toList())
            .build();
    return of(422, "Invalid", qualifiedKind + " \"" + name + "\" is invalid: " + joined, details);
  }

  public static StatusError badRequest(String message) {
    return of(400, "BadRequest", message, null);
  }

  public static StatusError unauthorized() {
    return of(401, "Unauthorized", "Unauthorized", null);
  }

  public static StatusError forbidden(ResourceType type, String name, String why) {
    return of(
        403,
        "Forbidden",
        type.qualifiedResource() + " \"" + name + "\" is forbidden: " + why,
        details(type, name));
  }

  public static StatusError methodNotAllowed(String message) {
    return of(405, "MethodNotAllowed", message, null);
  }

  /** A watch or list from a resourceVersion that has been compacted away. */
  public static StatusError expired(String message) {
    return of(410, "Expired", message, null);
  }

  public static StatusError requestEntityTooLarge(String message) {
    return of(413, "RequestEntityTooLarge", message, null);
  }

  /** A body in a format the endpoint does not take; {@code accepted} lists the ones it does. */
  public static StatusError unsupportedMediaType(List<String> accepted) {
    return of(
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: "
            + String.join(", ", accepted),
        null);
  }

  public static StatusError tooManyRequests(int retryAfterSeconds) {
    StatusDetails details =
        new StatusDetailsBuilder().withRetryAfterSeconds(retryAfterSeconds).build();
    return of(429, "TooManyRequests", "Too many requests, please try again later.", details);
  }

  public static StatusError notFoundPath() {
    return of(404, "NotFound", "the server could not find the requested resource", null);
  }

  public static StatusError internal(String message) {
    return of(500, "InternalError", "Internal error occurred: " + message, null);
  }

  /** A Status of the given code and reason. */
  public static StatusError of(int code, String reason, String message, StatusDetails details) {
    return new StatusError(
        new StatusBuilder()
            .withApiVersion("v1")
            .withKind("Status")
            .withNewMetadata()
            .endMetadata()
            .withStatus("Failure")
            .withMessage(message)
            .withReason(reason)
            .withDetails(details == null ? new StatusDetails() : details)
            .withCode(code)
            .build());
  }

  private static StatusDetails details(ResourceType type, String name) {
    return new StatusDetailsBuilder()
        .withName(name)
        .withGroup(type.group().isEmpty() ? null : type.group())
        .withKind(type.plural())
        .build();
  }
}
