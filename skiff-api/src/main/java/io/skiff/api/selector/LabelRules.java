package io.skiff.api.selector;

import io.skiff.api.validation.NameSyntax;

/** Upstream's syntax of label keys and values, as selectors check them. */
final class LabelRules {

  private LabelRules() {}

  static void checkKey(String key) {
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (prefix.isEmpty() || prefix.length() > 253 || !NameSyntax.isDns1123Subdomain(prefix)) {
        throw new SelectorException(
            "invalid label key \""
                + key
                + "\": prefix part a lowercase RFC 1123 subdomain must consist of lower case"
                + " alphanumeric characters, '-' or '.', and must start and end with an"
                + " alphanumeric character (e.g. 'example.com', regex used for validation is"
                + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
      }
    }
    if (name.isEmpty() || name.length() > 63 || !NameSyntax.isQualifiedNamePart(name)) {
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
    if (value.length() > 63 || !NameSyntax.isLabelValue(value)) {
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
