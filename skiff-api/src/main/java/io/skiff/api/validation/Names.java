package io.skiff.api.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The string-format checks of upstream's {@code util/validation} package, returning upstream's
 * exact message fragments (1.28 wording).
 */
final class Names {

  private Names() {}

  static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  static final String DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";
  static final String DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
  static final String QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  static final String LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?";
  static final String PERCENT_FMT = "[0-9]+%";
  static final String ENV_VAR_NAME_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*";
  static final String CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+";
  static final String HTTP_HEADER_NAME_FMT = "[-A-Za-z0-9]+";

  private static final Pattern PERCENT = Pattern.compile(PERCENT_FMT);
  private static final Pattern ENV_VAR_NAME = Pattern.compile(ENV_VAR_NAME_FMT);
  private static final Pattern CONFIG_MAP_KEY = Pattern.compile(CONFIG_MAP_KEY_FMT);
  private static final Pattern HTTP_HEADER_NAME = Pattern.compile(HTTP_HEADER_NAME_FMT);
  private static final Pattern PORT_NAME_CHARSET = Pattern.compile("[-a-z0-9]+");
  private static final Pattern ONE_LETTER = Pattern.compile(".*[a-z].*", Pattern.DOTALL);

  static final int DNS1123_LABEL_MAX = 63;
  static final int DNS1123_SUBDOMAIN_MAX = 253;
  static final int DNS1035_LABEL_MAX = 63;
  static final int QUALIFIED_NAME_MAX = 63;
  static final int LABEL_VALUE_MAX = 63;

  static String maxLenError(int length) {
    return "must be no more than " + length + " characters";
  }

  static String emptyError() {
    return "must be non-empty";
  }

  static String inclusiveRangeError(long lo, long hi) {
    return "must be between " + lo + " and " + hi + ", inclusive";
  }

  /** Upstream's {@code RegexError}; the doubled space before {@code or} is upstream's own. */
  static String regexError(String msg, String fmt, String... examples) {
    if (examples.length == 0) {
      return msg + " (regex used for validation is '" + fmt + "')";
    }
    StringBuilder b = new StringBuilder(msg).append(" (e.g. ");
    for (int i = 0; i < examples.length; i++) {
      if (i > 0) {
        b.append(" or ");
      }
      b.append('\'').append(examples[i]).append("', ");
    }
    return b.append("regex used for validation is '").append(fmt).append("')").toString();
  }

