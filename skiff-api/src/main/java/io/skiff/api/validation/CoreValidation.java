package io.skiff.api.validation;

import static io.skiff.api.validation.MetaValidation.nz;
import static io.skiff.api.validation.MetaValidation.validateNonNegative;
import static io.skiff.api.validation.PodValidation.intOr;
import static io.skiff.api.validation.Selectors.nonNull;
import static io.skiff.api.validation.Selectors.nonNullList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerSpec;
import io.fabric8.kubernetes.api.model.ReplicationControllerStatus;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/** Validation of the core/v1 kinds Skiff serves, after upstream's core validation (1.28). */
final class CoreValidation {

  private CoreValidation() {}

  private static final ObjectMapper JSON = new ObjectMapper();
  static final int MAX_SECRET_SIZE = 1024 * 1024;

  private static FieldPath meta() {
    return FieldPath.of("metadata");
  }

  // ---- ReplicationController ----

  static List<FieldError> validateReplicationController(ReplicationController rc) {
    List<FieldError> errs =
        MetaValidation.validateObjectMeta(rc.getMetadata(), true, Names.DNS_SUBDOMAIN, meta());
    errs.addAll(
        validateRcSpec(rc.getSpec() == null ? new ReplicationControllerSpec() : rc.getSpec()));
    return errs;
  }

  static List<FieldError> validateReplicationControllerUpdate(
      ReplicationController n, ReplicationController o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(n.getMetadata(), o.getMetadata(), meta());
    errs.addAll(
        validateRcSpec(n.getSpec() == null ? new ReplicationControllerSpec() : n.getSpec()));
    return errs;
  }

  private static List<FieldError> validateRcSpec(ReplicationControllerSpec spec) {
    FieldPath path = FieldPath.of("spec");
    List<FieldError> errs = new ArrayList<>();
    errs.addAll(
        validateNonNegative(intOr(spec.getMinReadySeconds(), 0), path.child("minReadySeconds")));
    if (nonNull(spec.getSelector()).isEmpty()) {
      errs.add(FieldError.required(path.child("selector"), ""));
    }
    errs.addAll(validateNonNegative(intOr(spec.getReplicas(), 0), path.child("replicas")));
    FieldPath tp = path.child("template");
    if (spec.getTemplate() == null) {
      errs.add(FieldError.required(tp, ""));
      return errs;
    }
    Selectors.Selector sel = Selectors.fromMap(spec.getSelector());
    Map<String, String> labels =
        spec.getTemplate().getMetadata() == null
            ? null
            : spec.getTemplate().getMetadata().getLabels();
    if (!sel.empty() && !sel.matches(labels)) {
      errs.add(
          FieldError.invalid(
              tp.child("metadata", "labels"),
              GoValueFormatter.stringMap(labels),
              AppsValidation.SELECTOR_MISMATCH));
    }
    errs.addAll(PodValidation.validatePodTemplateSpec(spec.getTemplate(), tp));
    PodSpec ps =
        spec.getTemplate().getSpec() == null ? new PodSpec() : spec.getTemplate().getSpec();
    errs.addAll(AppsValidation.restartAlwaysOnly(ps, "ReplicationController", tp.child("spec")));
    return errs;
  }

  static List<FieldError> validateReplicationControllerStatusUpdate(
      ReplicationController n, ReplicationController o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(n.getMetadata(), o.getMetadata(), meta());
    ReplicationControllerStatus s =
        n.getStatus() == null ? new ReplicationControllerStatus() : n.getStatus();
    errs.addAll(
        AppsValidation.replicaCounts(
            intOr(s.getReplicas(), 0),
            intOr(s.getFullyLabeledReplicas(), 0),
            intOr(s.getReadyReplicas(), 0),
            intOr(s.getAvailableReplicas(), 0),
            s.getObservedGeneration() == null ? 0 : s.getObservedGeneration(),
            FieldPath.of("status")));
    return errs;
  }

  // ---- Pod ----

  static List<FieldError> validatePodCreate(Pod pod) {
    List<FieldError> errs = PodValidation.validatePodMetadataAndSpec(pod, meta());
    PodSpec spec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
    FieldPath sp = FieldPath.of("spec");
    if (!nonNullList(spec.getEphemeralContainers()).isEmpty()) {
      errs.add(FieldError.forbidden(sp.child("ephemeralContainers"), "cannot be set on create"));
    }
    if (!nz(spec.getNodeName()).isEmpty() && !nonNullList(spec.getSchedulingGates()).isEmpty()) {
      errs.add(
          FieldError.forbidden(
              sp.child("nodeName"), "cannot be set until all schedulingGates have been cleared"));
    }
    return errs;
  }

  private static final String POD_UPDATABLE_FIELDS =
      String.join(
          ",",
          "`spec.containers[*].image`",
          "`spec.initContainers[*].image`",
          "`spec.activeDeadlineSeconds`",
          "`spec.tolerations` (only additions to existing tolerations)",
          "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)");

  static List<FieldError> validatePodUpdate(Pod n, Pod o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(n.getMetadata(), o.getMetadata(), meta());
    errs.addAll(PodValidation.validatePodMetadataAndSpec(n, meta()));
    errs.addAll(podAnnotationUpdates(n.getMetadata(), o.getMetadata()));
    PodSpec ns = n.getSpec() == null ? new PodSpec() : n.getSpec();
    PodSpec os = o.getSpec() == null ? new PodSpec() : o.getSpec();
    FieldPath sp = FieldPath.of("spec");
    for (String kind : List.of("containers", "initContainers")) {
      List<Container> nc =
          nonNullList(kind.equals("containers") ? ns.getContainers() : ns.getInitContainers());
      List<Container> oc =
          nonNullList(kind.equals("containers") ? os.getContainers() : os.getInitContainers());
      if (nc.size() != oc.size()) {
        errs.add(
            FieldError.forbidden(sp.child(kind), "pod updates may not add or remove containers"));
        return errs;
      }
      for (int i = 0; i < nc.size(); i++) {
        String image = nz(nc.get(i).getImage());
        if (image.isEmpty()) {
          errs.add(FieldError.required(sp.child(kind).index(i).child("image"), ""));
        }
        if (!image.equals(image.strip())) {
          errs.add(
              FieldError.invalid(
                  sp.child(kind).index(i).child("image"),
                  image,
                  "must not have leading or trailing whitespace"));
        }
      }
    }
    Long newAds = ns.getActiveDeadlineSeconds();
    Long oldAds = os.getActiveDeadlineSeconds();
    if (newAds != null) {
      if (newAds < 0 || newAds > Integer.MAX_VALUE) {
        errs.add(
            FieldError.invalid(
                sp.child("activeDeadlineSeconds"),
                newAds,
                Names.inclusiveRangeError(0, Integer.MAX_VALUE)));
        return errs;
      }
      if (oldAds != null && oldAds < newAds) {
        errs.add(
            FieldError.invalid(
                sp.child("activeDeadlineSeconds"),
                newAds,
                "must be less than or equal to previous value"));
        return errs;
      }
    } else if (oldAds != null) {
      errs.add(
          FieldError.invalid(
              sp.child("activeDeadlineSeconds"),
              null,
              "must not update from a positive integer to nil value"));
    }
    errs.addAll(
        onlyAddedTolerations(ns.getTolerations(), os.getTolerations(), sp.child("tolerations")));
    JsonNode newSpec = JSON.valueToTree(ns);
    JsonNode oldSpec = JSON.valueToTree(os);
    if (newSpec.equals(oldSpec)) {
      return errs;
    }
    // Mask what may change, then anything left over is a forbidden change.
    ObjectNode munged = newSpec.deepCopy();
    for (String kind : List.of("containers", "initContainers")) {
      JsonNode mc = munged.get(kind);
      JsonNode ocs = oldSpec.get(kind);
      if (mc != null && ocs != null) {
        for (int i = 0; i < mc.size() && i < ocs.size(); i++) {
          ((ObjectNode) mc.get(i)).set("image", ocs.get(i).get("image"));
        }
      }
    }
    copyField(munged, oldSpec, "activeDeadlineSeconds");
    copyField(munged, oldSpec, "tolerations");
    copyField(munged, oldSpec, "schedulingGates");
    JsonNode oldGrace = oldSpec.get("terminationGracePeriodSeconds");
    JsonNode newGrace = munged.get("terminationGracePeriodSeconds");
    if (oldGrace != null && oldGrace.asLong() < 0 && newGrace != null && newGrace.asLong() == 1) {
      munged.set("terminationGracePeriodSeconds", oldGrace);
    }
    if (!munged.equals(oldSpec)) {
      errs.add(
          FieldError.forbidden(
              sp,
              "pod updates may not change fields other than "
                  + POD_UPDATABLE_FIELDS
                  + "\n"
                  + SpecDiff.diff("core.PodSpec", oldSpec, munged)));
    }
    return errs;
  }

