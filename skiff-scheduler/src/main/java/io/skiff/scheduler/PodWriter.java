package io.skiff.scheduler;

import io.fabric8.kubernetes.api.model.Pod;
import io.skiff.api.errors.StatusError;
import java.util.Optional;

/** What the scheduler does to pods through the API, and how it reads them back. */
interface PodWriter {

  /**
   * Posts the pod's {@code binding} to {@code node}.
   *
   * @throws StatusError as the server answers (409 when already bound, 404 when gone)
   */
  void bind(Pod pod, String node);

  /** Applies a strategic merge patch to the pod's status. */
  void patchStatus(Pod pod, String patch);

  /** The pod as the informer has it now, if it still exists (same UID). */
  Optional<Pod> current(Pod pod);
}