  /** Go measures string length in bytes, and so do upstream's limits. */
  static int byteLength(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  static List<String> isDns1123Label(String value) {
    List<String> errs = new ArrayList<>();
    if (byteLength(value) > DNS1123_LABEL_MAX) {
      errs.add(maxLenError(DNS1123_LABEL_MAX));
    }
    if (!NameSyntax.isDns1123Label(value)) {
      if (NameSyntax.isDns1123Subdomain(value)) {
        errs.add("must not contain dots");
      } else {
        errs.add(
            regexError(
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters"
                    + " or '-', and must start and end with an alphanumeric character",
                DNS1123_LABEL_FMT,
                "my-name",
                "123-abc"));
      }
    }
    return errs;
  }

  static List<String> isDns1123Subdomain(String value) {
    List<String> errs = new ArrayList<>();
    if (byteLength(value) > DNS1123_SUBDOMAIN_MAX) {
      errs.add(maxLenError(DNS1123_SUBDOMAIN_MAX));
    }
    if (!NameSyntax.isDns1123Subdomain(value)) {
      errs.add(
          regexError(
              "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters,"
                  + " '-' or '.', and must start and end with an alphanumeric character",
              DNS1123_SUBDOMAIN_FMT,
              "example.com"));
    }
    return errs;
  }

  static List<String> isDns1035Label(String value) {
    List<String> errs = new ArrayList<>();
    if (byteLength(value) > DNS1035_LABEL_MAX) {
      errs.add(maxLenError(DNS1035_LABEL_MAX));
    }
    if (!NameSyntax.isDns1035Label(value)) {
      errs.add(
          regexError(
              "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start"
                  + " with an alphabetic character, and end with an alphanumeric character",
              DNS1035_LABEL_FMT,
              "my-name",
              "abc-123"));
    }
    return errs;
  }

  private static final String QUALIFIED_NAME_ERR =
      "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an"
          + " alphanumeric character";

  /** Upstream's {@code IsQualifiedName}: label keys, annotation keys, finalizers. */
  static List<String> isQualifiedName(String value) {
    List<String> errs = new ArrayList<>();
    String[] parts = value.split("/", -1);
    String name;
    switch (parts.length) {
      case 1 -> name = parts[0];
      case 2 -> {
        String prefix = parts[0];
        name = parts[1];
        if (prefix.isEmpty()) {
          errs.add("prefix part " + emptyError());
        } else {
          for (String msg : isDns1123Subdomain(prefix)) {
            errs.add("prefix part " + msg);
          }
        }
      }
      default -> {
        errs.add(
            "a qualified name "
                + regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
        return errs;
      }
    }
    if (name.isEmpty()) {
      errs.add("name part " + emptyError());
    } else if (byteLength(name) > QUALIFIED_NAME_MAX) {
      errs.add("name part " + maxLenError(QUALIFIED_NAME_MAX));
    }
    if (!NameSyntax.isQualifiedNamePart(name)) {
      errs.add(
          "name part "
              + regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc"));
    }
    return errs;
  }

  static List<String> isValidLabelValue(String value) {
    List<String> errs = new ArrayList<>();
    if (byteLength(value) > LABEL_VALUE_MAX) {
      errs.add(maxLenError(LABEL_VALUE_MAX));
    }
    if (!NameSyntax.isLabelValue(value)) {
      errs.add(
          regexError(
              "a valid label must be an empty string or consist of alphanumeric characters, '-',"
                  + " '_' or '.', and must start and end with an alphanumeric character",
              LABEL_VALUE_FMT,
              "MyValue",
              "my_value",
              "12345"));
    }
    return errs;
  }

  static List<String> isValidPercent(String value) {
    if (!PERCENT.matcher(value).matches()) {
      return List.of(
          regexError(
              "a valid percent string must be a numeric string followed by an ending '%'",
              PERCENT_FMT, "1%", "93%"));
    }
    return List.of();
  }

  static List<String> isValidPortNum(long port) {
    return port >= 1 && port <= 65535 ? List.of() : List.of(inclusiveRangeError(1, 65535));
  }

  static List<String> isValidPortName(String port) {
    List<String> errs = new ArrayList<>();
    if (byteLength(port) > 15) {
      errs.add(maxLenError(15));
    }
    if (!PORT_NAME_CHARSET.matcher(port).matches()) {
      errs.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if (!ONE_LETTER.matcher(port).matches()) {
      errs.add("must contain at least one letter (a-z)");
    }
    if (port.contains("--")) {
      errs.add("must not contain consecutive hyphens");
    }
    if (!port.isEmpty() && (port.charAt(0) == '-' || port.charAt(port.length() - 1) == '-')) {
      errs.add("must not begin or end with a hyphen");
    }
    return errs;
  }

  static List<String> isEnvVarName(String value) {
    List<String> errs = new ArrayList<>();
    if (!ENV_VAR_NAME.matcher(value).matches()) {
      errs.add(
          regexError(
              "a valid environment variable name must consist of alphabetic characters, digits,"
                  + " '_', '-', or '.', and must not start with a digit",
              ENV_VAR_NAME_FMT,
              "my.env-name",
              "MY_ENV.NAME",
              "MyEnvName1"));
    }
    errs.addAll(hasChDirPrefix(value));
    return errs;
  }

  static List<String> isConfigMapKey(String value) {
    List<String> errs = new ArrayList<>();
    if (byteLength(value) > DNS1123_SUBDOMAIN_MAX) {
      errs.add(maxLenError(DNS1123_SUBDOMAIN_MAX));
    }
    if (!CONFIG_MAP_KEY.matcher(value).matches()) {
      errs.add(
          regexError(
              "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
              CONFIG_MAP_KEY_FMT,
              "key.name",
              "KEY_NAME",
              "key-name"));
    }
    errs.addAll(hasChDirPrefix(value));
    return errs;
  }

  static List<String> isHttpHeaderName(String value) {
    if (!HTTP_HEADER_NAME.matcher(value).matches()) {
      return List.of(
          regexError(
              "a valid HTTP header must consist of alphanumeric characters or '-'",
              HTTP_HEADER_NAME_FMT,
              "X-Header-Name"));
    }
    return List.of();
  }

  static List<String> isValidUserOrGroupId(long id) {
    return id >= 0 && id <= Integer.MAX_VALUE
        ? List.of()
        : List.of(inclusiveRangeError(0, Integer.MAX_VALUE));
  }

  private static List<String> hasChDirPrefix(String value) {
    if (value.equals(".")) {
      return List.of("must not be '.'");
    }
    if (value.equals("..")) {
      return List.of("must not be '..'");
    }
    if (value.startsWith("..")) {
      return List.of("must not start with '..'");
    }
    return List.of();
  }

  // ---- name functions (apimachinery/pkg/api/validation/generic.go) ----

  /** The rule an object's {@code metadata.name} must follow. */
  @FunctionalInterface
  interface NameRule {
    /**
     * @param prefix true when the value is a {@code generateName}, which may end in a dash
     */
    List<String> check(String name, boolean prefix);
  }

  static final NameRule DNS_SUBDOMAIN = (n, p) -> isDns1123Subdomain(p ? maskTrailingDash(n) : n);
  static final NameRule DNS_LABEL = (n, p) -> isDns1123Label(p ? maskTrailingDash(n) : n);
  static final NameRule DNS1035_LABEL = (n, p) -> isDns1035Label(p ? maskTrailingDash(n) : n);

  /** The name rule every resource gets from the generic registry: a usable URL path segment. */
  static final NameRule PATH_SEGMENT =
      (n, p) -> {
        if (!p && (n.equals(".") || n.equals(".."))) {
          return List.of("may not be '" + n + "'");
        }
        List<String> errs = new ArrayList<>();
        for (String illegal : List.of("/", "%")) {
          if (n.contains(illegal)) {
            errs.add("may not contain '" + illegal + "'");
          }
        }
        return errs;
      };

  private static String maskTrailingDash(String name) {
    if (name.length() > 1 && name.endsWith("-")) {
      return name.substring(0, name.length() - 2) + "a";
    }
    return name;
  }
}
