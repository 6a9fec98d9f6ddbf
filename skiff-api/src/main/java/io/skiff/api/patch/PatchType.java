package io.skiff.api.patch;

import java.util.Optional;

/** The PATCH body formats, by the media type kubectl sends them as. */
public enum PatchType {
  JSON_PATCH("application/json-patch+json"),
  MERGE_PATCH("application/merge-patch+json"),
  STRATEGIC_MERGE_PATCH("application/strategic-merge-patch+json"),
  APPLY_PATCH("application/apply-patch+yaml");

  private final String mediaType;

  PatchType(String mediaType) {
    this.mediaType = mediaType;
  }

  public String mediaType() {
    return mediaType;
  }

  /**
   * The type of a request's {@code Content-Type}. Like upstream, parameters after {@code ;} are
   * ignored and the rest must match exactly; no match means 415 UnsupportedMediaType.
   */
  public static Optional<PatchType> fromContentType(String contentType) {
    if (contentType == null) {
      return Optional.empty();
    }
    int semicolon = contentType.indexOf(';');
    String mediaType = semicolon > 0 ? contentType.substring(0, semicolon) : contentType;
    for (PatchType type : values()) {
      if (type.mediaType.equals(mediaType)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
