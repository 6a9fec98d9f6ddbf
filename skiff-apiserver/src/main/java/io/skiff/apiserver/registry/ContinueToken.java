package io.skiff.apiserver.registry;

import io.skiff.api.errors.StatusError;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque {@code continue} token of a paged list: the snapshot revision and the last key
 * returned, as upstream's {@code {"v":"meta.k8s.io/v1","rv":N,"start":"..."}} encoded in base64.
 */
public record ContinueToken(long revision, String lastKey) {

  public String encode() {
    String json =
        "{\"v\":\"meta.k8s.io/v1\",\"rv\":" + revision + ",\"start\":\"" + lastKey + "\"}";
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  public static ContinueToken decode(String token) {
    try {
      String json = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      int rv = json.indexOf("\"rv\":");
      int start = json.indexOf("\"start\":\"");
      if (!json.startsWith("{\"v\":\"meta.k8s.io/v1\"") || rv < 0 || start < 0) {
        throw new IllegalArgumentException(json);
      }
      long revision = Long.parseLong(json.substring(rv + 5, json.indexOf(',', rv)));
      String lastKey = json.substring(start + 9, json.lastIndexOf('"'));
      return new ContinueToken(revision, lastKey);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw StatusError.badRequest("continue key is not valid: " + e.getMessage());
    }
  }
}