  private static void copyField(ObjectNode target, JsonNode source, String field) {
    if (source.has(field)) {
      target.set(field, source.get(field));
    } else {
      target.remove(field);
    }
  }

  private static List<FieldError> podAnnotationUpdates(ObjectMeta n, ObjectMeta o) {
    List<FieldError> errs = new ArrayList<>();
    Map<String, String> na = nonNull(n == null ? null : n.getAnnotations());
    Map<String, String> oa = nonNull(o == null ? null : o.getAnnotations());
    FieldPath p = meta().child("annotations");
    String mirror = "kubernetes.io/config.mirror";
    if (oa.containsKey(mirror) && !Objects.equals(oa.get(mirror), na.get(mirror))) {
      errs.add(
          FieldError.forbidden(p.key(mirror), "may not remove or update mirror pod annotation"));
    }
    if (na.containsKey(mirror) && !oa.containsKey(mirror)) {
      errs.add(FieldError.forbidden(p.key(mirror), "may not add mirror pod annotation"));
    }
    return errs;
  }

  private static List<FieldError> onlyAddedTolerations(
      List<Toleration> newOnes, List<Toleration> oldOnes, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    for (Toleration old : nonNullList(oldOnes)) {
      boolean found = false;
      for (Toleration t : nonNullList(newOnes)) {
        if (nz(old.getKey()).equals(nz(t.getKey()))
            && nz(old.getOperator()).equals(nz(t.getOperator()))
            && nz(old.getValue()).equals(nz(t.getValue()))
            && nz(old.getEffect()).equals(nz(t.getEffect()))) {
          found = true;
          break;
        }
      }
      if (!found) {
        errs.add(
            FieldError.forbidden(
                path, "existing toleration can not be modified except its tolerationSeconds"));
        return errs;
      }
    }
    errs.addAll(PodValidation.validateTolerations(newOnes, path));
    return errs;
  }

  static List<FieldError> validatePodStatusUpdate(Pod n, Pod o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(n.getMetadata(), o.getMetadata(), meta());
    errs.addAll(podAnnotationUpdates(n.getMetadata(), o.getMetadata()));
    FieldPath status = FieldPath.of("status");
    String newNode = n.getSpec() == null ? "" : nz(n.getSpec().getNodeName());
    String oldNode = o.getSpec() == null ? "" : nz(o.getSpec().getNodeName());
    if (!newNode.equals(oldNode)) {
      errs.add(FieldError.forbidden(status.child("nodeName"), "may not be changed directly"));
    }
    if (n.getStatus() != null) {
      String nominated = nz(n.getStatus().getNominatedNodeName());
      String oldNominated = o.getStatus() == null ? "" : nz(o.getStatus().getNominatedNodeName());
      if (!nominated.equals(oldNominated) && !nominated.isEmpty()) {
        for (String msg : Names.isDns1123Subdomain(nominated)) {
          errs.add(FieldError.invalid(status.child("nominatedNodeName"), nominated, msg));
        }
      }
      var podIps = nonNullList(n.getStatus().getPodIPs());
      for (int i = 0; i < podIps.size(); i++) {
        errs.addAll(
            PodValidation.validateIp(nz(podIps.get(i).getIp()), status.child("podIPs").index(i)));
      }
    }
    return errs;
  }

  // ---- Service ----

  static boolean isHeadless(ServiceSpec s) {
    List<String> ips = nonNullList(s.getClusterIPs());
    return ips.isEmpty()
        ? "None".equals(s.getClusterIP())
        : ips.size() == 1 && "None".equals(ips.get(0));
  }

  private static boolean externallyAccessible(ServiceSpec s) {
    String t = nz(s.getType());
    return t.equals("LoadBalancer")
        || t.equals("NodePort")
        || (t.equals("ClusterIP") && !nonNullList(s.getExternalIPs()).isEmpty());
  }

  private static GoValue servicePortKey(String protocol, int port) {
    return GoValueFormatter.struct("core.ServicePort")
        .field("Name", "")
        .field("Protocol", protocol)
        .field("AppProtocol", GoValueFormatter.pointer("string", null))
        .field("Port", port)
        .field("TargetPort", GoValueFormatter.intOrString(null))
        .field("NodePort", 0);
  }

