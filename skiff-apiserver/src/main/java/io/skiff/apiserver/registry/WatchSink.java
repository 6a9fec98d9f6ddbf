package io.skiff.apiserver.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.api.errors.StatusError;

/** Receives a watch's events, in order, from one thread at a time. */
public interface WatchSink {

  /** One event: {@code ADDED}, {@code MODIFIED} or {@code DELETED}. */
  void event(String type, HasMetadata object);

  /** The watch ended with an error (e.g. 410 Expired); nothing follows. */
  void error(StatusError error);
}
