package io.skiff.apiserver.registry;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The fields each kind lets field selectors match, as upstream's {@code GetAttrs} exposes them. */
public final class SelectableFields {

  private static final Set<String> META = Set.of("metadata.name", "metadata.namespace");

  private SelectableFields() {}

  public static Set<String> supported(String kind) {
    Set<String> extra =
        switch (kind) {
          case "Pod" ->
              Set.of(
                  "spec.nodeName",
                  "spec.restartPolicy",
                  "spec.schedulerName",
                  "spec.serviceAccountName",
                  "spec.hostNetwork",
                  "status.phase",
                  "status.podIP",
                  "status.nominatedNodeName");
          case "Event" ->
              Set.of(
                  "involvedObject.kind",
                  "involvedObject.namespace",
                  "involvedObject.name",
                  "involvedObject.uid",
                  "involvedObject.apiVersion",
                  "involvedObject.resourceVersion",
                  "involvedObject.fieldPath",
                  "reason",
                  "reportingComponent",
                  "source",
                  "type");
          case "Node" -> Set.of("spec.unschedulable");
          case "Namespace" -> Set.of("status.phase");
          case "Secret" -> Set.of("type");
          case "ReplicaSet", "ReplicationController" -> Set.of("status.replicas");
          case "Job" -> Set.of("status.successful");
          default -> Set.of();
        };
    if (extra.isEmpty()) {
      return META;
    }
    Set<String> all = new java.util.HashSet<>(META);
    all.addAll(extra);
    return all;
  }

  /** The values of every selectable field of {@code obj}, "" where unset. */
  public static Map<String, String> of(HasMetadata obj) {
    Map<String, String> f = new HashMap<>();
    f.put("metadata.name", str(obj.getMetadata().getName()));
    f.put("metadata.namespace", str(obj.getMetadata().getNamespace()));
    switch (obj) {
      case Pod p -> {
        if (p.getSpec() != null) {
          f.put("spec.nodeName", str(p.getSpec().getNodeName()));
          f.put("spec.restartPolicy", str(p.getSpec().getRestartPolicy()));
          f.put("spec.schedulerName", str(p.getSpec().getSchedulerName()));
          f.put("spec.serviceAccountName", str(p.getSpec().getServiceAccountName()));
          f.put(
              "spec.hostNetwork",
              String.valueOf(Boolean.TRUE.equals(p.getSpec().getHostNetwork())));
        }
        if (p.getStatus() != null) {
          f.put("status.phase", str(p.getStatus().getPhase()));
          f.put("status.podIP", str(p.getStatus().getPodIP()));
          f.put("status.nominatedNodeName", str(p.getStatus().getNominatedNodeName()));
        }
      }
      case Event e -> {
        ObjectReference o = e.getInvolvedObject();
        if (o != null) {
          f.put("involvedObject.kind", str(o.getKind()));
          f.put("involvedObject.namespace", str(o.getNamespace()));
          f.put("involvedObject.name", str(o.getName()));
          f.put("involvedObject.uid", str(o.getUid()));
          f.put("involvedObject.apiVersion", str(o.getApiVersion()));
          f.put("involvedObject.resourceVersion", str(o.getResourceVersion()));
          f.put("involvedObject.fieldPath", str(o.getFieldPath()));
        }
        f.put("reason", str(e.getReason()));
        f.put("reportingComponent", str(e.getReportingComponent()));
        f.put("source", e.getSource() == null ? "" : str(e.getSource().getComponent()));
        f.put("type", str(e.getType()));
      }
      case Node n ->
          f.put(
              "spec.unschedulable",
              String.valueOf(
                  n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable())));
      case Namespace ns ->
          f.put("status.phase", ns.getStatus() == null ? "" : str(ns.getStatus().getPhase()));
      case Secret s -> f.put("type", str(s.getType()));
      case ReplicaSet rs ->
          f.put(
              "status.replicas",
              rs.getStatus() == null ? "0" : String.valueOf(rs.getStatus().getReplicas()));
      case ReplicationController rc ->
          f.put(
              "status.replicas",
              rc.getStatus() == null ? "0" : String.valueOf(rc.getStatus().getReplicas()));
      case Job j ->
          f.put(
              "status.successful",
              j.getStatus() == null || j.getStatus().getSucceeded() == null
                  ? "0"
                  : String.valueOf(j.getStatus().getSucceeded()));
      default -> {}
    }
    return f;
  }

  private static String str(String s) {
    return s == null ? "" : s;
  }
}
