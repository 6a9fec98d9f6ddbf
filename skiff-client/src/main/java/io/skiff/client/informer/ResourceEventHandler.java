package io.skiff.client.informer;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Notified of changes to an informer's cache. A handler is called by one thread at a time, in the
 * order the cache changed; it should only note the change (queue a key) and return.
 *
 * <p>The objects are the cache's own instances, shared with every handler and lister: <b>never
 * change them</b>. Copy ({@link io.skiff.client.KubeObjects#deepCopy}) before changing.
 */
public interface ResourceEventHandler<T extends HasMetadata> {

  /** An object appeared in the cache (or was there when this handler was added). */
  default void onAdd(T object) {}

  /**
   * An object changed; also called with the same object twice on every periodic resync, so that a
   * level-triggered controller looks at everything again.
   */
  default void onUpdate(T oldObject, T newObject) {}

  /** An object left the cache; {@code object} is its last known state. */
  default void onDelete(T object) {}

  /** A handler that passes each change to one of three functions, e.g. a controller's methods. */
  static <T extends HasMetadata> ResourceEventHandler<T> of(
      Consumer<? super T> onAdd,
      BiConsumer<? super T, ? super T> onUpdate,
      Consumer<? super T> onDelete) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        onAdd.accept(object);
      }

      @Override
      public void onUpdate(T oldObject, T newObject) {
        onUpdate.accept(oldObject, newObject);
      }

      @Override
      public void onDelete(T object) {
        onDelete.accept(object);
      }
    };
  }
}
