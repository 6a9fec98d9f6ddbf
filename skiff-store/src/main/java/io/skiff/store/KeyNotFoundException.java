package io.skiff.store;

/** An update or delete found no such key; nothing was written. */
public final class KeyNotFoundException extends StoreException {
  private final String key;

  public KeyNotFoundException(String key) {
    super("key \"" + key + "\" not found");
    this.key = key;
  }

  public String key() {
    return key;
  }
}
