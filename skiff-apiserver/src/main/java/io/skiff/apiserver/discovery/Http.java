package io.skiff.apiserver.discovery;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/** The bits of Go's net/http that the discovery and OpenAPI handlers lean on. */
final class Http {

  private Http() {}

  /**
   * Upstream's ETag and OpenAPI v3 hash: SHA-512 in upper-case hex. Being the same function as the
   * hash in the v3 index lets a document's ETag be checked against the {@code hash} parameter.
   */
  static String sha512Hex(byte[] data) {
    try {
      return HexFormat.of()
          .withUpperCase()
          .formatHex(MessageDigest.getInstance("SHA-512").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Go's strconv.Quote, for the hex strings it is applied to. */
  static String quote(String etag) {
    return "\"" + etag + "\"";
  }

  /**
   * Whether an If-None-Match header names {@code quotedEtag}, as http.ServeContent decides it: any
   * entry of the list, weak or strong, or {@code *}.
   */
  static boolean noneMatchHits(String ifNoneMatch, String quotedEtag) {
    if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
      return false;
    }
    for (String raw : ifNoneMatch.split(",")) {
      String tag = raw.strip();
      if (tag.equals("*")) {
        return true;
      }
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals(quotedEtag)) {
        return true;
      }
    }
    return false;
  }

  /** The first value of a query parameter, decoded as Go's url.Values would; empty if absent. */
  static Optional<String> queryParam(String query, String name) {
    if (query == null || query.isEmpty()) {
      return Optional.empty();
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
          return Optional.of(URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
      } catch (IllegalArgumentException e) {
        // Go's ParseQuery drops a pair it cannot unescape and reads on.
      }
    }
    return Optional.empty();
  }
}
