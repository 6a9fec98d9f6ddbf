package io.skiff.apiserver.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleBuilder;
import io.skiff.api.ResourceType;
import io.skiff.api.errors.StatusError;
import io.skiff.api.selector.LabelSelector;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code autoscaling/v1 Scale} view of the kinds that have a {@code scale} subresource, for the
 * HTTP handler and the in-process transport alike.
 */
public final class Scales {

  private Scales() {}

  public static Scale toScale(HasMetadata obj) {
    Integer spec;
    Integer status;
    String selector;
    switch (obj) {
      case Deployment d -> {
        spec = d.getSpec().getReplicas();
        status = d.getStatus() == null ? null : d.getStatus().getReplicas();
        selector = selector(LabelSelector.of(d.getSpec().getSelector()));
      }
      case ReplicaSet rs -> {
        spec = rs.getSpec().getReplicas();
        status = rs.getStatus() == null ? null : rs.getStatus().getReplicas();
        selector = selector(LabelSelector.of(rs.getSpec().getSelector()));
      }
      case StatefulSet s -> {
        spec = s.getSpec().getReplicas();
        status = s.getStatus() == null ? null : s.getStatus().getReplicas();
        selector = selector(LabelSelector.of(s.getSpec().getSelector()));
      }
      case ReplicationController rc -> {
        spec = rc.getSpec().getReplicas();
        status = rc.getStatus() == null ? null : rc.getStatus().getReplicas();
        Map<String, String> m =
            rc.getSpec().getSelector() == null
                ? Map.of()
                : new TreeMap<>(rc.getSpec().getSelector());
        selector =
            String.join(
                ",", m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
      }
      default -> throw StatusError.notFoundPath();
    }
    return new ScaleBuilder()
        .withApiVersion("autoscaling/v1")
        .withKind("Scale")
        .withMetadata(
            new ObjectMetaBuilder()
                .withName(obj.getMetadata().getName())
                .withNamespace(obj.getMetadata().getNamespace())
                .withUid(obj.getMetadata().getUid())
                .withResourceVersion(obj.getMetadata().getResourceVersion())
                .withCreationTimestamp(obj.getMetadata().getCreationTimestamp())
                .build())
        .withNewSpec()
        .withReplicas(spec == null ? 0 : spec)
        .endSpec()
        .withNewStatus()
        .withReplicas(status == null ? 0 : status)
        .withSelector(selector)
        .endStatus()
        .build();
  }

  /**
   * The object with {@code spec.replicas} from a written Scale (as JSON), refusing a stale
   * resourceVersion in the Scale as upstream does.
   */
  static HasMetadata applyScale(HasMetadata obj, JsonNode scale, ResourceType type) {
    JsonNode replicas = scale.path("spec").path("replicas");
    return apply(
        obj,
        scale.path("metadata").path("resourceVersion").asText(""),
        replicas.isMissingNode() || replicas.isNull() ? 0 : replicas.asInt(),
        type);
  }

  /** As {@link #applyScale(HasMetadata, JsonNode, ResourceType)}, for a Scale object. */
  public static HasMetadata applyScale(HasMetadata obj, Scale scale, ResourceType type) {
    String rv = scale.getMetadata() == null ? null : scale.getMetadata().getResourceVersion();
    Integer replicas = scale.getSpec() == null ? null : scale.getSpec().getReplicas();
    return apply(obj, rv == null ? "" : rv, replicas == null ? 0 : replicas, type);
  }

  /** Whether a written Scale names the version it was read at (then a conflict is final). */
  public static boolean hasResourceVersion(Scale scale) {
    return scale.getMetadata() != null
        && scale.getMetadata().getResourceVersion() != null
        && !scale.getMetadata().getResourceVersion().isEmpty();
  }

  private static HasMetadata apply(HasMetadata obj, String rv, int n, ResourceType type) {
    if (!rv.isEmpty() && !rv.equals(obj.getMetadata().getResourceVersion())) {
      throw StatusError.conflict(type, obj.getMetadata().getName());
    }
    switch (obj) {
      case Deployment d -> d.getSpec().setReplicas(n);
      case ReplicaSet rs -> rs.getSpec().setReplicas(n);
      case StatefulSet s -> s.getSpec().setReplicas(n);
      case ReplicationController rc -> rc.getSpec().setReplicas(n);
      default -> throw StatusError.notFoundPath();
    }
    return obj;
  }

  private static String selector(LabelSelector s) {
    return s == null ? "" : s.toString();
  }
}
