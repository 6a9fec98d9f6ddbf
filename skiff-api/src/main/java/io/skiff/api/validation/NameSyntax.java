package io.skiff.api.validation;

/**
 * Upstream's name and label regexes, matched character by character. They run on every write
 * (labels, names, finalizers, on status writes too), where {@code java.util.regex} was a few per
 * cent of the API server's CPU. {@code NameSyntaxTest} holds each to its regex.
 */
public final class NameSyntax {

  private NameSyntax() {}

  /** {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?} */
  public static boolean isDns1123Label(String s) {
    return isDns1123Label(s, 0, s.length());
  }

  /** {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*} */
  public static boolean isDns1123Subdomain(String s) {
    int from = 0;
    while (true) {
      int dot = s.indexOf('.', from);
      if (!isDns1123Label(s, from, dot < 0 ? s.length() : dot)) {
        return false;
      }
      if (dot < 0) {
        return true;
      }
      from = dot + 1;
    }
  }

  /** {@code [a-z]([-a-z0-9]*[a-z0-9])?} */
  public static boolean isDns1035Label(String s) {
    return !s.isEmpty() && s.charAt(0) >= 'a' && s.charAt(0) <= 'z' && isDns1123Label(s);
  }

  /** {@code ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]}: a qualified name without its prefix. */
  public static boolean isQualifiedNamePart(String s) {
    int n = s.length();
    if (n == 0 || !alphanumeric(s.charAt(0)) || !alphanumeric(s.charAt(n - 1))) {
      return false;
    }
    for (int i = 1; i < n - 1; i++) {
      char c = s.charAt(i);
      if (!alphanumeric(c) && c != '-' && c != '_' && c != '.') {
        return false;
      }
    }
    return true;
  }

  /** {@code (([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?} */
  public static boolean isLabelValue(String s) {
    return s.isEmpty() || isQualifiedNamePart(s);
  }

  private static boolean isDns1123Label(String s, int from, int to) {
    if (from >= to || !lowerAlphanumeric(s.charAt(from)) || !lowerAlphanumeric(s.charAt(to - 1))) {
      return false;
    }
    for (int i = from + 1; i < to - 1; i++) {
      char c = s.charAt(i);
      if (!lowerAlphanumeric(c) && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean lowerAlphanumeric(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  private static boolean alphanumeric(char c) {
    return lowerAlphanumeric(c) || (c >= 'A' && c <= 'Z');
  }
}
