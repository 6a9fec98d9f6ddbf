package io.skiff.api.patch;

import io.skiff.api.errors.StatusError;

/**
 * A patch that cannot be applied, carrying the Status kube-apiserver answers with. The codes follow
 * {@code apiserver/pkg/endpoints/handlers/patch.go}:
 *
 * <ul>
 *   <li>400 BadRequest: a body that does not decode as the patch type, and the strategic merge
 *       patch format errors upstream singles out (malformed {@code $retainKeys}, {@code
 *       $deleteFromPrimitiveList}, {@code $setElementOrder}).
 *   <li>413 RequestEntityTooLarge: a JSON patch of more than 10000 operations.
 *   <li>422 Invalid: a JSON patch operation that does not apply (failed test, missing path), and
 *       lists of lists in a strategic merge patch. Upstream reports these with the generic message
 *       "the server rejected our request due to an error in our request" and no causes, so the
 *       detail only reaches logs.
 *   <li>400 BadRequest also for every other strategic merge patch failure (unknown {@code $patch}
 *       value, element without its merge key, order not matching {@code $setElementOrder}), with
 *       upstream's message, e.g. {@code map: map[image:nginx] does not contain declared merge key:
 *       name}. Upstream answers these with a 500 because they are plain Go errors there; Skiff
 *       never answers 500 to bad input.
 * </ul>
 */
public final class PatchException extends RuntimeException {

  private static final String GENERIC_INVALID =
      "the server rejected our request due to an error in our request";

  private final int code;
  private final String reason;
  private final String statusMessage;

  private PatchException(int code, String reason, String statusMessage, String detail) {
    super(detail);
    this.code = code;
    this.reason = reason;
    this.statusMessage = statusMessage;
  }

  static PatchException badRequest(String message) {
    return new PatchException(400, "BadRequest", message, message);
  }

  static PatchException tooLarge(String message) {
    return new PatchException(
        413, "RequestEntityTooLarge", "Request entity too large: " + message, message);
  }

  static PatchException unprocessable(String detail) {
    return new PatchException(422, "Invalid", GENERIC_INVALID, detail);
  }

  /**
   * A {@code $}-key that is no directive. Upstream stores it as a field and strict field validation
   * then rejects it; Skiff rejects it whatever the validation mode so that no directive ever
   * reaches storage.
   */
  static PatchException unknownField(String path) {
    String message = "strict decoding error: unknown field \"" + path + "\"";
    return new PatchException(422, "Invalid", message, message);
  }

  static PatchException malformed(String message) {
    return badRequest(message);
  }

  /** HTTP status code of the response. */
  public int code() {
    return code;
  }

  /** The Status reason. */
  public String reason() {
    return reason;
  }

  /** The Status message; {@link #getMessage()} may say more than upstream lets the client see. */
  public String statusMessage() {
    return statusMessage;
  }

  /** The Status the API server answers with. */
  public StatusError toStatusError() {
    return StatusError.of(code, reason.isEmpty() ? null : reason, statusMessage, null);
  }
}
