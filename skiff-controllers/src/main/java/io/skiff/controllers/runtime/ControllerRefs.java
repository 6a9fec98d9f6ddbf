package io.skiff.controllers.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.Objects;
import java.util.Optional;

/** Controller references: the owner reference with {@code controller: true}. */
public final class ControllerRefs {

  private ControllerRefs() {}

  /** The object's controller reference, if it has one. */
  public static Optional<OwnerReference> controllerOf(HasMetadata object) {
    if (object.getMetadata().getOwnerReferences() == null) {
      return Optional.empty();
    }
    for (OwnerReference ref : object.getMetadata().getOwnerReferences()) {
      if (Boolean.TRUE.equals(ref.getController())) {
        return Optional.of(ref);
      }
    }
    return Optional.empty();
  }

  /** Whether {@code object}'s controller reference names {@code owner} by UID. */
  public static boolean isControlledBy(HasMetadata object, HasMetadata owner) {
    return controllerOf(object)
        .map(ref -> Objects.equals(ref.getUid(), owner.getMetadata().getUid()))
        .orElse(false);
  }

  /**
   * The reference a controller puts on what it creates: {@code controller: true} and {@code
   * blockOwnerDeletion: true}, so that a foreground deletion of the owner waits for it.
   */
  public static OwnerReference newControllerRef(HasMetadata owner, String apiVersion, String kind) {
    return new OwnerReferenceBuilder()
        .withApiVersion(apiVersion)
        .withKind(kind)
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }
}
