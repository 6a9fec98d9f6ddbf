package io.skiff.controllers.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.skiff.api.errors.StatusError;
import io.skiff.api.patch.PatchType;
import io.skiff.client.KubeClient;
import io.skiff.client.Resources;
import io.skiff.client.events.EventRecorder;

/** The {@link PodControl} that writes through a {@link KubeClient}: upstream's RealPodControl. */
public final class ClientPodControl implements PodControl {

  /** The cause upstream attaches when a namespace being deleted refuses new objects. */
  public static final String NAMESPACE_TERMINATING_CAUSE = "NamespaceTerminating";

  private final Resources<Pod> pods;
  private final EventRecorder recorder;

  public ClientPodControl(KubeClient client, EventRecorder recorder) {
    this.pods = client.resources(Pod.class);
    this.recorder = recorder;
  }

  @Override
  public void createPods(
      String namespace,
      PodTemplateSpec template,
      HasMetadata controller,
      OwnerReference controllerRef) {
    createPodsWithGenerateName(namespace, template, controller, controllerRef, "");
  }

  @Override
  public void createPodsWithGenerateName(
      String namespace,
      PodTemplateSpec template,
      HasMetadata controller,
      OwnerReference controllerRef,
      String generateName) {
    validateControllerRef(controllerRef);
    Pod pod = PodControl.podFromTemplate(template, controller, controllerRef);
    if (generateName != null && !generateName.isEmpty()) {
      pod.getMetadata().setGenerateName(generateName);
    }
    if (pod.getMetadata().getLabels().isEmpty()) {
      throw new IllegalArgumentException("unable to create pods, no labels");
    }
    pod.getMetadata().setNamespace(namespace);
    Pod created;
    try {
      created = pods.create(pod);
    } catch (StatusError e) {
      // Upstream stays quiet while a namespace is being deleted: every create would fail.
      if (!hasCause(e, NAMESPACE_TERMINATING_CAUSE)) {
        recorder.event(controller, "Warning", FAILED_CREATE, "Error creating: " + e.getMessage());
      }
      throw e;
    }
    recorder.event(
        controller, "Normal", SUCCESSFUL_CREATE, "Created pod: " + created.getMetadata().getName());
  }

  @Override
  public void deletePod(String namespace, String name, HasMetadata controller) {
    try {
      pods.delete(namespace, name, null);
    } catch (StatusError e) {
      if (e.code() == 404) {
        throw e;
      }
      recorder.event(controller, "Warning", FAILED_DELETE, "Error deleting: " + e.getMessage());
      throw new PodControlException("unable to delete pods: " + e.getMessage(), e);
    }
    recorder.event(controller, "Normal", SUCCESSFUL_DELETE, "Deleted pod: " + name);
  }

  @Override
  public void patchPod(String namespace, String name, String strategicMergePatch) {
    pods.patch(namespace, name, PatchType.STRATEGIC_MERGE_PATCH, strategicMergePatch);
  }

  /** Whether the error's details carry a cause of type {@code causeType}. */
  public static boolean hasCause(StatusError e, String causeType) {
    if (e.status().getDetails() == null || e.status().getDetails().getCauses() == null) {
      return false;
    }
    for (StatusCause c : e.status().getDetails().getCauses()) {
      if (causeType.equals(c.getReason())) {
        return true;
      }
    }
    return false;
  }

  private static void validateControllerRef(OwnerReference ref) {
    if (ref == null) {
      throw new IllegalArgumentException("controllerRef is nil");
    }
    if (ref.getApiVersion() == null || ref.getApiVersion().isEmpty()) {
      throw new IllegalArgumentException("controllerRef has empty APIVersion");
    }
    if (ref.getKind() == null || ref.getKind().isEmpty()) {
      throw new IllegalArgumentException("controllerRef has empty Kind");
    }
    if (!Boolean.TRUE.equals(ref.getController())) {
      throw new IllegalArgumentException("controllerRef.Controller is not set to true");
    }
    if (!Boolean.TRUE.equals(ref.getBlockOwnerDeletion())) {
      throw new IllegalArgumentException("controllerRef.BlockOwnerDeletion is not set");
    }
  }
}
