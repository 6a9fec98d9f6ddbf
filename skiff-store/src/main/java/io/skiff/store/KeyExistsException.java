package io.skiff.store;

/** A create found the key already there; nothing was written. */
public final class KeyExistsException extends StoreException {
  private final String key;

  public KeyExistsException(String key) {
    super(String.format("key "%s" already exists", key));
    this.key = key;
  }

  public String key() {
    return key;
  }
}
