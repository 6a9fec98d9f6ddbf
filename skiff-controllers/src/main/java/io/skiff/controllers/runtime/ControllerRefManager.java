package io.skiff.controllers.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.skiff.api.errors.StatusError;
import io.skiff.api.patch.PatchType;
import io.skiff.api.selector.LabelSelector;
import io.skiff.client.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Claims the objects a controller selects, upstream's {@code BaseControllerRefManager.ClaimObject}
 * with the {@code PodControllerRefManager} / {@code ReplicaSetControllerRefManager} patches:
 *
 * <ul>
 *   <li>controlled by another controller: left alone;
 *   <li>controlled by this one and selected: kept, even while this controller is being deleted;
 *   <li>controlled by this one but no longer selected: released, unless this controller is being
 *       deleted;
 *   <li>an orphan that is selected, not being deleted, in this controller's namespace, while this
 *       controller is not being deleted: adopted.
 * </ul>
 *
 * <p>Adoption is a strategic-merge patch adding the controller reference, release one deleting it
 * ({@code $patch: delete} by UID); both carry the object's {@code metadata.uid}, which the server
 * refuses to change, so a patch meant for an object that was deleted and recreated under the same
 * name fails (422) instead of touching the new one. Before the first adoption of a pass the {@link
 * CanAdopt} check runs once (typically {@link #recheckDeletionTimestamp}, a live GET of the
 * controller), because the cached controller may be stale. Make one manager per sync pass.
 *
 * @param <T> the kind of the claimed objects
 */
public final class ControllerRefManager<T extends HasMetadata> {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A check that must pass before anything is adopted; throws to refuse. */
  @FunctionalInterface
  public interface CanAdopt {
    void check() throws Exception;
  }

  /**
   * Claiming some of the objects failed; the others were claimed. The controller should fail its
   * sync so that it is retried.
   */
  public static final class ClaimException extends RuntimeException {
    private final transient List<?> claimed;
    private final List<Exception> errors;

    ClaimException(List<?> claimed, List<Exception> errors) {
      super(aggregateMessage(errors), errors.getFirst());
      this.claimed = List.copyOf(claimed);
      this.errors = List.copyOf(errors);
      errors.stream().skip(1).forEach(this::addSuppressed);
    }

    /** What was claimed despite the failures. */
    public List<?> claimed() {
      return claimed;
    }

    public List<Exception> errors() {
      return errors;
    }

    /** Go's utilerrors.Aggregate text: the one message, or {@code [a, b]}. */
    private static String aggregateMessage(List<Exception> errors) {
      if (errors.size() == 1) {
        return errors.getFirst().getMessage();
      }
      return "[" + String.join(", ", errors.stream().map(Exception::getMessage).toList()) + "]";
    }
  }

  private final Resources<T> objects;
  private final HasMetadata controller;
  private final LabelSelector selector;
  private final String controllerApiVersion;
  private final String controllerKind;
  private final CanAdopt canAdopt;
  private boolean canAdoptChecked;
  private Exception canAdoptError;

  /**
   * @param objects where the claimed objects are patched
   * @param controller the claiming controller, as cached
   * @param selector the controller's selector (objects it selects are its to claim)
   * @param controllerApiVersion e.g. {@code apps/v1}
   * @param controllerKind e.g. {@code ReplicaSet}
   * @param canAdopt run at most once, before the first adoption; null for no check
   */
  public ControllerRefManager(
      Resources<T> objects,
      HasMetadata controller,
      LabelSelector selector,
      String controllerApiVersion,
      String controllerKind,
      CanAdopt canAdopt) {
    this.objects = objects;
    this.controller = controller;
    this.selector = selector;
    this.controllerApiVersion = controllerApiVersion;
    this.controllerKind = controllerKind;
    this.canAdopt = canAdopt;
  }

  /**
   * Claims {@code candidates}: adopts and releases as the class comment says.
   *
   * @param filters further conditions an object must meet to be selected (after the selector)
   * @return the objects this controller now controls, in the given order; the cached instances
   *     (adopted ones are not re-read)
   * @throws ClaimException if an adoption or release failed; the others were still made
   */
  @SafeVarargs
  public final List<T> claim(List<T> candidates, Predicate<? super T>... filters) {
    List<T> claimed = new ArrayList<>();
    List<Exception> errors = new ArrayList<>();
    Predicate<T> match =
        obj -> {
          if (selector == null || !selector.matches(obj.getMetadata().getLabels())) {
            return false;
          }
          for (Predicate<? super T> f : filters) {
            if (!f.test(obj)) {
              return false;
            }
          }
          return true;
        };
    for (T obj : candidates) {
      try {
        if (claimObject(obj, match)) {
          claimed.add(obj);
        }
      } catch (Exception e) {
        errors.add(e);
      }
    }
    if (!errors.isEmpty()) {
      throw new ClaimException(claimed, errors);
    }
    return claimed;
  }

  private boolean claimObject(T obj, Predicate<T> match) throws Exception {
    Optional<OwnerReference> ref = ControllerRefs.controllerOf(obj);
    boolean controllerDeleting = controller.getMetadata().getDeletionTimestamp() != null;
    if (ref.isPresent()) {
      if (!Objects.equals(ref.get().getUid(), controller.getMetadata().getUid())) {
        return false;
      }
      if (match.test(obj)) {
        // Keeping what we own takes no action, so it is allowed even while being deleted.
        return true;
      }
      if (controllerDeleting) {
        return false;
      }
      try {
        release(obj);
      } catch (StatusError e) {
        if (e.code() != 404) {
          throw e;
        }
      }
      return false;
    }
    if (controllerDeleting || !match.test(obj)) {
      return false;
    }
    if (obj.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    String ns = controller.getMetadata().getNamespace();
    if (ns != null && !ns.isEmpty() && !ns.equals(obj.getMetadata().getNamespace())) {
      return false;
    }
    try {
      adopt(obj);
    } catch (StatusError e) {
      if (e.code() == 404) {
        return false;
      }
      throw e;
    }
    return true;
  }

  /**
   * Makes this controller the object's controller.
   *
   * @throws IllegalStateException when the {@link CanAdopt} check refused ("can't adopt ...")
   * @throws StatusError as the server answers; 422 when another controller reference exists
   */
  public void adopt(T obj) {
    Exception refused = canAdopt();
    if (refused != null) {
      throw new IllegalStateException(
          "can't adopt "
              + obj.getKind()
              + " "
              + obj.getMetadata().getNamespace()
              + "/"
              + obj.getMetadata().getName()
              + " ("
              + obj.getMetadata().getUid()
              + "): "
              + refused.getMessage(),
          refused);
    }
    objects.patch(
        obj.getMetadata().getNamespace(),
        obj.getMetadata().getName(),
        PatchType.STRATEGIC_MERGE_PATCH,
        adoptPatch(controllerApiVersion, controllerKind, controller, obj.getMetadata().getUid()));
  }

  /**
   * Removes this controller's reference from the object. A 404 (gone) or 422 (no such reference, or
   * the object was recreated under the same name) is not an error.
   */
  public void release(T obj) {
    try {
      objects.patch(
          obj.getMetadata().getNamespace(),
          obj.getMetadata().getName(),
          PatchType.STRATEGIC_MERGE_PATCH,
          releasePatch(controller.getMetadata().getUid(), obj.getMetadata().getUid()));
    } catch (StatusError e) {
      if (e.code() == 404 || e.code() == 422) {
        return;
      }
      throw e;
    }
  }

  private synchronized Exception canAdopt() {
    if (!canAdoptChecked) {
      canAdoptChecked = true;
      if (canAdopt != null) {
        try {
          canAdopt.check();
        } catch (Exception e) {
          canAdoptError = e;
        }
      }
    }
    return canAdoptError;
  }

  /**
   * The adoption patch, as upstream marshals it: {@code
   * {"metadata":{"ownerReferences":[{apiVersion, kind, name, uid, controller: true,
   * blockOwnerDeletion: true}],"uid":"<object uid>"}}}.
   */
  public static String adoptPatch(
      String controllerApiVersion, String controllerKind, HasMetadata controller, String uid) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode meta = root.putObject("metadata");
    ObjectNode ref = meta.putArray("ownerReferences").addObject();
    ref.put("apiVersion", controllerApiVersion);
    ref.put("kind", controllerKind);
    ref.put("name", controller.getMetadata().getName());
    ref.put("uid", controller.getMetadata().getUid());
    ref.put("controller", true);
    ref.put("blockOwnerDeletion", true);
    meta.put("uid", uid);
    return root.toString();
  }

  /**
   * The release patch, as upstream marshals it: {@code {"metadata":{"uid":"<object
   * uid>","ownerReferences":[{"$patch":"delete","uid":"<owner uid>"}]}}}.
   */
  public static String releasePatch(String ownerUid, String uid) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode meta = root.putObject("metadata");
    meta.put("uid", uid);
    ArrayNode refs = meta.putArray("ownerReferences");
    ObjectNode ref = refs.addObject();
    ref.put("$patch", "delete");
    ref.put("uid", ownerUid);
    return root.toString();
  }

  /**
   * The usual {@link CanAdopt}: a live GET of the controller; refuses when it is gone, was replaced
   * (another UID) or is being deleted. Upstream's RecheckDeletionTimestamp, with the controller's
   * UID check.
   */
  public static <C extends HasMetadata> CanAdopt recheckDeletionTimestamp(
      Resources<C> controllers, HasMetadata controller) {
    return () -> {
      String ns = controller.getMetadata().getNamespace();
      String name = controller.getMetadata().getName();
      C fresh;
      try {
        fresh =
            controllers
                .get(ns, name)
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            controllers.type().qualifiedResource()
                                + " \""
                                + name
                                + "\" not found"));
        if (!Objects.equals(fresh.getMetadata().getUid(), controller.getMetadata().getUid())) {
          throw new IllegalStateException(
              "original "
                  + controller.getKind()
                  + " "
                  + ns
                  + "/"
                  + name
                  + " is gone: got uid "
                  + fresh.getMetadata().getUid()
                  + ", wanted "
                  + controller.getMetadata().getUid());
        }
      } catch (RuntimeException e) {
        throw new IllegalStateException("can't recheck DeletionTimestamp: " + e.getMessage(), e);
      }
      if (fresh.getMetadata().getDeletionTimestamp() != null) {
        throw new IllegalStateException(
            ns
                + "/"
                + name
                + " has just been deleted at "
                + fresh.getMetadata().getDeletionTimestamp());
      }
    };
  }
}
