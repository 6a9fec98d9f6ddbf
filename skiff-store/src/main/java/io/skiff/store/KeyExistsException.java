package io.skiff.store;

/** A create found the key already there; nothing was written. */
public final class KeyExistsException extends StoreException {
  private final String key;

  public KeyExistsException(String key) {
    super("key \"" + key + "\" already exists");
    this.key = key;
  }

  public String key() {
    return key;
  }
}
