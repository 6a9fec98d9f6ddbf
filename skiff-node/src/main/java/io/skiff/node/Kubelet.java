package io.skiff.node;

import io.fabric8.kubernetes.api.model.Pod;

/** What a pod's runtime needs from the node it runs on. */
interface Kubelet {

  NodeOptions options();

  ImageCatalog catalog();

  /** Whether the node holds the image (by its normalized reference). */
  boolean hasImage(String normalized);

  /** Records that the node now holds the image. */
  void imagePulled(String normalized);

  /** A pod address from the node's range, or -1 when the range is full or the node has none. */
  int allocateIp();

  /** Takes {@code ip} from the node's range for a pod that already has it; false if it cannot. */
  boolean claimIp(int ip);

  /** Gives an address back to the node's range. */
  void releaseIp(int ip);

  /** Why {@link #allocateIp()} failed, as the CNI plugin says it. */
  String ipUnavailableMessage();

  /**
   * Records a kubelet event about {@code pod}; {@code fieldPath} names the container ({@code
   * spec.containers{nginx}}) or is null for the pod.
   */
  void event(Pod pod, String fieldPath, String type, String reason, String message);
}