  static List<FieldError> validateService(Service svc) {
    List<FieldError> errs =
        MetaValidation.validateObjectMeta(svc.getMetadata(), true, Names.DNS1035_LABEL, meta());
    ServiceSpec spec = svc.getSpec() == null ? new ServiceSpec() : svc.getSpec();
    FieldPath sp = FieldPath.of("spec");
    String type = nz(spec.getType());
    List<ServicePort> ports = nonNullList(spec.getPorts());
    boolean headless = isHeadless(spec);
    if (ports.isEmpty() && !headless && !type.equals("ExternalName")) {
      errs.add(FieldError.required(sp.child("ports"), ""));
    }
    switch (type) {
      case "LoadBalancer" -> {
        for (int i = 0; i < ports.size(); i++) {
          if (intOr(ports.get(i).getPort(), 0) == 10250) {
            errs.add(
                FieldError.invalid(
                    sp.child("ports").index(i),
                    10250,
                    "may not expose port 10250 externally since it is used by kubelet"));
          }
        }
        if (headless) {
          errs.add(
              FieldError.invalid(
                  sp.child("clusterIPs").index(0),
                  "None",
                  "may not be set to 'None' for LoadBalancer services"));
        }
      }
      case "NodePort" -> {
        if (headless) {
          errs.add(
              FieldError.invalid(
                  sp.child("clusterIPs").index(0),
                  "None",
                  "may not be set to 'None' for NodePort services"));
        }
      }
      case "ExternalName" -> {
        if (!nonNullList(spec.getClusterIPs()).isEmpty() || !nz(spec.getClusterIP()).isEmpty()) {
          errs.add(
              FieldError.forbidden(
                  sp.child("clusterIPs"), "may not be set for ExternalName services"));
        }
        if (!nonNullList(spec.getIpFamilies()).isEmpty()) {
          errs.add(
              FieldError.forbidden(
                  sp.child("ipFamilies"), "may not be set for ExternalName services"));
        }
        if (spec.getIpFamilyPolicy() != null) {
          errs.add(
              FieldError.forbidden(
                  sp.child("ipFamilyPolicy"), "may not be set for ExternalName services"));
        }
        String cname = nz(spec.getExternalName());
        if (cname.endsWith(".")) {
          cname = cname.substring(0, cname.length() - 1);
        }
        if (cname.isEmpty()) {
          errs.add(FieldError.required(sp.child("externalName"), ""));
        } else {
          for (String msg : Names.isDns1123Subdomain(cname)) {
            errs.add(FieldError.invalid(sp.child("externalName"), cname, msg));
          }
        }
      }
      default -> {}
    }
    Set<String> portNames = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      errs.addAll(
          validateServicePort(
              ports.get(i), ports.size() > 1, portNames, sp.child("ports").index(i)));
    }
    if (spec.getSelector() != null) {
      errs.addAll(MetaValidation.validateLabels(spec.getSelector(), sp.child("selector")));
    }
    String affinity = nz(spec.getSessionAffinity());
    if (affinity.isEmpty()) {
      errs.add(FieldError.required(sp.child("sessionAffinity"), ""));
    } else if (!affinity.equals("ClientIP") && !affinity.equals("None")) {
      errs.add(
          FieldError.notSupported(
              sp.child("sessionAffinity"), affinity, List.of("ClientIP", "None")));
    }
    FieldPath sac = sp.child("sessionAffinityConfig");
    if (affinity.equals("ClientIP")) {
      var cfg = spec.getSessionAffinityConfig();
      String when = "when session affinity type is ClientIP";
      if (cfg == null) {
        errs.add(FieldError.required(sac, when));
      } else if (cfg.getClientIP() == null) {
        errs.add(FieldError.required(sac.child("clientIP"), when));
      } else if (cfg.getClientIP().getTimeoutSeconds() == null) {
        errs.add(FieldError.required(sac.child("clientIP", "timeoutSeconds"), when));
      } else {
        int t = cfg.getClientIP().getTimeoutSeconds();
        if (t <= 0 || t > 86400) {
          errs.add(
              FieldError.invalid(
                  sac.child("clientIP", "timeoutSeconds"),
                  t,
                  "must be greater than 0 and less than 86400"));
        }
      }
    } else if (affinity.equals("None") && spec.getSessionAffinityConfig() != null) {
      errs.add(FieldError.forbidden(sac, "must not be set when session affinity is None"));
    }
    List<String> externalIps = nonNullList(spec.getExternalIPs());
    for (int i = 0; i < externalIps.size(); i++) {
      FieldPath p = sp.child("externalIPs").index(i);
      String ip = nz(externalIps.get(i));
      List<FieldError> ipErrs = PodValidation.validateIp(ip, p);
      errs.addAll(ipErrs.isEmpty() ? nonSpecialIp(ip, p) : ipErrs);
    }
    List<String> types = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
    if (type.isEmpty()) {
      errs.add(FieldError.required(sp.child("type"), ""));
    } else if (!types.contains(type)) {
      errs.add(FieldError.notSupported(sp.child("type"), type, types));
    }
    if (type.equals("ClusterIP")) {
      for (int i = 0; i < ports.size(); i++) {
        if (intOr(ports.get(i).getNodePort(), 0) != 0) {
          errs.add(
              FieldError.forbidden(
                  sp.child("ports").index(i).child("nodePort"),
                  "may not be used when `type` is 'ClusterIP'"));
        }
      }
    }
    Set<String> nodePorts = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      int np = intOr(ports.get(i).getNodePort(), 0);
      if (np != 0 && !nodePorts.add(nz(ports.get(i).getProtocol()) + "/" + np)) {
        errs.add(FieldError.duplicate(sp.child("ports").index(i).child("nodePort"), np));
      }
    }
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      String proto = nz(ports.get(i).getProtocol());
      int port = intOr(ports.get(i).getPort(), 0);
      if (!keys.add(proto + "/" + port)) {
        errs.add(FieldError.duplicate(sp.child("ports").index(i), servicePortKey(proto, port)));
      }
    }
    if (!nonNullList(spec.getLoadBalancerSourceRanges()).isEmpty()
        && !type.equals("LoadBalancer")) {
      errs.add(
          FieldError.forbidden(
              sp.child("LoadBalancerSourceRanges"),
              "may only be used when `type` is 'LoadBalancer'"));
    }
    if (spec.getAllocateLoadBalancerNodePorts() != null && !type.equals("LoadBalancer")) {
      errs.add(
          FieldError.forbidden(
              sp.child("allocateLoadBalancerNodePorts"),
              "may only be used when `type` is 'LoadBalancer'"));
    }
    if (type.equals("LoadBalancer") && spec.getAllocateLoadBalancerNodePorts() == null) {
      // Upstream's path really lacks the "spec." prefix here.
      errs.add(FieldError.required(FieldPath.of("allocateLoadBalancerNodePorts"), ""));
    }
    String etp = nz(spec.getExternalTrafficPolicy());
    if (!externallyAccessible(spec)) {
      if (!etp.isEmpty()) {
        errs.add(
            FieldError.invalid(
                sp.child("externalTrafficPolicy"),
                etp,
                "may only be set for externally-accessible services"));
      }
    } else if (etp.isEmpty()) {
      errs.add(FieldError.required(sp.child("externalTrafficPolicy"), ""));
    } else if (!etp.equals("Cluster") && !etp.equals("Local")) {
      errs.add(
          FieldError.notSupported(
              sp.child("externalTrafficPolicy"), etp, List.of("Cluster", "Local")));
    }
    boolean needsHealthCheck = type.equals("LoadBalancer") && etp.equals("Local");
    int hcnp = intOr(spec.getHealthCheckNodePort(), 0);
    if (!needsHealthCheck && hcnp != 0) {
      errs.add(
          FieldError.invalid(
              sp.child("healthCheckNodePort"),
              hcnp,
              "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
    }
    String itp = spec.getInternalTrafficPolicy();
    if (itp == null) {
      if (type.equals("NodePort") || type.equals("LoadBalancer") || type.equals("ClusterIP")) {
        errs.add(FieldError.required(sp.child("internalTrafficPolicy"), ""));
      }
    } else if (!itp.equals("Cluster") && !itp.equals("Local")) {
      errs.add(
          FieldError.notSupported(
              sp.child("internalTrafficPolicy"), itp, List.of("Cluster", "Local")));
    }
    return errs;
  }

  private static List<FieldError> validateServicePort(
      ServicePort sp, boolean requireName, Set<String> names, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    String name = nz(sp.getName());
    if (requireName && name.isEmpty()) {
      errs.add(FieldError.required(path.child("name"), ""));
    } else if (!name.isEmpty()) {
      errs.addAll(PodValidation.validateDns1123Label(name, path.child("name")));
      if (!names.add(name)) {
        errs.add(FieldError.duplicate(path.child("name"), name));
      }
    }
    int port = intOr(sp.getPort(), 0);
    for (String msg : Names.isValidPortNum(port)) {
      errs.add(FieldError.invalid(path.child("port"), port, msg));
    }
    String proto = nz(sp.getProtocol());
    if (proto.isEmpty()) {
      errs.add(FieldError.required(path.child("protocol"), ""));
    } else if (!PodValidation.PORT_PROTOCOLS.contains(proto)) {
      errs.add(
          FieldError.notSupported(path.child("protocol"), proto, PodValidation.PORT_PROTOCOLS));
    }
    errs.addAll(PodValidation.validatePortNumOrName(sp.getTargetPort(), path.child("targetPort")));
    if (sp.getAppProtocol() != null) {
      for (String msg : Names.isQualifiedName(sp.getAppProtocol())) {
        errs.add(FieldError.invalid(path.child("appProtocol"), sp.getAppProtocol(), msg));
      }
    }
    return errs;
  }

  private static List<FieldError> nonSpecialIp(String ip, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    java.net.InetAddress addr;
    try {
      addr = java.net.InetAddress.getByName(ip);
    } catch (java.net.UnknownHostException e) {
      return List.of(FieldError.invalid(path, ip, "must be a valid IP address"));
    }
    if (addr.isAnyLocalAddress()) {
      errs.add(FieldError.invalid(path, ip, "may not be unspecified (" + ip + ")"));
    }
    if (addr.isLoopbackAddress()) {
      errs.add(
          FieldError.invalid(path, ip, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
    }
    if (addr.isLinkLocalAddress()) {
      errs.add(
          FieldError.invalid(
              path, ip, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
    }
    if (addr.isMulticastAddress()
        && (ip.startsWith("224.0.0.")
            || ip.toLowerCase(java.util.Locale.ROOT).startsWith("ff02:"))) {
      errs.add(
          FieldError.invalid(
              path, ip, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
    }
    return errs;
  }

  static List<FieldError> validateServiceUpdate(Service n, Service o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(n.getMetadata(), o.getMetadata(), meta());
    errs.addAll(validateService(n));
    return errs;
  }

  static List<FieldError> validateServiceStatusUpdate(Service n, Service o) {
    return MetaValidation.validateObjectMetaUpdate(n.getMetadata(), o.getMetadata(), meta());
  }

  // ---- Namespace ----

  static List<FieldError> validateNamespace(Namespace ns) {
    List<FieldError> errs =
        MetaValidation.validateObjectMeta(ns.getMetadata(), false, Names.DNS_LABEL, meta());
    List<String> finalizers =
        ns.getSpec() == null ? List.of() : nonNullList(ns.getSpec().getFinalizers());
    for (String f : finalizers) {
      errs.addAll(namespaceFinalizer(nz(f), FieldPath.of("spec", "finalizers")));
    }
    return errs;
  }

  private static List<FieldError> namespaceFinalizer(String f, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    for (String msg : Names.isQualifiedName(f)) {
      errs.add(FieldError.invalid(path, f, msg));
    }
    errs.addAll(MetaValidation.validateKubeFinalizerName(f, path));
    return errs;
  }

  static List<FieldError> validateNamespaceUpdate(Namespace n, Namespace o) {
    return MetaValidation.validateObjectMetaUpdate(n.getMetadata(), o.getMetadata(), meta());
  }

  static List<FieldError> validateNamespaceStatusUpdate(Namespace n, Namespace o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(n.getMetadata(), o.getMetadata(), meta());
    String phase = n.getStatus() == null ? "" : nz(n.getStatus().getPhase());
    boolean deleting =
        n.getMetadata() != null && !nz(n.getMetadata().getDeletionTimestamp()).isEmpty();
    FieldPath p = FieldPath.of("status", "Phase");
    if (!deleting && !phase.equals("Active")) {
      errs.add(
          FieldError.invalid(p, phase, "may only be 'Active' if `deletionTimestamp` is empty"));
    } else if (deleting && !phase.equals("Terminating")) {
      errs.add(
          FieldError.invalid(
              p, phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
    }
    return errs;
  }

  /** The {@code /finalize} subresource: only spec.finalizers may change, and must be valid. */
  static List<FieldError> validateNamespaceFinalizeUpdate(Namespace n, Namespace o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(n.getMetadata(), o.getMetadata(), meta());
    List<String> finalizers =
        n.getSpec() == null ? List.of() : nonNullList(n.getSpec().getFinalizers());
    for (int i = 0; i < finalizers.size(); i++) {
      errs.addAll(
          namespaceFinalizer(nz(finalizers.get(i)), FieldPath.of("spec", "finalizers").index(i)));
    }
    return errs;
  }

  // ---- Node ----

  static List<FieldError> validateNode(Node node) {
    List<FieldError> errs =
        MetaValidation.validateObjectMeta(node.getMetadata(), false, Names.DNS_SUBDOMAIN, meta());
    if (node.getSpec() != null && !nonNullList(node.getSpec().getTaints()).isEmpty()) {
      // Upstream reports spec taints under "metadata.taints"; kept for identical messages.
      errs.addAll(validateTaints(node.getSpec().getTaints(), meta().child("taints")));
    }
    errs.addAll(validateNodeResources(node));
    List<String> cidrs =
        node.getSpec() == null ? List.of() : nonNullList(node.getSpec().getPodCIDRs());
    for (int i = 0; i < cidrs.size(); i++) {
      errs.addAll(validateCidr(nz(cidrs.get(i)), FieldPath.of("spec", "podCIDRs").index(i)));
    }
    return errs;
  }

  private static List<FieldError> validateCidr(String cidr, FieldPath path) {
    int slash = cidr.indexOf('/');
    boolean ok = false;
    if (slash > 0) {
      String ip = cidr.substring(0, slash);
      String bits = cidr.substring(slash + 1);
      if (PodValidation.isValidIp(ip) && bits.matches("[0-9]{1,3}")) {
        int b = Integer.parseInt(bits);
        ok = b <= (ip.contains(":") ? 128 : 32);
      }
    }
    return ok
        ? List.of()
        : List.of(
            FieldError.invalid(
                path, cidr, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
  }

  private static List<FieldError> validateTaints(List<Taint> taints, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    Map<String, Set<String>> unique = new LinkedHashMap<>();
    for (int i = 0; i < taints.size(); i++) {
      Taint t = taints.get(i);
      FieldPath p = path.index(i);
      errs.addAll(MetaValidation.validateLabelName(nz(t.getKey()), p.child("key")));
      List<String> msgs = Names.isValidLabelValue(nz(t.getValue()));
      if (!msgs.isEmpty()) {
        errs.add(FieldError.invalid(p.child("value"), nz(t.getValue()), String.join(";", msgs)));
      }
      errs.addAll(PodValidation.validateTaintEffect(nz(t.getEffect()), false, p.child("effect")));
      Set<String> keys = unique.computeIfAbsent(nz(t.getEffect()), k -> new HashSet<>());
      if (!keys.add(nz(t.getKey()))) {
        errs.add(
            new FieldError(
                ErrorType.DUPLICATE,
                p.toString(),
                GoValueFormatter.struct("core.Taint")
                    .field("Key", nz(t.getKey()))
                    .field("Value", nz(t.getValue()))
                    .field("Effect", nz(t.getEffect()))
                    .field("TimeAdded", GoValueFormatter.pointer("v1.Time", t.getTimeAdded())),
                "taints must be unique by key and effect pair"));
      }
    }
    return errs;
  }

  private static List<FieldError> validateNodeResources(Node node) {
    List<FieldError> errs = new ArrayList<>();
    if (node.getStatus() == null) {
      return errs;
    }
    for (String section : List.of("capacity", "allocatable")) {
      Map<String, Quantity> m =
          section.equals("capacity")
              ? node.getStatus().getCapacity()
              : node.getStatus().getAllocatable();
      for (Map.Entry<String, Quantity> e : new TreeMap<>(nonNull(m)).entrySet()) {
        PodValidation.validateQuantity(
            e.getKey(), e.getValue(), FieldPath.of("status", section, e.getKey()), errs);
      }
    }
    return errs;
  }

  static List<FieldError> validateNodeUpdate(Node n, Node o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(n.getMetadata(), o.getMetadata(), meta());
    errs.addAll(validateNodeResources(n));
    if (n.getStatus() != null) {
      List<NodeAddress> addrs = nonNullList(n.getStatus().getAddresses());
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < addrs.size(); i++) {
        NodeAddress a = addrs.get(i);
        if (!seen.add(nz(a.getType()) + "\u0000" + nz(a.getAddress()))) {
          errs.add(
              FieldError.duplicate(
                  FieldPath.of("status", "addresses").index(i),
                  GoValueFormatter.struct("core.NodeAddress")
                      .field("Type", nz(a.getType()))
                      .field("Address", nz(a.getAddress()))));
        }
      }
    }
    List<String> oldCidrs =
        o.getSpec() == null ? List.of() : nonNullList(o.getSpec().getPodCIDRs());
    List<String> newCidrs =
        n.getSpec() == null ? List.of() : nonNullList(n.getSpec().getPodCIDRs());
    if (!oldCidrs.isEmpty()) {
      String msg = "node updates may not change podCIDR except from \"\" to valid";
      if (oldCidrs.size() != newCidrs.size()) {
        errs.add(FieldError.forbidden(FieldPath.of("spec", "podCIDRs"), msg));
      } else {
        for (int i = 0; i < oldCidrs.size(); i++) {
          if (!Objects.equals(oldCidrs.get(i), newCidrs.get(i))) {
            errs.add(FieldError.forbidden(FieldPath.of("spec", "podCIDRs"), msg));
          }
        }
      }
    }
    String oldProvider = o.getSpec() == null ? "" : nz(o.getSpec().getProviderID());
    String newProvider = n.getSpec() == null ? "" : nz(n.getSpec().getProviderID());
    if (!oldProvider.isEmpty() && !oldProvider.equals(newProvider)) {
      errs.add(
          FieldError.forbidden(
              FieldPath.of("spec", "providerID"),
              "node updates may not change providerID except from \"\" to valid"));
    }
    if (n.getSpec() != null && !nonNullList(n.getSpec().getTaints()).isEmpty()) {
      errs.addAll(validateTaints(n.getSpec().getTaints(), meta().child("taints")));
    }
    String oldExt = o.getSpec() == null ? "" : nz(o.getSpec().getExternalID());
    String newExt = n.getSpec() == null ? "" : nz(n.getSpec().getExternalID());
    if (!oldExt.equals(newExt)) {
      errs.add(FieldError.forbidden(FieldPath.of("spec", "externalID"), "may not be updated"));
    }
    return errs;
  }

  // ---- ConfigMap and Secret ----

  private static int decodedLength(String base64) {
    try {
      return Base64.getDecoder().decode(nz(base64)).length;
    } catch (IllegalArgumentException e) {
      return Names.byteLength(nz(base64));
    }
  }

  static List<FieldError> validateConfigMap(ConfigMap cm) {
    List<FieldError> errs =
        MetaValidation.validateObjectMeta(cm.getMetadata(), true, Names.DNS_SUBDOMAIN, meta());
    long total = 0;
    Map<String, String> binary = nonNull(cm.getBinaryData());
    for (Map.Entry<String, String> e : new TreeMap<>(nonNull(cm.getData())).entrySet()) {
      FieldPath p = FieldPath.of("data").key(e.getKey());
      for (String msg : Names.isConfigMapKey(e.getKey())) {
        errs.add(FieldError.invalid(p, e.getKey(), msg));
      }
      if (binary.containsKey(e.getKey())) {
        errs.add(FieldError.invalid(p, e.getKey(), "duplicate of key present in binaryData"));
      }
      total += Names.byteLength(nz(e.getValue()));
    }
    for (Map.Entry<String, String> e : new TreeMap<>(binary).entrySet()) {
      for (String msg : Names.isConfigMapKey(e.getKey())) {
        errs.add(FieldError.invalid(FieldPath.of("binaryData").key(e.getKey()), e.getKey(), msg));
      }
      total += decodedLength(e.getValue());
    }
    if (total > MAX_SECRET_SIZE) {
      errs.add(FieldError.tooLong(FieldPath.of(""), MAX_SECRET_SIZE));
    }
    return errs;
  }

  static List<FieldError> validateConfigMapUpdate(ConfigMap n, ConfigMap o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(n.getMetadata(), o.getMetadata(), meta());
    if (Boolean.TRUE.equals(o.getImmutable())) {
      String msg = "field is immutable when `immutable` is set";
      if (!Boolean.TRUE.equals(n.getImmutable())) {
        errs.add(FieldError.forbidden(FieldPath.of("immutable"), msg));
      }
      if (!nonNull(n.getData()).equals(nonNull(o.getData()))) {
        errs.add(FieldError.forbidden(FieldPath.of("data"), msg));
      }
      if (!nonNull(n.getBinaryData()).equals(nonNull(o.getBinaryData()))) {
        errs.add(FieldError.forbidden(FieldPath.of("binaryData"), msg));
      }
    }
    errs.addAll(validateConfigMap(n));
    return errs;
  }

  /** Secret data as upstream validates it: stringData is already merged into data. */
  private static Map<String, Integer> secretSizes(Secret s) {
    Map<String, Integer> sizes = new TreeMap<>();
    nonNull(s.getData()).forEach((k, v) -> sizes.put(k, decodedLength(v)));
    nonNull(s.getStringData()).forEach((k, v) -> sizes.put(k, Names.byteLength(nz(v))));
    return sizes;
  }

  private static byte[] secretValue(Secret s, String key) {
    Map<String, String> sd = nonNull(s.getStringData());
    if (sd.containsKey(key)) {
      return nz(sd.get(key)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    try {
      return Base64.getDecoder().decode(nz(nonNull(s.getData()).get(key)));
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }

  static List<FieldError> validateSecret(Secret s) {
    List<FieldError> errs =
        MetaValidation.validateObjectMeta(s.getMetadata(), true, Names.DNS_SUBDOMAIN, meta());
    FieldPath data = FieldPath.of("data");
    Map<String, Integer> sizes = secretSizes(s);
    long total = 0;
    for (Map.Entry<String, Integer> e : sizes.entrySet()) {
      for (String msg : Names.isConfigMapKey(e.getKey())) {
        errs.add(FieldError.invalid(data.key(e.getKey()), e.getKey(), msg));
      }
      total += e.getValue();
    }
    if (total > MAX_SECRET_SIZE) {
      errs.add(FieldError.tooLong(data, MAX_SECRET_SIZE));
    }
    Map<String, String> annotations =
        s.getMetadata() == null ? Map.of() : nonNull(s.getMetadata().getAnnotations());
    switch (nz(s.getType())) {
      case "kubernetes.io/service-account-token" -> {
        if (nz(annotations.get("kubernetes.io/service-account.name")).isEmpty()) {
          errs.add(
              FieldError.required(
                  meta().child("annotations").key("kubernetes.io/service-account.name"), ""));
        }
      }
      case "kubernetes.io/dockercfg" -> errs.addAll(jsonKey(s, sizes, ".dockercfg", data));
      case "kubernetes.io/dockerconfigjson" ->
          errs.addAll(jsonKey(s, sizes, ".dockerconfigjson", data));
      case "kubernetes.io/basic-auth" -> {
        if (!sizes.containsKey("username") && !sizes.containsKey("password")) {
          errs.add(FieldError.required(data.key("username"), ""));
          errs.add(FieldError.required(data.key("password"), ""));
        }
      }
      case "kubernetes.io/ssh-auth" -> {
        if (sizes.getOrDefault("ssh-privatekey", 0) == 0) {
          errs.add(FieldError.required(data.key("ssh-privatekey"), ""));
        }
      }
      case "kubernetes.io/tls" -> {
        if (!sizes.containsKey("tls.crt")) {
          errs.add(FieldError.required(data.key("tls.crt"), ""));
        }
        if (!sizes.containsKey("tls.key")) {
          errs.add(FieldError.required(data.key("tls.key"), ""));
        }
      }
      default -> {}
    }
    return errs;
  }

  private static List<FieldError> jsonKey(
      Secret s, Map<String, Integer> sizes, String key, FieldPath data) {
    if (!sizes.containsKey(key)) {
      return List.of(FieldError.required(data.key(key), ""));
    }
    try {
      JsonNode n = JSON.readTree(secretValue(s, key));
      if (n == null || !n.isObject()) {
        throw new java.io.IOException("not a JSON object");
      }
    } catch (java.io.IOException e) {
      // Go's JSON error text cannot be reproduced; this is the gist of it.
      return List.of(
          FieldError.invalid(
              data.key(key), "<secret contents redacted>", "unexpected end of JSON input"));
    }
    return List.of();
  }

  static List<FieldError> validateSecretUpdate(Secret n, Secret o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(n.getMetadata(), o.getMetadata(), meta());
    errs.addAll(
        MetaValidation.validateImmutable(
            nz(n.getType()), nz(o.getType()), nz(n.getType()), FieldPath.of("type")));
    if (Boolean.TRUE.equals(o.getImmutable())) {
      String msg = "field is immutable when `immutable` is set";
      if (!Boolean.TRUE.equals(n.getImmutable())) {
        errs.add(FieldError.forbidden(FieldPath.of("immutable"), msg));
      }
      if (!nonNull(n.getData()).equals(nonNull(o.getData()))
          || !nonNull(n.getStringData()).isEmpty()) {
        errs.add(FieldError.forbidden(FieldPath.of("data"), msg));
      }
    }
    errs.addAll(validateSecret(n));
    return errs;
  }

  // ---- ServiceAccount, Endpoints, PVC ----

  static List<FieldError> validateSimple(ObjectMeta meta, boolean namespaced) {
    return MetaValidation.validateObjectMeta(meta, namespaced, Names.DNS_SUBDOMAIN, meta());
  }

  static List<FieldError> validateEndpoints(Endpoints ep) {
    List<FieldError> errs = validateSimple(ep.getMetadata(), true);
    List<EndpointSubset> subsets = nonNullList(ep.getSubsets());
    for (int i = 0; i < subsets.size(); i++) {
      EndpointSubset ss = subsets.get(i);
      FieldPath p = FieldPath.of("subsets").index(i);
      if (nonNullList(ss.getAddresses()).isEmpty()
          && nonNullList(ss.getNotReadyAddresses()).isEmpty()) {
        errs.add(FieldError.required(p, "must specify `addresses` or `notReadyAddresses`"));
      }
      errs.addAll(endpointAddresses(ss.getAddresses(), p.child("addresses")));
      errs.addAll(endpointAddresses(ss.getNotReadyAddresses(), p.child("notReadyAddresses")));
      List<EndpointPort> ports = nonNullList(ss.getPorts());
      for (int j = 0; j < ports.size(); j++) {
        EndpointPort port = ports.get(j);
        FieldPath pp = p.child("ports").index(j);
        String name = nz(port.getName());
        if (ports.size() > 1 && name.isEmpty()) {
          errs.add(FieldError.required(pp.child("name"), ""));
        } else if (!name.isEmpty()) {
          errs.addAll(PodValidation.validateDns1123Label(name, pp.child("name")));
        }
        int num = intOr(port.getPort(), 0);
        for (String msg : Names.isValidPortNum(num)) {
          errs.add(FieldError.invalid(pp.child("port"), num, msg));
        }
        String proto = nz(port.getProtocol());
        if (proto.isEmpty()) {
          errs.add(FieldError.required(pp.child("protocol"), ""));
        } else if (!PodValidation.PORT_PROTOCOLS.contains(proto)) {
          errs.add(
              FieldError.notSupported(pp.child("protocol"), proto, PodValidation.PORT_PROTOCOLS));
        }
      }
    }
    return errs;
  }

  private static List<FieldError> endpointAddresses(List<EndpointAddress> addrs, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    List<EndpointAddress> list = nonNullList(addrs);
    for (int i = 0; i < list.size(); i++) {
      EndpointAddress a = list.get(i);
      FieldPath p = path.index(i);
      String ip = nz(a.getIp());
      errs.addAll(PodValidation.validateIp(ip, p.child("ip")));
      if (!nz(a.getHostname()).isEmpty()) {
        errs.addAll(PodValidation.validateDns1123Label(a.getHostname(), p.child("hostname")));
      }
      if (a.getNodeName() != null) {
        for (String msg : Names.isDns1123Subdomain(a.getNodeName())) {
          errs.add(FieldError.invalid(p.child("nodeName"), a.getNodeName(), msg));
        }
      }
      errs.addAll(nonSpecialIp(ip, p.child("ip")));
    }
    return errs;
  }

  private static final List<String> ACCESS_MODES =
      List.of("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod");

  static List<FieldError> validatePvcSpec(PersistentVolumeClaimSpec spec, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    List<String> modes = nonNullList(spec.getAccessModes());
    if (modes.isEmpty()) {
      errs.add(
          FieldError.required(path.child("accessModes"), "at least 1 access mode is required"));
    }
    if (spec.getSelector() != null) {
      errs.addAll(Selectors.validate(spec.getSelector(), false, path.child("selector")));
    }
    boolean rwop = false;
    boolean others = false;
    for (String m : modes) {
      if (!ACCESS_MODES.contains(nz(m))) {
        errs.add(FieldError.notSupported(path.child("accessModes"), nz(m), ACCESS_MODES));
      }
      rwop |= "ReadWriteOncePod".equals(m);
      others |= !"ReadWriteOncePod".equals(m);
    }
    if (rwop && others) {
      errs.add(
          FieldError.forbidden(
              path.child("accessModes"), "may not use ReadWriteOncePod with other access modes"));
    }
    FieldPath storage = path.child("resources").key("storage");
    Map<String, Quantity> requests =
        spec.getResources() == null ? Map.of() : nonNull(spec.getResources().getRequests());
    if (!requests.containsKey("storage")) {
      errs.add(FieldError.required(storage, ""));
    } else {
      Quantities.parse(requests.get("storage"))
          .ifPresent(
              q -> {
                if (q.value().signum() <= 0) {
                  errs.add(
                      FieldError.invalid(
                          storage, Quantities.canonical(q), "must be greater than zero"));
                }
              });
    }
    if (spec.getStorageClassName() != null && !spec.getStorageClassName().isEmpty()) {
      for (String msg : Names.isDns1123Subdomain(spec.getStorageClassName())) {
        errs.add(
            FieldError.invalid(path.child("storageClassName"), spec.getStorageClassName(), msg));
      }
    }
    if (spec.getVolumeMode() != null
        && !List.of("Block", "Filesystem").contains(spec.getVolumeMode())) {
      errs.add(
          FieldError.notSupported(
              path.child("volumeMode"), spec.getVolumeMode(), List.of("Block", "Filesystem")));
    }
    return errs;
  }

  static List<FieldError> validatePvc(PersistentVolumeClaim pvc) {
    List<FieldError> errs = validateSimple(pvc.getMetadata(), true);
    errs.addAll(
        validatePvcSpec(
            pvc.getSpec() == null ? new PersistentVolumeClaimSpec() : pvc.getSpec(),
            FieldPath.of("spec")));
    return errs;
  }

  static List<FieldError> validatePvcUpdate(PersistentVolumeClaim n, PersistentVolumeClaim o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(n.getMetadata(), o.getMetadata(), meta());
    errs.addAll(validatePvc(n));
    ObjectNode newSpec =
        JSON.valueToTree(n.getSpec() == null ? new PersistentVolumeClaimSpec() : n.getSpec());
    ObjectNode oldSpec =
        JSON.valueToTree(o.getSpec() == null ? new PersistentVolumeClaimSpec() : o.getSpec());
    if (!oldSpec.has("volumeName") || oldSpec.get("volumeName").asText().isEmpty()) {
      // The binder may set volumeName once.
      if (newSpec.has("volumeName")) {
        oldSpec.set("volumeName", newSpec.get("volumeName"));
      }
    }
    if (storageClassUpgradeFromNil(o, n)) {
      // RetroactiveDefaultStorageClass (GA in 1.28): a claim created without a class may be given
      // one later, as the PV controller does with the default class.
      newSpec.remove("storageClassName");
    }
    boolean bound = n.getStatus() != null && "Bound".equals(n.getStatus().getPhase());
    if (bound
        && newSpec.path("resources").has("requests")
        && oldSpec.path("resources").path("requests").has("storage")) {
      ((ObjectNode) newSpec.get("resources").get("requests"))
          .set("storage", oldSpec.get("resources").get("requests").get("storage"));
    }
    if (!newSpec.equals(oldSpec)) {
      errs.add(
          FieldError.forbidden(
              FieldPath.of("spec"),
              "spec is immutable after creation except resources.requests for bound claims\n"
                  + SpecDiff.diff("core.PersistentVolumeClaimSpec", oldSpec, newSpec)));
    }
    return errs;
  }

  private static final String BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class";

  private static boolean storageClassUpgradeFromNil(
      PersistentVolumeClaim o, PersistentVolumeClaim n) {
    String oldClass = o.getSpec() == null ? null : o.getSpec().getStorageClassName();
    String newClass = n.getSpec() == null ? null : n.getSpec().getStorageClassName();
    String oldAnnotation = nonNull(o.getMetadata().getAnnotations()).get(BETA_STORAGE_CLASS);
    return newClass != null
        && oldClass == null
        && (oldAnnotation == null || oldAnnotation.equals(newClass));
  }

  // ---- PersistentVolume ----

  private static final List<String> RECLAIM_POLICIES = List.of("Delete", "Recycle", "Retain");

  /**
   * The persistent volume sources in upstream's order of checks, with the path each error names
   * (upstream's own spellings: gcePersistentDisk's details are under "persistentDisk", cephFS's
   * under "cephfs").
   */
  private static final List<Map.Entry<String, Function<PersistentVolumeSpec, Object>>> PV_SOURCES =
      List.of(
          Map.entry("hostPath", PersistentVolumeSpec::getHostPath),
          Map.entry("gcePersistentDisk", PersistentVolumeSpec::getGcePersistentDisk),
          Map.entry("awsElasticBlockStore", PersistentVolumeSpec::getAwsElasticBlockStore),
          Map.entry("glusterfs", PersistentVolumeSpec::getGlusterfs),
          Map.entry("flocker", PersistentVolumeSpec::getFlocker),
          Map.entry("nfs", PersistentVolumeSpec::getNfs),
          Map.entry("rbd", PersistentVolumeSpec::getRbd),
          Map.entry("quobyte", PersistentVolumeSpec::getQuobyte),
          Map.entry("cephFS", PersistentVolumeSpec::getCephfs),
          Map.entry("iscsi", PersistentVolumeSpec::getIscsi),
          Map.entry("cinder", PersistentVolumeSpec::getCinder),
          Map.entry("fc", PersistentVolumeSpec::getFc),
          Map.entry("flexVolume", PersistentVolumeSpec::getFlexVolume),
          Map.entry("azureFile", PersistentVolumeSpec::getAzureFile),
          Map.entry("vsphereVolume", PersistentVolumeSpec::getVsphereVolume),
          Map.entry("photonPersistentDisk", PersistentVolumeSpec::getPhotonPersistentDisk),
          Map.entry("portworxVolume", PersistentVolumeSpec::getPortworxVolume),
          Map.entry("azureDisk", PersistentVolumeSpec::getAzureDisk),
          Map.entry("scaleIO", PersistentVolumeSpec::getScaleIO),
          Map.entry("local", PersistentVolumeSpec::getLocal),
          Map.entry("storageos", PersistentVolumeSpec::getStorageos),
          Map.entry("csi", PersistentVolumeSpec::getCsi));

  /** The spec fields that make up upstream's PersistentVolumeSource, immutable after creation. */
  private static final List<String> PV_SOURCE_FIELDS =
      List.of(
          "hostPath",
          "gcePersistentDisk",
          "awsElasticBlockStore",
          "glusterfs",
          "flocker",
          "nfs",
          "rbd",
          "quobyte",
          "cephfs",
          "iscsi",
          "cinder",
          "fc",
          "flexVolume",
          "azureFile",
          "vsphereVolume",
          "photonPersistentDisk",
          "portworxVolume",
          "azureDisk",
          "scaleIO",
          "local",
          "storageos",
          "csi");

  static List<FieldError> validatePv(PersistentVolume pv) {
    List<FieldError> errs =
        MetaValidation.validateObjectMeta(pv.getMetadata(), false, Names.DNS_SUBDOMAIN, meta());
    errs.addAll(
        validatePvSpec(
            pv.getSpec() == null ? new PersistentVolumeSpec() : pv.getSpec(),
            FieldPath.of("spec")));
    return errs;
  }

  private static List<FieldError> validatePvSpec(PersistentVolumeSpec spec, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    List<String> modes = nonNullList(spec.getAccessModes());
    if (modes.isEmpty()) {
      errs.add(FieldError.required(path.child("accessModes"), ""));
    }
    boolean rwop = false;
    boolean others = false;
    for (String m : modes) {
      if (!ACCESS_MODES.contains(nz(m))) {
        errs.add(FieldError.notSupported(path.child("accessModes"), nz(m), ACCESS_MODES));
      } else if ("ReadWriteOncePod".equals(m)) {
        rwop = true;
      } else {
        others = true;
      }
    }
    if (rwop && others) {
      errs.add(
          FieldError.forbidden(
              path.child("accessModes"), "may not use ReadWriteOncePod with other access modes"));
    }
    FieldPath capacity = path.child("capacity");
    Map<String, Quantity> cap = nonNull(spec.getCapacity());
    if (cap.isEmpty()) {
      errs.add(FieldError.required(capacity, ""));
    }
    if (!cap.containsKey("storage") || cap.size() > 1) {
      errs.add(FieldError.notSupported(capacity, resourceList(cap), List.of("storage")));
    }
    for (Map.Entry<String, Quantity> e : new TreeMap<>(cap).entrySet()) {
      Quantities.parse(e.getValue())
          .ifPresent(
              q -> {
                if (q.value().signum() <= 0) {
                  errs.add(
                      FieldError.invalid(
                          capacity.key(e.getKey()),
                          Quantities.canonical(q),
                          "must be greater than zero"));
                }
              });
    }
    String policy = nz(spec.getPersistentVolumeReclaimPolicy());
    if (!policy.isEmpty() && !RECLAIM_POLICIES.contains(policy)) {
      errs.add(
          FieldError.notSupported(
              path.child("persistentVolumeReclaimPolicy"), policy, RECLAIM_POLICIES));
    }
    int sources = 0;
    for (Map.Entry<String, Function<PersistentVolumeSpec, Object>> src : PV_SOURCES) {
      if (src.getValue().apply(spec) == null) {
        continue;
      }
      // Upstream lets flexVolume through this check, whatever came before it.
      if (sources > 0 && !src.getKey().equals("flexVolume")) {
        errs.add(
            FieldError.forbidden(
                path.child(src.getKey()), "may not specify more than 1 volume type"));
        continue;
      }
      sources++;
      errs.addAll(validatePvSource(spec, src.getKey(), path));
    }
    if (sources == 0) {
      errs.add(FieldError.required(path, "must specify a volume type"));
    }
    if (spec.getHostPath() != null
        && "Recycle".equals(policy)
        && cleansToRoot(nz(spec.getHostPath().getPath()))) {
      errs.add(
          FieldError.forbidden(
              path.child("persistentVolumeReclaimPolicy"),
              "may not be 'recycle' for a hostPath mount of '/'"));
    }
    String storageClass = nz(spec.getStorageClassName());
    if (!storageClass.isEmpty()) {
      for (String msg : Names.isDns1123Subdomain(storageClass)) {
        errs.add(FieldError.invalid(path.child("storageClassName"), storageClass, msg));
      }
    }
    if (spec.getVolumeMode() != null
        && !List.of("Block", "Filesystem").contains(spec.getVolumeMode())) {
      errs.add(
          FieldError.notSupported(
              path.child("volumeMode"), spec.getVolumeMode(), List.of("Block", "Filesystem")));
    }
    return errs;
  }

  /** Whether Go's path.Clean of {@code p} is "/". */
  private static boolean cleansToRoot(String p) {
    if (!p.startsWith("/")) {
      return false;
    }
    int depth = 0;
    for (String part : p.split("/")) {
      if (part.equals("..")) {
        // Above the root is the root.
        depth = Math.max(0, depth - 1);
      } else if (!part.isEmpty() && !part.equals(".")) {
        depth++;
      }
    }
    return depth == 0;
  }

  /** The details Skiff checks of the sources a simulated cluster is likely to see. */
  private static List<FieldError> validatePvSource(
      PersistentVolumeSpec spec, String source, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    switch (source) {
      case "hostPath" -> {
        FieldPath p = path.child("hostPath");
        String hp = nz(spec.getHostPath().getPath());
        if (hp.isEmpty()) {
          errs.add(FieldError.required(p.child("path"), ""));
          break;
        }
        errs.addAll(PodValidation.validatePathNoBacksteps(hp, p.child("path")));
        String t = spec.getHostPath().getType();
        if (t != null && !PodValidation.HOST_PATH_TYPES.contains(t)) {
          errs.add(FieldError.notSupported(p.child("type"), t, PodValidation.HOST_PATH_TYPES));
        }
      }
      case "local" -> {
        FieldPath p = path.child("local");
        if (nz(spec.getLocal().getPath()).isEmpty()) {
          errs.add(FieldError.required(p.child("path"), ""));
        }
        if (spec.getNodeAffinity() == null || spec.getNodeAffinity().getRequired() == null) {
          errs.add(
              FieldError.required(
                  path.child("nodeAffinity"), "Local volume requires node affinity"));
        }
      }
      case "nfs" -> {
        FieldPath p = path.child("nfs");
        if (nz(spec.getNfs().getServer()).isEmpty()) {
          errs.add(FieldError.required(p.child("server"), ""));
        }
        String np = nz(spec.getNfs().getPath());
        if (np.isEmpty()) {
          errs.add(FieldError.required(p.child("path"), ""));
        } else if (!np.startsWith("/")) {
          errs.add(FieldError.invalid(p.child("path"), np, "must be an absolute path"));
        }
      }
      case "csi" -> {
        FieldPath p = path.child("csi");
        if (nz(spec.getCsi().getDriver()).isEmpty()) {
          errs.add(FieldError.required(p.child("driver"), ""));
        }
        if (nz(spec.getCsi().getVolumeHandle()).isEmpty()) {
          errs.add(FieldError.required(p.child("volumeHandle"), ""));
        }
      }
      default -> {
        // Other volume plugins are accepted as given; Skiff mounts no volumes.
      }
    }
    return errs;
  }

  /**
   * Go's {@code %#v} of a core.ResourceList. Upstream prints each Quantity's internal fields; Skiff
   * shows its canonical text instead, which only the rare non-empty case reaches.
   */
  private static GoValue resourceList(Map<String, Quantity> list) {
    return () -> {
      if (list.isEmpty()) {
        return "core.ResourceList(nil)";
      }
      List<String> parts = new ArrayList<>();
      new TreeMap<>(list)
          .forEach(
              (k, q) ->
                  parts.add(
                      GoValueFormatter.quote(k)
                          + ":"
                          + GoValueFormatter.quote(
                              Quantities.parse(q)
                                  .map(Quantities::canonical)
                                  .orElse(nz(q.getAmount()) + nz(q.getFormat())))));
      return "core.ResourceList{" + String.join(", ", parts) + "}";
    };
  }

  static List<FieldError> validatePvUpdate(PersistentVolume n, PersistentVolume o) {
    List<FieldError> errs =
        MetaValidation.validateObjectMetaUpdate(n.getMetadata(), o.getMetadata(), meta());
    errs.addAll(validatePv(n));
    ObjectNode newSpec =
        JSON.valueToTree(n.getSpec() == null ? new PersistentVolumeSpec() : n.getSpec());
    ObjectNode oldSpec =
        JSON.valueToTree(o.getSpec() == null ? new PersistentVolumeSpec() : o.getSpec());
    ObjectNode newSource = JSON.createObjectNode();
    ObjectNode oldSource = JSON.createObjectNode();
    for (String f : PV_SOURCE_FIELDS) {
      if (newSpec.has(f)) {
        newSource.set(f, newSpec.get(f));
      }
      if (oldSpec.has(f)) {
        oldSource.set(f, oldSpec.get(f));
      }
    }
    if (!newSource.equals(oldSource)) {
      errs.add(
          FieldError.forbidden(
              FieldPath.of("spec", "persistentvolumesource"),
              "spec.persistentvolumesource is immutable after creation\n"
                  + SpecDiff.diff("core.PersistentVolumeSource", oldSource, newSource)));
    }
    String newMode = n.getSpec() == null ? null : n.getSpec().getVolumeMode();
    String oldMode = o.getSpec() == null ? null : o.getSpec().getVolumeMode();
    if (!Objects.equals(newMode, oldMode)) {
      // Upstream names this field without its "spec." prefix.
      errs.add(
          FieldError.invalid(FieldPath.of("volumeMode"), newMode, MetaValidation.FIELD_IMMUTABLE));
    }
    return errs;
  }

  // ---- Event (core/v1) ----

  static List<FieldError> validateLegacyEvent(
      String namespace,
      String involvedNamespace,
      boolean hasEventTime,
      String reportingController,
      String reportingInstance,
      String action,
      String reason,
      String message) {
    List<FieldError> errs = new ArrayList<>();
    FieldPath inv = FieldPath.of("involvedObject", "namespace");
    if (!hasEventTime) {
      if (involvedNamespace.isEmpty()) {
        if (!namespace.isEmpty() && !namespace.equals("default")) {
          errs.add(FieldError.invalid(inv, involvedNamespace, "does not match event.namespace"));
        }
      } else if (!namespace.equals(involvedNamespace)) {
        errs.add(FieldError.invalid(inv, involvedNamespace, "does not match event.namespace"));
      }
    } else {
      if (involvedNamespace.isEmpty()
          && !namespace.equals("default")
          && !namespace.equals("kube-system")) {
        errs.add(FieldError.invalid(inv, involvedNamespace, "does not match event.namespace"));
      }
      FieldPath rc = FieldPath.of("reportingController");
      if (reportingController.isEmpty()) {
        errs.add(FieldError.required(rc, ""));
      }
      for (String msg : Names.isQualifiedName(reportingController)) {
        errs.add(FieldError.invalid(rc, reportingController, msg));
      }
      if (reportingInstance.isEmpty()) {
        errs.add(FieldError.required(FieldPath.of("reportingInstance"), ""));
      }
      if (reportingInstance.length() > 128) {
        errs.add(
            FieldError.invalid(
                FieldPath.of("reportingInstance"), "", "can have at most 128 characters"));
      }
      if (action.isEmpty()) {
        errs.add(FieldError.required(FieldPath.of("action"), ""));
      }
      if (action.length() > 128) {
        errs.add(FieldError.invalid(FieldPath.of("action"), "", "can have at most 128 characters"));
      }
      if (reason.isEmpty()) {
        errs.add(FieldError.required(FieldPath.of("reason"), ""));
      }
      if (reason.length() > 128) {
        errs.add(FieldError.invalid(FieldPath.of("reason"), "", "can have at most 128 characters"));
      }
      if (message.length() > 1024) {
        errs.add(
            FieldError.invalid(FieldPath.of("message"), "", "can have at most 1024 characters"));
      }
    }
    for (String msg : Names.isDns1123Subdomain(namespace)) {
      errs.add(FieldError.invalid(FieldPath.of("namespace"), namespace, msg));
    }
    return errs;
  }

  static List<FieldError> validateCoreEvent(Event e) {
    ObjectMeta m = e.getMetadata() == null ? new ObjectMeta() : e.getMetadata();
    return validateLegacyEvent(
        nz(m.getNamespace()),
        e.getInvolvedObject() == null ? "" : nz(e.getInvolvedObject().getNamespace()),
        e.getEventTime() != null && !nz(e.getEventTime().getTime()).isEmpty(),
        nz(e.getReportingComponent()),
        nz(e.getReportingInstance()),
        nz(e.getAction()),
        nz(e.getReason()),
        nz(e.getMessage()));
  }
}
