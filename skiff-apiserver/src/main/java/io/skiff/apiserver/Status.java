package io.skiff.apiserver;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * A Kubernetes {@code meta/v1 Status} failure body, in upstream's field order, so clients that
 * decode errors (kubectl's "Error from server (NotFound)") see what they expect.
 */
@JsonPropertyOrder({
  "kind",
  "apiVersion",
  "metadata",
  "status",
  "message",
  "reason",
  "details",
  "code"
})
public record Status(
    String kind,
    String apiVersion,
    Map<String, Object> metadata,
    String status,
    String message,
    String reason,
    Map<String, Object> details,
    int code) {

  /** A failure with upstream's empty metadata and details. */
  public static Status failure(int code, String reason, String message) {
    return new Status("Status", "v1", Map.of(), "Failure", message, reason, Map.of(), code);
  }

  /** What upstream answers for a path that no API group serves. */
  public static Status notFound() {
    return failure(404, "NotFound", "the server could not find the requested resource");
  }

  /** What upstream answers for a verb that the path does not accept. */
  public static Status methodNotAllowed() {
    return failure(
        405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
  }
}
