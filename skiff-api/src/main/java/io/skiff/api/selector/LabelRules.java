package io.skiff.api.selector;

import java.util.regex.Pattern;

/** Upstream's syntax of label keys and values, as selectors check them. */
final class LabelRules {

  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

  private LabelRules() {}

  static void checkKey(String key) {
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
        throw new SelectorException(
            "invalid label key \""
                + key
                + "\": prefix part a lowercase RFC 1123 subdomain must consist of lower case"
                + " alphanumeric characters, '-' or '.', and must start and end with an"
                + " alphanumeric character (e.g. 'example.com', regex used for validation is"
                + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
      }
    }
    if (name.isEmpty() || name.length() > 63 || !QUALIFIED_NAME.matcher(name).matches()) {
      throw new SelectorException(
          "invalid label key \""
              + key
              + "\": name part must consist of alphanumeric characters, '-', '_' or '.', and must"
              + " start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or"
              + " '123-abc', regex used for validation is"
              + " '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    }
  }

  static void checkValue(String value) {
    if (value.length() > 63 || !LABEL_VALUE.matcher(value).matches()) {
      throw new SelectorException(
          "invalid label value: \""
              + value
              + "\": at key: a valid label must be an empty string or consist of alphanumeric"
              + " characters, '-', '_' or '.', and must start and end with an alphanumeric"
              + " character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for"
              + " validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
    }
  }
}
