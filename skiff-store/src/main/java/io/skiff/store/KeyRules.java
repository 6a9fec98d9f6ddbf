package io.skiff.store;

/** The limits of {@link Store} on keys and values, checked the same way by every backend. */
public final class KeyRules {

  /**
   * One past the highest key character. Keys are printable ASCII, so every key with a prefix sorts
   * below the prefix followed by this character.
   */
  private static final char PAST_LAST_KEY_CHAR = 0x7F;

  private KeyRules() {}

  /** Checks a key to be written or read. */
  public static void checkKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new InvalidRequestException("key must not be empty");
    }
    if (key.length() > Store.MAX_KEY_BYTES) {
      throw new InvalidRequestException(
          "key is " + key.length() + " bytes; the limit is " + Store.MAX_KEY_BYTES);
    }
    checkChars(key, "key");
  }

  /** Checks a prefix for list, count and watch; the empty prefix means every key. */
  public static void checkPrefix(String prefix) {
    if (prefix == null) {
      throw new InvalidRequestException("prefix must not be null; use \"\" for every key");
    }
    if (prefix.length() > Store.MAX_KEY_BYTES) {
      throw new InvalidRequestException(
          "prefix is " + prefix.length() + " bytes; the limit is " + Store.MAX_KEY_BYTES);
    }
    checkChars(prefix, "prefix");
  }

  /** Checks a value to be written. */
  public static void checkValue(byte[] value) {
    if (value == null) {
      throw new InvalidRequestException("value must not be null");
    }
    if (value.length > Store.MAX_VALUE_BYTES) {
      throw new InvalidRequestException(
          "value is " + value.length + " bytes; the limit is " + Store.MAX_VALUE_BYTES);
    }
  }

  /** The smallest string greater than every key that starts with {@code prefix}. */
  public static String prefixEnd(String prefix) {
    return prefix + PAST_LAST_KEY_CHAR;
  }

  private static void checkChars(String s, String what) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x21 || c > 0x7E) {
        throw new InvalidRequestException(
            what
                + " has character "
                + String.format("U+%04X", (int) c)
                + " at index "
                + i
                + "; only printable ASCII (0x21-0x7E) is allowed");
      }
    }
  }
}
