package io.skiff.node;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * Identifiers and timestamps in the shapes the kubelet and containerd report them: 64-hex container
 * IDs, {@code sha256:} image digests, RFC 3339 times. The fake IDs are hashes of what they stand
 * for, so the same pod always gets the same IDs.
 */
final class Ids {

  private Ids() {}

  static String sha256Hex(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** {@code containerd://<64 hex>} of a pod's container, one per restart. */
  static String containerId(String podUid, String container, int restartCount) {
    return "containerd://" + sha256Hex(podUid + "/" + container + "/" + restartCount);
  }

  /** The digest a registry would serve for {@code ref}: the reference's own, or a stable fake. */
  static String digest(ImageReference ref) {
    if (ref.digest() != null) {
      return ref.digest();
    }
    return "sha256:" + sha256Hex("skiff-image/" + ref.normalized());
  }

  /** A container's {@code imageID}: {@code docker.io/library/nginx@sha256:…}. */
  static String imageId(ImageReference ref) {
    return ref.repository() + "@" + digest(ref);
  }

  /** A plausible compressed size in bytes, 2 MB to 120 MB, fixed per image. */
  static long imageSize(ImageReference ref) {
    String hex = digest(ref);
    long bits = Long.parseLong(hex.substring(hex.length() - 12), 16);
    return 2_000_000L + bits % 118_000_000L;
  }

  /** metav1.Time: RFC 3339 in UTC, whole seconds. */
  static String time(long epochMillis) {
    return DateTimeFormatter.ISO_INSTANT.format(
        Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.SECONDS));
  }
}
