package io.skiff.store;

/** A running watch. Closing it stops delivery; an event being delivered may still finish. */
public interface Watch extends AutoCloseable {
  @Override
  void close();
}
