package io.skiff.api.defaults;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tag part of a container image reference, as upstream's {@code parsers.ParseImageName} finds
 * it (docker's reference grammar): a reference with neither tag nor digest means {@code latest}.
 */
final class ImageReference {

  private ImageReference() {}

  private static final String DOMAIN_COMPONENT =
      "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final String DOMAIN =
      DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*(?::[0-9]+)?";
  private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final String TAG = "[\\w][\\w.-]{0,127}";
  private static final String DIGEST =
      "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";

  private static final Pattern REFERENCE =
      Pattern.compile(
          "(?:("
              + DOMAIN
              + ")/)?("
              + PATH_COMPONENT
              + "(?:/"
              + PATH_COMPONENT
              + ")*)(?::("
              + TAG
              + "))?(?:@("
              + DIGEST
              + "))?");

  /** The tag; empty when the reference does not parse (upstream then finds no tag either). */
  static Optional<String> tag(String image) {
    if (image == null) {
      return Optional.empty();
    }
    Matcher m = REFERENCE.matcher(image);
    if (!m.matches()) {
      return Optional.empty();
    }
    String name = (m.group(1) == null ? "" : m.group(1) + "/") + m.group(2);
    if (name.length() > 255) {
      return Optional.empty();
    }
    if (m.group(3) != null) {
      return Optional.of(m.group(3));
    }
    return Optional.of(m.group(4) != null ? "" : "latest");
  }
}
