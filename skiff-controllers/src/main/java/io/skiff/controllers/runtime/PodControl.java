package io.skiff.controllers.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.skiff.client.ModelCopy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Creates, deletes and patches pods on behalf of a controller, recording the events {@code kubectl
 * describe} shows on the controller: upstream's {@code PodControlInterface}. {@link
 * ClientPodControl} is the real one.
 */
public interface PodControl {

  String SUCCESSFUL_CREATE = "SuccessfulCreate";
  String FAILED_CREATE = "FailedCreate";
  String SUCCESSFUL_DELETE = "SuccessfulDelete";
  String FAILED_DELETE = "FailedDelete";

  /**
   * Creates one pod from {@code template}, controlled by {@code controller} through {@code
   * controllerRef}, named {@code <controller name>-<random>} by the server.
   *
   * @throws io.skiff.api.errors.StatusError as the server answers
   * @throws IllegalArgumentException if {@code controllerRef} is not a full controller reference,
   *     or the template has no labels ("unable to create pods, no labels")
   */
  void createPods(
      String namespace,
      PodTemplateSpec template,
      HasMetadata controller,
      OwnerReference controllerRef);

  /** As {@link #createPods}, with the given {@code generateName} instead of the default. */
  void createPodsWithGenerateName(
      String namespace,
      PodTemplateSpec template,
      HasMetadata controller,
      OwnerReference controllerRef,
      String generateName);

  /**
   * Deletes the pod.
   *
   * @throws io.skiff.api.errors.StatusError 404 when it is already gone (no event); other failures
   *     as {@link PodControlException} after a {@code FailedDelete} event
   */
  void deletePod(String namespace, String name, HasMetadata controller);

  /** Applies a strategic-merge patch to the pod. */
  void patchPod(String namespace, String name, String strategicMergePatch);

  /** A failure of {@link #deletePod} other than NotFound: "unable to delete pods: ...". */
  final class PodControlException extends RuntimeException {
    public PodControlException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The pod a controller creates from its template: the template's labels, annotations, finalizers
   * and spec, the controller reference, and {@code generateName} of the controller's name and a
   * dash (the bare name when the dash would make it an invalid prefix).
   */
  static Pod podFromTemplate(
      PodTemplateSpec template, HasMetadata controller, OwnerReference controllerRef) {
    ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
    ObjectMeta meta = new ObjectMeta();
    meta.setLabels(
        tm.getLabels() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(tm.getLabels()));
    meta.setAnnotations(
        tm.getAnnotations() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(tm.getAnnotations()));
    meta.setFinalizers(
        tm.getFinalizers() == null ? new ArrayList<>() : new ArrayList<>(tm.getFinalizers()));
    meta.setGenerateName(podsPrefix(controller.getMetadata().getName()));
    List<OwnerReference> refs = new ArrayList<>();
    if (controllerRef != null) {
      refs.add(controllerRef);
    }
    meta.setOwnerReferences(refs);
    Pod pod = new Pod();
    pod.setMetadata(meta);
    pod.setSpec(template.getSpec() == null ? null : ModelCopy.deep(template.getSpec()));
    return pod;
  }

  /** {@code name-} if it is a valid pod name prefix, else {@code name}. */
  static String podsPrefix(String controllerName) {
    String prefix = controllerName + "-";
    return Prefixes.validPodNamePrefix(prefix) ? prefix : controllerName;
  }

  /** Name-prefix validation, as upstream's ValidatePodName with prefix=true. */
  final class Prefixes {
    private static final Pattern DNS1123_SUBDOMAIN =
        Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private Prefixes() {}

    static boolean validPodNamePrefix(String prefix) {
      // A generated name appends characters, so a trailing dash is fine in a prefix.
      String masked =
          prefix.endsWith("-") ? prefix.substring(0, prefix.length() - 1) + "a" : prefix;
      return masked.length() <= 253 && DNS1123_SUBDOMAIN.matcher(masked).matches();
    }
  }
}
