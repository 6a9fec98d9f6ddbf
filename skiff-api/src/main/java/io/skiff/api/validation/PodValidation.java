package io.skiff.api.validation;

import static io.skiff.api.validation.MetaValidation.nz;
import static io.skiff.api.validation.Selectors.nonNull;
import static io.skiff.api.validation.Selectors.nonNullList;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.ExecAction;
import io.fabric8.kubernetes.api.model.GRPCAction;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodDNSConfig;
import io.fabric8.kubernetes.api.model.PodDNSConfigOption;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Sysctl;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeDevice;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PodSpec and PodTemplateSpec validation, after upstream's {@code pkg/apis/core/validation} (1.28):
 * containers, volumes, ports, env, resources, probes, scheduling fields and security contexts.
 */
final class PodValidation {

  private PodValidation() {}

  static final List<String> PORT_PROTOCOLS = List.of("SCTP", "TCP", "UDP");

  /** A volume's name and the type of source it uses ("persistentVolumeClaim", ...). */
  private record VolumeInfo(String name, String sourceType) {}

  /** {@code ValidatePodTemplateSpec}: labels, annotations and the pod spec of a template. */
  static List<FieldError> validatePodTemplateSpec(PodTemplateSpec template, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    ObjectMeta meta =
        template == null || template.getMetadata() == null
            ? new ObjectMeta()
            : template.getMetadata();
    PodSpec spec =
        template == null || template.getSpec() == null ? new PodSpec() : template.getSpec();
    errs.addAll(MetaValidation.validateLabels(meta.getLabels(), path.child("labels")));
    errs.addAll(
        MetaValidation.validateAnnotations(meta.getAnnotations(), path.child("annotations")));
    errs.addAll(
        validatePodSpecificAnnotations(meta.getAnnotations(), spec, path.child("annotations")));
    errs.addAll(validatePodSpec(spec, null, path.child("spec"), false));
    if (!nonNullList(spec.getEphemeralContainers()).isEmpty()) {
      errs.add(
          FieldError.forbidden(
              path.child("spec", "ephemeralContainers"),
              "ephemeral containers not allowed in pod template"));
    }
    return errs;
  }

  static List<FieldError> validatePodSpecificAnnotations(
      Map<String, String> annotations, PodSpec spec, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    Map<String, String> a = nonNull(annotations);
    String mirror = "kubernetes.io/config.mirror";
    if (a.containsKey(mirror) && nz(spec.getNodeName()).isEmpty()) {
      errs.add(
          FieldError.invalid(
              path.key(mirror),
              nz(a.get(mirror)),
              "must set spec.nodeName if mirror pod annotation is set"));
    }
    String cost = "controller.kubernetes.io/pod-deletion-cost";
    if (a.containsKey(cost)) {
      try {
        Integer.parseInt(nz(a.get(cost)));
      } catch (NumberFormatException e) {
        errs.add(FieldError.invalid(path.key(cost), nz(a.get(cost)), "must be a 32bit integer"));
      }
    }
    return errs;
  }

  /** {@code ValidatePodSpec}; {@code podMeta} is null for templates. */
  static List<FieldError> validatePodSpec(
      PodSpec spec, ObjectMeta podMeta, FieldPath path, boolean resourceIsPod) {
    List<FieldError> errs = new ArrayList<>();
    Map<String, VolumeInfo> vols = new LinkedHashMap<>();
    errs.addAll(validateVolumes(spec.getVolumes(), path.child("volumes"), vols));
    errs.addAll(validateContainers(spec.getContainers(), vols, path.child("containers")));
    errs.addAll(
        validateInitContainers(
            spec.getInitContainers(), spec.getContainers(), vols, path.child("initContainers")));
    errs.addAll(validateHostNetworkDeps(spec, path, resourceIsPod));
    errs.addAll(validateRestartPolicy(spec.getRestartPolicy(), path.child("restartPolicy")));
    errs.addAll(validateDnsPolicy(spec.getDnsPolicy(), path.child("dnsPolicy")));
    errs.addAll(MetaValidation.validateLabels(spec.getNodeSelector(), path.child("nodeSelector")));
    errs.addAll(
        validatePodSecurityContext(spec.getSecurityContext(), spec, path.child("securityContext")));
    errs.addAll(validateAffinity(spec.getAffinity(), path.child("affinity")));
    errs.addAll(
        validateDnsConfig(spec.getDnsConfig(), spec.getDnsPolicy(), path.child("dnsConfig")));
    for (int i = 0; i < nonNullList(spec.getReadinessGates()).size(); i++) {
      String ct = nz(spec.getReadinessGates().get(i).getConditionType());
      FieldPath p = path.child("readinessGates").index(i).child("conditionType");
      for (String msg : Names.isQualifiedName(ct)) {
        errs.add(FieldError.invalid(p, ct, msg));
      }
    }
    errs.addAll(
        validateTopologySpreadConstraints(
            spec.getTopologySpreadConstraints(), path.child("topologySpreadConstraints")));
    checkName(
        errs, spec.getServiceAccountName(), Names.DNS_SUBDOMAIN, path.child("serviceAccountName"));
    checkName(errs, spec.getNodeName(), Names.DNS_SUBDOMAIN, path.child("nodeName"));
    if (spec.getActiveDeadlineSeconds() != null) {
      long v = spec.getActiveDeadlineSeconds();
      if (v < 1 || v > Integer.MAX_VALUE) {
        errs.add(
            FieldError.invalid(
                path.child("activeDeadlineSeconds"),
                v,
                Names.inclusiveRangeError(1, Integer.MAX_VALUE)));
      }
    }
    checkName(errs, spec.getHostname(), Names.DNS_LABEL, path.child("hostname"));
    checkName(errs, spec.getSubdomain(), Names.DNS_LABEL, path.child("subdomain"));
    if (!nonNullList(spec.getTolerations()).isEmpty()) {
      errs.addAll(validateTolerations(spec.getTolerations(), path.child("tolerations")));
    }
    List<HostAlias> aliases = nonNullList(spec.getHostAliases());
    for (int i = 0; i < aliases.size(); i++) {
      FieldPath p = path.child("hostAliases").index(i);
      errs.addAll(validateIp(nz(aliases.get(i).getIp()), p.child("ip")));
      List<String> hostnames = nonNullList(aliases.get(i).getHostnames());
      for (int j = 0; j < hostnames.size(); j++) {
        checkSubdomain(errs, nz(hostnames.get(j)), p.child("hostnames").index(j));
      }
    }
    checkName(
        errs, spec.getPriorityClassName(), Names.DNS_SUBDOMAIN, path.child("priorityClassName"));
    if (spec.getRuntimeClassName() != null) {
      for (String msg : Names.DNS_SUBDOMAIN.check(spec.getRuntimeClassName(), false)) {
        errs.add(
            FieldError.invalid(path.child("runtimeClassName"), spec.getRuntimeClassName(), msg));
      }
    }
    if (spec.getPreemptionPolicy() != null) {
      String pp = spec.getPreemptionPolicy();
      if (pp.isEmpty()) {
        errs.add(FieldError.required(path.child("preemptionPolicy"), ""));
      } else if (!pp.equals("PreemptLowerPriority") && !pp.equals("Never")) {
        errs.add(
            FieldError.notSupported(
                path.child("preemptionPolicy"), pp, List.of("PreemptLowerPriority", "Never")));
      }
    }
    return errs;
  }

  private static void checkName(
      List<FieldError> errs, String value, Names.NameRule rule, FieldPath path) {
    if (value != null && !value.isEmpty()) {
      for (String msg : rule.check(value, false)) {
        errs.add(FieldError.invalid(path, value, msg));
      }
    }
  }

  private static void checkSubdomain(List<FieldError> errs, String value, FieldPath path) {
    for (String msg : Names.isDns1123Subdomain(value)) {
      errs.add(FieldError.invalid(path, value, msg));
    }
  }

  static List<FieldError> validateDns1123Label(String value, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    for (String msg : Names.isDns1123Label(value)) {
      errs.add(FieldError.invalid(path, value, msg));
    }
    return errs;
  }

  // ---- volumes ----

  /** The volume source fields in upstream's order; the label is used in error paths. */
  private static final List<Map.Entry<String, Function<Volume, Object>>> VOLUME_SOURCES =
      List.of(
          Map.entry("emptyDir", Volume::getEmptyDir),
          Map.entry("hostPath", Volume::getHostPath),
          Map.entry("gitRepo", Volume::getGitRepo),
          Map.entry("gcePersistentDisk", Volume::getGcePersistentDisk),
          Map.entry("awsElasticBlockStore", Volume::getAwsElasticBlockStore),
          Map.entry("secret", Volume::getSecret),
          Map.entry("nfs", Volume::getNfs),
          Map.entry("iscsi", Volume::getIscsi),
          Map.entry("glusterfs", Volume::getGlusterfs),
          Map.entry("flocker", Volume::getFlocker),
          Map.entry("persistentVolumeClaim", Volume::getPersistentVolumeClaim),
          Map.entry("rbd", Volume::getRbd),
          Map.entry("cinder", Volume::getCinder),
          // Upstream's own spelling of the next two paths.
          Map.entry("cephFS", Volume::getCephfs),
          Map.entry("quobyte", Volume::getQuobyte),
          Map.entry("downwarAPI", Volume::getDownwardAPI),
          Map.entry("fc", Volume::getFc),
          Map.entry("flexVolume", Volume::getFlexVolume),
          Map.entry("configMap", Volume::getConfigMap),
          Map.entry("azureFile", Volume::getAzureFile),
          Map.entry("vsphereVolume", Volume::getVsphereVolume),
          Map.entry("photonPersistentDisk", Volume::getPhotonPersistentDisk),
          Map.entry("portworxVolume", Volume::getPortworxVolume),
          Map.entry("azureDisk", Volume::getAzureDisk),
          Map.entry("storageos", Volume::getStorageos),
          Map.entry("projected", Volume::getProjected),
          Map.entry("scaleIO", Volume::getScaleIO),
          Map.entry("csi", Volume::getCsi),
          Map.entry("ephemeral", Volume::getEphemeral));

  static final List<String> HOST_PATH_TYPES =
      List.of(
          "",
          "BlockDevice",
          "CharDevice",
          "Directory",
          "DirectoryOrCreate",
          "File",
          "FileOrCreate",
          "Socket");

  private static final String FILE_MODE_ERROR =
      "must be a number between 0 and 0777 (octal), both inclusive";

  static List<FieldError> validateVolumes(
      List<Volume> volumes, FieldPath path, Map<String, VolumeInfo> out) {
    List<FieldError> errs = new ArrayList<>();
    List<Volume> list = nonNullList(volumes);
    for (int i = 0; i < list.size(); i++) {
      Volume vol = list.get(i);
      FieldPath idx = path.index(i);
      String name = nz(vol.getName());
      List<FieldError> el = new ArrayList<>();
      String sourceType = validateVolumeSource(vol, idx, el);
      if (name.isEmpty()) {
        el.add(FieldError.required(idx.child("name"), ""));
      } else {
        el.addAll(validateDns1123Label(name, idx.child("name")));
      }
      if (out.containsKey(name)) {
        el.add(FieldError.duplicate(idx.child("name"), name));
      }
      if (el.isEmpty()) {
        out.put(name, new VolumeInfo(name, sourceType));
      } else {
        errs.addAll(el);
      }
    }
    return errs;
  }

  private static String validateVolumeSource(Volume vol, FieldPath path, List<FieldError> errs) {
    String first = null;
    for (Map.Entry<String, Function<Volume, Object>> src : VOLUME_SOURCES) {
      Object s = src.getValue().apply(vol);
      if (s == null) {
        continue;
      }
      if (first != null) {
        errs.add(
            FieldError.forbidden(
                path.child(src.getKey()), "may not specify more than 1 volume type"));
        continue;
      }
      first = src.getKey();
      validateVolumeSourceDetail(vol, first, path, errs);
    }
    if (first == null) {
      errs.add(FieldError.required(path, "must specify a volume type"));
    }
    return first;
  }

  private static void validateVolumeSourceDetail(
      Volume vol, String type, FieldPath path, List<FieldError> errs) {
    switch (type) {
      case "emptyDir" -> {
        Quantity limit = vol.getEmptyDir().getSizeLimit();
        Optional<Quantities.Parsed> q = Quantities.parse(limit);
        if (q.isPresent() && q.get().value().signum() < 0) {
          errs.add(
              FieldError.forbidden(
                  path.child("emptyDir", "sizeLimit"),
                  "SizeLimit field must be a valid resource quantity"));
        }
      }
      case "hostPath" -> {
        FieldPath p = path.child("hostPath");
        String hp = nz(vol.getHostPath().getPath());
        if (hp.isEmpty()) {
          errs.add(FieldError.required(p.child("path"), ""));
          return;
        }
        errs.addAll(validatePathNoBacksteps(hp, p.child("path")));
        String t = vol.getHostPath().getType();
        if (t != null && !HOST_PATH_TYPES.contains(t)) {
          errs.add(FieldError.notSupported(p.child("type"), t, HOST_PATH_TYPES));
        }
      }
      case "secret" -> {
        FieldPath p = path.child("secret");
        if (nz(vol.getSecret().getSecretName()).isEmpty()) {
          errs.add(FieldError.required(p.child("secretName"), ""));
        }
        errs.addAll(validateMode(vol.getSecret().getDefaultMode(), p.child("defaultMode")));
        errs.addAll(validateItems(vol.getSecret().getItems(), p.child("items")));
      }
      case "configMap" -> {
        FieldPath p = path.child("configMap");
        if (nz(vol.getConfigMap().getName()).isEmpty()) {
          errs.add(FieldError.required(p.child("name"), ""));
        }
        errs.addAll(validateMode(vol.getConfigMap().getDefaultMode(), p.child("defaultMode")));
        errs.addAll(validateItems(vol.getConfigMap().getItems(), p.child("items")));
      }
      case "persistentVolumeClaim" -> {
        if (nz(vol.getPersistentVolumeClaim().getClaimName()).isEmpty()) {
          errs.add(FieldError.required(path.child("persistentVolumeClaim", "claimName"), ""));
        }
      }
      case "nfs" -> {
        FieldPath p = path.child("nfs");
        if (nz(vol.getNfs().getServer()).isEmpty()) {
          errs.add(FieldError.required(p.child("server"), ""));
        }
        String np = nz(vol.getNfs().getPath());
        if (np.isEmpty()) {
          errs.add(FieldError.required(p.child("path"), ""));
        } else if (!np.startsWith("/")) {
          errs.add(FieldError.invalid(p.child("path"), np, "must be an absolute path"));
        }
      }
      default -> {
        // Other volume plugins are accepted as given; Skiff runs no volume plugins.
      }
    }
  }

  private static List<FieldError> validateMode(Integer mode, FieldPath path) {
    if (mode != null && (mode > 0777 || mode < 0)) {
      return List.of(FieldError.invalid(path, mode, FILE_MODE_ERROR));
    }
    return List.of();
  }

  private static List<FieldError> validateItems(List<KeyToPath> items, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    List<KeyToPath> list = nonNullList(items);
    for (int i = 0; i < list.size(); i++) {
      KeyToPath kp = list.get(i);
      FieldPath p = path.index(i);
      if (nz(kp.getKey()).isEmpty()) {
        errs.add(FieldError.required(p.child("key"), ""));
      }
      if (nz(kp.getPath()).isEmpty()) {
        errs.add(FieldError.required(p.child("path"), ""));
      }
      errs.addAll(validateLocalNonReservedPath(nz(kp.getPath()), p.child("path")));
      errs.addAll(validateMode(kp.getMode(), p.child("mode")));
    }
    return errs;
  }

  static List<FieldError> validatePathNoBacksteps(String target, FieldPath path) {
    for (String part : target.split("[/\\\\]", -1)) {
      if (part.equals("..")) {
        return List.of(FieldError.invalid(path, target, "must not contain '..'"));
      }
    }
    return List.of();
  }

  private static List<FieldError> validateLocalDescendingPath(String target, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    if (target.startsWith("/")) {
      errs.add(FieldError.invalid(path, target, "must be a relative path"));
    }
    errs.addAll(validatePathNoBacksteps(target, path));
    return errs;
  }

  private static List<FieldError> validateLocalNonReservedPath(String target, FieldPath path) {
    List<FieldError> errs = new ArrayList<>(validateLocalDescendingPath(target, path));
    if (target.startsWith("..")) {
      errs.add(FieldError.invalid(path, target, "must not start with '..'"));
    }
    return errs;
  }

  // ---- containers ----

  static List<FieldError> validateContainers(
      List<Container> containers, Map<String, VolumeInfo> vols, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    List<Container> list = nonNullList(containers);
    if (list.isEmpty()) {
      errs.add(FieldError.required(path, ""));
      return errs;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      Container c = list.get(i);
      FieldPath p = path.index(i);
      errs.addAll(validateContainerCommon(c, vols, p));
      String name = nz(c.getName());
      if (!names.add(name)) {
        errs.add(FieldError.duplicate(p.child("name"), name));
      }
      if (c.getLifecycle() != null) {
        errs.addAll(
            validateLifecycle(c.getLifecycle().getPostStart(), p.child("lifecycle", "postStart")));
        errs.addAll(
            validateLifecycle(c.getLifecycle().getPreStop(), p.child("lifecycle", "preStop")));
      }
      errs.addAll(validateProbe(c.getLivenessProbe(), p.child("livenessProbe")));
      if (c.getLivenessProbe() != null
          && intOr(c.getLivenessProbe().getSuccessThreshold(), 0) != 1) {
        errs.add(
            FieldError.invalid(
                p.child("livenessProbe", "successThreshold"),
                intOr(c.getLivenessProbe().getSuccessThreshold(), 0),
                "must be 1"));
      }
      errs.addAll(validateProbe(c.getReadinessProbe(), p.child("readinessProbe")));
      if (c.getReadinessProbe() != null
          && c.getReadinessProbe().getTerminationGracePeriodSeconds() != null) {
        errs.add(
            FieldError.invalid(
                p.child("readinessProbe", "terminationGracePeriodSeconds"),
                c.getReadinessProbe().getTerminationGracePeriodSeconds(),
                "must not be set for readinessProbes"));
      }
      errs.addAll(validateProbe(c.getStartupProbe(), p.child("startupProbe")));
      if (c.getStartupProbe() != null && intOr(c.getStartupProbe().getSuccessThreshold(), 0) != 1) {
        errs.add(
            FieldError.invalid(
                p.child("startupProbe", "successThreshold"),
                intOr(c.getStartupProbe().getSuccessThreshold(), 0),
                "must be 1"));
      }
    }
    errs.addAll(checkHostPortConflicts(list, path));
    return errs;
  }

  static List<FieldError> validateInitContainers(
      List<Container> inits,
      List<Container> regular,
      Map<String, VolumeInfo> vols,
      FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Container c : nonNullList(regular)) {
      names.add(nz(c.getName()));
    }
    List<Container> list = nonNullList(inits);
    for (int i = 0; i < list.size(); i++) {
      Container c = list.get(i);
      FieldPath p = path.index(i);
      errs.addAll(validateContainerCommon(c, vols, p));
      String name = nz(c.getName());
      if (names.contains(name)) {
        errs.add(FieldError.duplicate(p.child("name"), name));
      } else if (!name.isEmpty()) {
        names.add(name);
      }
      errs.addAll(checkHostPortConflicts(List.of(c), path));
      String why = "may not be set for init containers without restartPolicy=Always";
      if (c.getLifecycle() != null) {
        errs.add(FieldError.forbidden(p.child("lifecycle"), why));
      }
      if (c.getLivenessProbe() != null) {
        errs.add(FieldError.forbidden(p.child("livenessProbe"), why));
      }
      if (c.getReadinessProbe() != null) {
        errs.add(FieldError.forbidden(p.child("readinessProbe"), why));
      }
      if (c.getStartupProbe() != null) {
        errs.add(FieldError.forbidden(p.child("startupProbe"), why));
      }
    }
    return errs;
  }

  private static List<FieldError> validateContainerCommon(
      Container c, Map<String, VolumeInfo> vols, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    String name = nz(c.getName());
    if (name.isEmpty()) {
      errs.add(FieldError.required(path.child("name"), ""));
    } else {
      errs.addAll(validateDns1123Label(name, path.child("name")));
    }
    // Whitespace-only images are tolerated here for backward compatibility, as upstream does.
    if (nz(c.getImage()).isEmpty()) {
      errs.add(FieldError.required(path.child("image"), ""));
    }
    String tmp = nz(c.getTerminationMessagePolicy());
    if (tmp.isEmpty()) {
      errs.add(FieldError.required(path.child("terminationMessagePolicy"), ""));
    } else if (!tmp.equals("File") && !tmp.equals("FallbackToLogsOnError")) {
      errs.add(
          FieldError.notSupported(
              path.child("terminationMessagePolicy"),
              tmp,
              List.of("File", "FallbackToLogsOnError")));
    }
    errs.addAll(validateContainerPorts(c.getPorts(), path.child("ports")));
    errs.addAll(validateEnv(c.getEnv(), path.child("env")));
    errs.addAll(validateEnvFrom(c.getEnvFrom(), path.child("envFrom")));
    errs.addAll(
        validateVolumeMounts(
            c.getVolumeMounts(), c.getVolumeDevices(), vols, path.child("volumeMounts")));
    errs.addAll(
        validateVolumeDevices(
            c.getVolumeDevices(), c.getVolumeMounts(), vols, path.child("volumeDevices")));
    String pull = nz(c.getImagePullPolicy());
    if (pull.isEmpty()) {
      errs.add(FieldError.required(path.child("imagePullPolicy"), ""));
    } else if (!List.of("Always", "IfNotPresent", "Never").contains(pull)) {
      errs.add(
          FieldError.notSupported(
              path.child("imagePullPolicy"), pull, List.of("Always", "IfNotPresent", "Never")));
    }
    errs.addAll(validateResourceRequirements(c.getResources(), path.child("resources")));
    errs.addAll(validateSecurityContext(c.getSecurityContext(), path.child("securityContext")));
    return errs;
  }

  private static List<FieldError> checkHostPortConflicts(
      List<Container> containers, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int ci = 0; ci < containers.size(); ci++) {
      List<ContainerPort> ports = nonNullList(containers.get(ci).getPorts());
      for (int pi = 0; pi < ports.size(); pi++) {
        ContainerPort port = ports.get(pi);
        int hostPort = intOr(port.getHostPort(), 0);
        if (hostPort == 0) {
          continue;
        }
        String key = nz(port.getProtocol()) + "/" + nz(port.getHostIP()) + "/" + hostPort;
        if (!seen.add(key)) {
          errs.add(
              FieldError.duplicate(path.index(ci).child("ports").index(pi).child("hostPort"), key));
        }
      }
    }
    return errs;
  }

  static List<FieldError> validateContainerPorts(List<ContainerPort> ports, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    List<ContainerPort> list = nonNullList(ports);
    for (int i = 0; i < list.size(); i++) {
      ContainerPort port = list.get(i);
      FieldPath p = path.index(i);
      String name = nz(port.getName());
      if (!name.isEmpty()) {
        List<String> msgs = Names.isValidPortName(name);
        if (!msgs.isEmpty()) {
          for (String msg : msgs) {
            errs.add(FieldError.invalid(p.child("name"), name, msg));
          }
        } else if (!names.add(name)) {
          errs.add(FieldError.duplicate(p.child("name"), name));
        }
      }
      int cp = intOr(port.getContainerPort(), 0);
      if (cp == 0) {
        errs.add(FieldError.required(p.child("containerPort"), ""));
      } else {
        for (String msg : Names.isValidPortNum(cp)) {
          errs.add(FieldError.invalid(p.child("containerPort"), cp, msg));
        }
      }
      int hp = intOr(port.getHostPort(), 0);
      if (hp != 0) {
        for (String msg : Names.isValidPortNum(hp)) {
          errs.add(FieldError.invalid(p.child("hostPort"), hp, msg));
        }
      }
      String proto = nz(port.getProtocol());
      if (proto.isEmpty()) {
        errs.add(FieldError.required(p.child("protocol"), ""));
      } else if (!PORT_PROTOCOLS.contains(proto)) {
        errs.add(FieldError.notSupported(p.child("protocol"), proto, PORT_PROTOCOLS));
      }
    }
    return errs;
  }

  private static List<FieldError> validateHostNetworkDeps(
      PodSpec spec, FieldPath path, boolean resourceIsPod) {
    List<FieldError> errs = new ArrayList<>();
    if (!Boolean.TRUE.equals(spec.getHostNetwork())) {
      return errs;
    }
    List<Container> containers = nonNullList(spec.getContainers());
    for (int i = 0; i < containers.size(); i++) {
      List<ContainerPort> ports = nonNullList(containers.get(i).getPorts());
      for (int j = 0; j < ports.size(); j++) {
        int hp = intOr(ports.get(j).getHostPort(), 0);
        int cp = intOr(ports.get(j).getContainerPort(), 0);
        // Templates may leave hostPort 0: it is defaulted when the pod is finally created.
        if ((resourceIsPod || hp != 0) && hp != cp) {
          errs.add(
              FieldError.invalid(
                  path.child("containers").index(i).child("ports").index(j).child("hostPort"),
                  hp,
                  "must match `containerPort` when `hostNetwork` is true"));
        }
      }
    }
    return errs;
  }

  // ---- env ----

  private static final List<String> ENV_FIELD_PATHS =
      List.of(
          "metadata.name",
          "metadata.namespace",
          "metadata.uid",
          "spec.nodeName",
          "spec.serviceAccountName",
          "status.hostIP",
          "status.hostIPs",
          "status.podIP",
          "status.podIPs");

  /** Field labels the v1 downward API can convert at all. */
  private static final Set<String> CONVERTIBLE_FIELD_PATHS =
      Set.of(
          "metadata.annotations",
          "metadata.labels",
          "metadata.name",
          "metadata.namespace",
          "metadata.uid",
          "spec.nodeName",
          "spec.restartPolicy",
          "spec.serviceAccountName",
          "spec.schedulerName",
          "status.phase",
          "status.hostIP",
          "status.hostIPs",
          "status.podIP",
          "status.podIPs");

  private static final List<String> RESOURCE_FIELD_PATHS =
      List.of(
          "limits.cpu",
          "limits.ephemeral-storage",
          "limits.memory",
          "requests.cpu",
          "requests.ephemeral-storage",
          "requests.memory");

  private static final Pattern SUBSCRIPTED = Pattern.compile("(.+)\\['(.*)'\\]");

  static List<FieldError> validateEnv(List<EnvVar> vars, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    List<EnvVar> list = nonNullList(vars);
    for (int i = 0; i < list.size(); i++) {
      EnvVar ev = list.get(i);
      FieldPath p = path.index(i);
      String name = nz(ev.getName());
      if (name.isEmpty()) {
        errs.add(FieldError.required(p.child("name"), ""));
      } else {
        for (String msg : Names.isEnvVarName(name)) {
          errs.add(FieldError.invalid(p.child("name"), name, msg));
        }
      }
      errs.addAll(validateEnvVarValueFrom(ev, p.child("valueFrom")));
    }
    return errs;
  }

  private static List<FieldError> validateEnvVarValueFrom(EnvVar ev, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    EnvVarSource from = ev.getValueFrom();
    if (from == null) {
      return errs;
    }
    int sources = 0;
    if (from.getFieldRef() != null) {
      sources++;
      errs.addAll(validateObjectFieldSelector(from.getFieldRef(), path.child("fieldRef")));
    }
    if (from.getResourceFieldRef() != null) {
      sources++;
      errs.addAll(
          validateResourceFieldSelector(
              from.getResourceFieldRef(), path.child("resourceFieldRef")));
    }
    if (from.getConfigMapKeyRef() != null) {
      sources++;
      ConfigMapKeySelector s = from.getConfigMapKeyRef();
      errs.addAll(
          validateKeySelector(nz(s.getName()), nz(s.getKey()), path.child("configMapKeyRef")));
    }
    if (from.getSecretKeyRef() != null) {
      sources++;
      SecretKeySelector s = from.getSecretKeyRef();
      errs.addAll(validateKeySelector(nz(s.getName()), nz(s.getKey()), path.child("secretKeyRef")));
    }
    if (sources == 0) {
      errs.add(
          FieldError.invalid(
              path,
              "",
              "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or"
                  + " `secretKeyRef`"));
    } else if (!nz(ev.getValue()).isEmpty()) {
      errs.add(FieldError.invalid(path, "", "may not be specified when `value` is not empty"));
    } else if (sources > 1) {
      errs.add(
          FieldError.invalid(path, "", "may not have more than one field specified at a time"));
    }
    return errs;
  }

  static List<FieldError> validateObjectFieldSelector(ObjectFieldSelector fs, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    if (nz(fs.getApiVersion()).isEmpty()) {
      errs.add(FieldError.required(path.child("apiVersion"), ""));
      return errs;
    }
    String fp = nz(fs.getFieldPath());
    if (fp.isEmpty()) {
      errs.add(FieldError.required(path.child("fieldPath"), ""));
      return errs;
    }
    Matcher m = SUBSCRIPTED.matcher(fp);
    String base = m.matches() ? m.group(1) : fp;
    if (!CONVERTIBLE_FIELD_PATHS.contains(base)) {
      errs.add(
          FieldError.invalid(
              path.child("fieldPath"),
              fp,
              "error converting fieldPath: field label not supported: " + fp));
      return errs;
    }
    if (m.matches()) {
      String subscript = m.group(2);
      switch (base) {
        case "metadata.annotations" -> {
          String key = subscript.toLowerCase(java.util.Locale.ROOT);
          for (String msg : Names.isQualifiedName(key)) {
            errs.add(FieldError.invalid(path, key, msg));
          }
        }
        case "metadata.labels" -> {
          for (String msg : Names.isQualifiedName(subscript)) {
            errs.add(FieldError.invalid(path, subscript, msg));
          }
        }
        default -> errs.add(FieldError.invalid(path, base, "does not support subscript"));
      }
    } else if (!ENV_FIELD_PATHS.contains(fp)) {
      errs.add(FieldError.notSupported(path.child("fieldPath"), fp, ENV_FIELD_PATHS));
    } else if (fp.equals("status.hostIPs")) {
      // PodHostIPs is alpha and off in 1.28.
      errs.add(
          FieldError.forbidden(
              path, "may not be set when feature gate 'PodHostIPs' is not enabled"));
    }
    return errs;
  }

  private static List<FieldError> validateResourceFieldSelector(
      ResourceFieldSelector fs, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    String res = nz(fs.getResource());
    if (res.isEmpty()) {
      errs.add(FieldError.required(path.child("resource"), ""));
    } else if (!RESOURCE_FIELD_PATHS.contains(res)
        && !res.startsWith("requests.hugepages-")
        && !res.startsWith("limits.hugepages-")) {
      errs.add(FieldError.notSupported(path.child("resource"), res, RESOURCE_FIELD_PATHS));
    }
    return errs;
  }

  private static List<FieldError> validateKeySelector(String name, String key, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    // Upstream checks the name even when it is empty, so an empty name fails the regex.
    for (String msg : Names.DNS_SUBDOMAIN.check(name, false)) {
      errs.add(FieldError.invalid(path.child("name"), name, msg));
    }
    if (key.isEmpty()) {
      errs.add(FieldError.required(path.child("key"), ""));
    } else {
      for (String msg : Names.isConfigMapKey(key)) {
        errs.add(FieldError.invalid(path.child("key"), key, msg));
      }
    }
    return errs;
  }

  static List<FieldError> validateEnvFrom(List<EnvFromSource> list, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    List<EnvFromSource> sources = nonNullList(list);
    for (int i = 0; i < sources.size(); i++) {
      EnvFromSource ev = sources.get(i);
      FieldPath p = path.index(i);
      String prefix = nz(ev.getPrefix());
      if (!prefix.isEmpty()) {
        for (String msg : Names.isEnvVarName(prefix)) {
          errs.add(FieldError.invalid(p.child("prefix"), prefix, msg));
        }
      }
      int n = 0;
      if (ev.getConfigMapRef() != null) {
        n++;
        errs.addAll(validateRefName(nz(ev.getConfigMapRef().getName()), p.child("configMapRef")));
      }
      if (ev.getSecretRef() != null) {
        n++;
        errs.addAll(validateRefName(nz(ev.getSecretRef().getName()), p.child("secretRef")));
      }
      if (n == 0) {
        errs.add(
            FieldError.invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"));
      } else if (n > 1) {
        errs.add(
            FieldError.invalid(path, "", "may not have more than one field specified at a time"));
      }
    }
    return errs;
  }

  private static List<FieldError> validateRefName(String name, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    if (name.isEmpty()) {
      errs.add(FieldError.required(path.child("name"), ""));
    } else {
      for (String msg : Names.DNS_SUBDOMAIN.check(name, true)) {
        errs.add(FieldError.invalid(path.child("name"), name, msg));
      }
    }
    return errs;
  }

  // ---- mounts ----

  private static List<FieldError> validateVolumeMounts(
      List<VolumeMount> mounts,
      List<VolumeDevice> devices,
      Map<String, VolumeInfo> vols,
      FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    Map<String, String> devicePaths = new HashMap<>();
    for (VolumeDevice d : nonNullList(devices)) {
      devicePaths.put(nz(d.getName()), nz(d.getDevicePath()));
    }
    Set<String> mountPoints = new HashSet<>();
    List<VolumeMount> list = nonNullList(mounts);
    for (int i = 0; i < list.size(); i++) {
      VolumeMount m = list.get(i);
      FieldPath p = path.index(i);
      String name = nz(m.getName());
      String mountPath = nz(m.getMountPath());
      if (name.isEmpty()) {
        errs.add(FieldError.required(p.child("name"), ""));
      }
      if (!vols.containsKey(name)) {
        errs.add(FieldError.notFound(p.child("name"), name));
      }
      if (mountPath.isEmpty()) {
        errs.add(FieldError.required(p.child("mountPath"), ""));
      }
      if (!mountPoints.add(mountPath)) {
        errs.add(FieldError.invalid(p.child("mountPath"), mountPath, "must be unique"));
      }
      if (devicePaths.containsKey(name)) {
        errs.add(
            FieldError.invalid(p.child("name"), name, "must not already exist in volumeDevices"));
      }
      if (devicePaths.containsValue(mountPath)) {
        errs.add(
            FieldError.invalid(
                p.child("mountPath"),
                mountPath,
                "must not already exist as a path in volumeDevices"));
      }
      // Upstream reports subPath problems at the list path, not at the element.
      if (!nz(m.getSubPath()).isEmpty()) {
        errs.addAll(validateLocalDescendingPath(m.getSubPath(), path.child("subPath")));
      }
      if (!nz(m.getSubPathExpr()).isEmpty()) {
        if (!nz(m.getSubPath()).isEmpty()) {
          errs.add(
              FieldError.invalid(
                  p.child("subPathExpr"),
                  m.getSubPathExpr(),
                  "subPathExpr and subPath are mutually exclusive"));
        }
        errs.addAll(validateLocalDescendingPath(m.getSubPathExpr(), path.child("subPathExpr")));
      }
    }
    return errs;
  }

  private static List<FieldError> validateVolumeDevices(
      List<VolumeDevice> devices,
      List<VolumeMount> mounts,
      Map<String, VolumeInfo> vols,
      FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    Map<String, String> mountPaths = new HashMap<>();
    for (VolumeMount m : nonNullList(mounts)) {
      mountPaths.put(nz(m.getName()), nz(m.getMountPath()));
    }
    Set<String> seenPaths = new HashSet<>();
    Set<String> seenNames = new HashSet<>();
    List<VolumeDevice> list = nonNullList(devices);
    for (int i = 0; i < list.size(); i++) {
      VolumeDevice d = list.get(i);
      FieldPath p = path.index(i);
      String name = nz(d.getName());
      String devPath = nz(d.getDevicePath());
      VolumeInfo vol = vols.get(name);
      boolean isPvc =
          vol != null
              && ("persistentVolumeClaim".equals(vol.sourceType())
                  || "ephemeral".equals(vol.sourceType()));
      if (name.isEmpty()) {
        errs.add(FieldError.required(p.child("name"), ""));
      }
      if (seenNames.contains(name)) {
        errs.add(FieldError.invalid(p.child("name"), name, "must be unique"));
      }
      if (vol != null && !isPvc) {
        errs.add(
            FieldError.invalid(
                p.child("name"),
                name,
                "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode"));
      }
      if (vol == null) {
        errs.add(FieldError.notFound(p.child("name"), name));
      }
      if (devPath.isEmpty()) {
        errs.add(FieldError.required(p.child("devicePath"), ""));
      }
      if (seenPaths.contains(devPath)) {
        errs.add(FieldError.invalid(p.child("devicePath"), devPath, "must be unique"));
      }
      if (!devPath.isEmpty() && !validatePathNoBacksteps(devPath, p).isEmpty()) {
        errs.add(
            FieldError.invalid(p.child("devicePath"), devPath, "can not contain backsteps ('..')"));
      } else {
        seenPaths.add(devPath);
      }
      if (mountPaths.containsKey(name)) {
        errs.add(
            FieldError.invalid(p.child("name"), name, "must not already exist in volumeMounts"));
      }
      if (mountPaths.containsValue(devPath)) {
        errs.add(
            FieldError.invalid(
                p.child("devicePath"),
                devPath,
                "must not already exist as a path in volumeMounts"));
      }
      if (!name.isEmpty()) {
        seenNames.add(name);
      }
    }
    return errs;
  }

  // ---- resources ----

  private static final Set<String> STANDARD_CONTAINER_RESOURCES =
      Set.of("cpu", "memory", "ephemeral-storage");

  private static final Set<String> STANDARD_RESOURCES =
      Set.of(
          "cpu",
          "memory",
          "ephemeral-storage",
          "requests.cpu",
          "requests.memory",
          "requests.ephemeral-storage",
          "limits.cpu",
          "limits.memory",
          "limits.ephemeral-storage",
          "pods",
          "services",
          "replicationcontrollers",
          "resourcequotas",
          "secrets",
          "persistentvolumeclaims",
          "configmaps",
          "services.nodeports",
          "services.loadbalancers",
          "storage",
          "requests.storage");

  static boolean isHugePage(String name) {
    return name.startsWith("hugepages-");
  }

  static boolean isNative(String name) {
    return !name.contains("/") || name.contains("kubernetes.io/");
  }

  static boolean isExtended(String name) {
    if (isNative(name) || name.startsWith("requests.")) {
      return false;
    }
    return Names.isQualifiedName("requests." + name).isEmpty();
  }

  private static boolean overcommitAllowed(String name) {
    return isNative(name) && !isHugePage(name);
  }

  private static List<FieldError> validateContainerResourceName(String name, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    for (String msg : Names.isQualifiedName(name)) {
      errs.add(FieldError.invalid(path, name, msg));
    }
    if (!errs.isEmpty()) {
      return errs;
    }
    boolean prefixed = name.contains("/");
    if (!prefixed && !STANDARD_RESOURCES.contains(name) && !isHugePage(name)) {
      errs.add(
          FieldError.invalid(path, name, "must be a standard resource type or fully qualified"));
      return errs;
    }
    if (!prefixed) {
      if (!STANDARD_CONTAINER_RESOURCES.contains(name) && !isHugePage(name)) {
        errs.add(FieldError.invalid(path, name, "must be a standard resource for containers"));
      }
    } else if (!isNative(name) && !isExtended(name)) {
      errs.add(FieldError.invalid(path, name, "doesn't follow extended resource name standard"));
    }
    return errs;
  }

  /** Validates a quantity's sign and integrality; returns the parsed value if it parses. */
  static Optional<Quantities.Parsed> validateQuantity(
      String resource, Quantity q, FieldPath path, List<FieldError> errs) {
    Optional<Quantities.Parsed> parsed = Quantities.parse(q);
    if (parsed.isEmpty()) {
      // Upstream's decoder rejects unparsable quantities before validation; nothing to add here.
      return parsed;
    }
    Quantities.Parsed p = parsed.get();
    if (p.value().signum() < 0) {
      errs.add(FieldError.invalid(path, Quantities.canonical(p), MetaValidation.IS_NEGATIVE));
    }
    // Extended resources are counted in whole units.
    if (isExtended(resource) && p.value().remainder(java.math.BigDecimal.ONE).signum() != 0) {
      errs.add(FieldError.invalid(path, Quantities.goSyntax(p), "must be an integer"));
    }
    return parsed;
  }

  static List<FieldError> validateResourceRequirements(ResourceRequirements r, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    if (r == null) {
      return errs;
    }
    FieldPath limPath = path.child("limits");
    FieldPath reqPath = path.child("requests");
    Map<String, Quantity> limits = new TreeMap<>(nonNull(r.getLimits()));
    Map<String, Quantity> requests = new TreeMap<>(nonNull(r.getRequests()));
    boolean limCpuMem = false;
    boolean reqCpuMem = false;
    boolean hugePages = false;
    Map<String, Quantities.Parsed> parsedLimits = new HashMap<>();
    for (Map.Entry<String, Quantity> e : limits.entrySet()) {
      String name = e.getKey();
      FieldPath p = limPath.key(name);
      errs.addAll(validateContainerResourceName(name, p));
      validateQuantity(name, e.getValue(), p, errs).ifPresent(q -> parsedLimits.put(name, q));
      hugePages |= isHugePage(name);
      limCpuMem |= name.equals("cpu") || name.equals("memory");
    }
    for (Map.Entry<String, Quantity> e : requests.entrySet()) {
      String name = e.getKey();
      FieldPath p = reqPath.key(name);
      errs.addAll(validateContainerResourceName(name, p));
      Optional<Quantities.Parsed> q = validateQuantity(name, e.getValue(), p, errs);
      Quantities.Parsed limit = parsedLimits.get(name);
      if (limits.containsKey(name)) {
        if (q.isPresent() && limit != null) {
          int cmp = q.get().value().compareTo(limit.value());
          String shown = Quantities.canonical(q.get());
          if (cmp != 0 && !overcommitAllowed(name)) {
            errs.add(
                FieldError.invalid(
                    reqPath,
                    shown,
                    "must be equal to " + name + " limit of " + Quantities.canonical(limit)));
          } else if (cmp > 0) {
            errs.add(
                FieldError.invalid(
                    reqPath,
                    shown,
                    "must be less than or equal to "
                        + name
                        + " limit of "
                        + Quantities.canonical(limit)));
          }
        }
      } else if (!overcommitAllowed(name)) {
        errs.add(
            FieldError.required(limPath, "Limit must be set for non overcommitable resources"));
      }
      hugePages |= isHugePage(name);
      reqCpuMem |= name.equals("cpu") || name.equals("memory");
    }
    if (!limCpuMem && !reqCpuMem && hugePages) {
      errs.add(FieldError.forbidden(path, "HugePages require cpu or memory"));
    }
    return errs;
  }

  // ---- probes and handlers ----

  private static List<FieldError> validateProbe(Probe probe, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    if (probe == null) {
      return errs;
    }
    errs.addAll(
        validateHandler(
            probe.getExec(),
            probe.getHttpGet(),
            probe.getTcpSocket() == null ? null : probe.getTcpSocket().getPort(),
            probe.getTcpSocket() != null,
            probe.getGrpc(),
            path));
    errs.addAll(
        MetaValidation.validateNonNegative(
            intOr(probe.getInitialDelaySeconds(), 0), path.child("initialDelaySeconds")));
    errs.addAll(
        MetaValidation.validateNonNegative(
            intOr(probe.getTimeoutSeconds(), 0), path.child("timeoutSeconds")));
    errs.addAll(
        MetaValidation.validateNonNegative(
            intOr(probe.getPeriodSeconds(), 0), path.child("periodSeconds")));
    errs.addAll(
        MetaValidation.validateNonNegative(
            intOr(probe.getSuccessThreshold(), 0), path.child("successThreshold")));
    errs.addAll(
        MetaValidation.validateNonNegative(
            intOr(probe.getFailureThreshold(), 0), path.child("failureThreshold")));
    if (probe.getTerminationGracePeriodSeconds() != null
        && probe.getTerminationGracePeriodSeconds() <= 0) {
      errs.add(
          FieldError.invalid(
              path.child("terminationGracePeriodSeconds"),
              probe.getTerminationGracePeriodSeconds(),
              "must be greater than 0"));
    }
    return errs;
  }

  private static List<FieldError> validateLifecycle(LifecycleHandler h, FieldPath path) {
    if (h == null) {
      return List.of();
    }
    return validateHandler(
        h.getExec(),
        h.getHttpGet(),
        h.getTcpSocket() == null ? null : h.getTcpSocket().getPort(),
        h.getTcpSocket() != null,
        null,
        path);
  }

  private static List<FieldError> validateHandler(
      ExecAction exec,
      HTTPGetAction http,
      IntOrString tcpPort,
      boolean hasTcp,
      GRPCAction grpc,
      FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    int n = 0;
    if (exec != null) {
      n++;
      if (nonNullList(exec.getCommand()).isEmpty()) {
        errs.add(FieldError.required(path.child("exec", "command"), ""));
      }
    }
    if (http != null) {
      if (n > 0) {
        errs.add(
            FieldError.forbidden(
                path.child("httpGet"), "may not specify more than 1 handler type"));
      } else {
        n++;
        FieldPath p = path.child("httpGet");
        if (nz(http.getPath()).isEmpty()) {
          errs.add(FieldError.required(p.child("path"), ""));
        }
        errs.addAll(validatePortNumOrName(http.getPort(), p.child("port")));
        String scheme = nz(http.getScheme());
        if (!scheme.equals("HTTP") && !scheme.equals("HTTPS")) {
          errs.add(FieldError.notSupported(p.child("scheme"), scheme, List.of("HTTP", "HTTPS")));
        }
        for (HTTPHeader h : nonNullList(http.getHttpHeaders())) {
          for (String msg : Names.isHttpHeaderName(nz(h.getName()))) {
            errs.add(FieldError.invalid(p.child("httpHeaders"), nz(h.getName()), msg));
          }
        }
      }
    }
    if (hasTcp) {
      if (n > 0) {
        errs.add(
            FieldError.forbidden(
                path.child("tcpSocket"), "may not specify more than 1 handler type"));
      } else {
        n++;
        errs.addAll(validatePortNumOrName(tcpPort, path.child("tcpSocket", "port")));
      }
    }
    if (grpc != null) {
      if (n > 0) {
        errs.add(
            FieldError.forbidden(path.child("grpc"), "may not specify more than 1 handler type"));
      } else {
        n++;
        int port = intOr(grpc.getPort(), 0);
        for (String msg : Names.isValidPortNum(port)) {
          errs.add(FieldError.invalid(path.child("grpc", "port"), port, msg));
        }
      }
    }
    if (n == 0) {
      errs.add(FieldError.required(path, "must specify a handler type"));
    }
    return errs;
  }

  static List<FieldError> validatePortNumOrName(IntOrString port, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    if (port != null && port.getStrVal() != null) {
      for (String msg : Names.isValidPortName(port.getStrVal())) {
        errs.add(FieldError.invalid(path, port.getStrVal(), msg));
      }
    } else {
      int v = port == null || port.getIntVal() == null ? 0 : port.getIntVal();
      for (String msg : Names.isValidPortNum(v)) {
        errs.add(FieldError.invalid(path, v, msg));
      }
    }
    return errs;
  }

  // ---- pod-level policies ----

  static List<FieldError> validateRestartPolicy(String policy, FieldPath path) {
    String p = nz(policy);
    if (p.isEmpty()) {
      return List.of(FieldError.required(path, ""));
    }
    List<String> valid = List.of("Always", "OnFailure", "Never");
    return valid.contains(p) ? List.of() : List.of(FieldError.notSupported(path, p, valid));
  }

  private static List<FieldError> validateDnsPolicy(String policy, FieldPath path) {
    String p = nz(policy);
    if (p.isEmpty()) {
      return List.of(FieldError.required(path, ""));
    }
    List<String> valid = List.of("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None");
    return valid.contains(p) ? List.of() : List.of(FieldError.notSupported(path, p, valid));
  }

  private static List<FieldError> validateDnsConfig(
      PodDNSConfig cfg, String dnsPolicy, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    if ("None".equals(dnsPolicy)) {
      if (cfg == null) {
        errs.add(FieldError.required(path, "must provide `dnsConfig` when `dnsPolicy` is None"));
        return errs;
      }
      if (nonNullList(cfg.getNameservers()).isEmpty()) {
        errs.add(
            FieldError.required(
                path.child("nameservers"),
                "must provide at least one DNS nameserver when `dnsPolicy` is None"));
        return errs;
      }
    }
    if (cfg == null) {
      return errs;
    }
    List<String> ns = nonNullList(cfg.getNameservers());
    if (ns.size() > 3) {
      errs.add(
          FieldError.invalid(
              path.child("nameservers"),
              GoValueFormatter.stringSlice(ns),
              "must not have more than 3 nameservers"));
    }
    for (int i = 0; i < ns.size(); i++) {
      errs.addAll(validateIp(nz(ns.get(i)), path.child("nameservers").index(i)));
    }
    List<String> searches = nonNullList(cfg.getSearches());
    if (searches.size() > 32) {
      errs.add(
          FieldError.invalid(
              path.child("searches"),
              GoValueFormatter.stringSlice(searches),
              "must not have more than 32 search paths"));
    }
    if (String.join(" ", searches).length() > 2048) {
      errs.add(
          FieldError.invalid(
              path.child("searches"),
              GoValueFormatter.stringSlice(searches),
              "must not have more than 2048 characters (including spaces) in the search list"));
    }
    for (int i = 0; i < searches.size(); i++) {
      String s = nz(searches.get(i));
      checkSubdomain(
          errs,
          s.endsWith(".") ? s.substring(0, s.length() - 1) : s,
          path.child("searches").index(i));
    }
    List<PodDNSConfigOption> opts = nonNullList(cfg.getOptions());
    for (int i = 0; i < opts.size(); i++) {
      if (nz(opts.get(i).getName()).isEmpty()) {
        errs.add(FieldError.required(path.child("options").index(i), "must not be empty"));
      }
    }
    return errs;
  }

  static List<FieldError> validateIp(String ip, FieldPath path) {
    if (!isValidIp(ip)) {
      return List.of(
          FieldError.invalid(
              path, ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
    }
    return List.of();
  }

  private static final Pattern IPV4_SHAPE = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9a-fA-F:.]+");

  static boolean isValidIp(String ip) {
    if (IPV4_SHAPE.matcher(ip).matches()) {
      for (String part : ip.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          return false;
        }
      }
      return true;
    }
    if (!ip.contains(":") || !IPV6_CHARACTERS.matcher(ip).matches()) {
      return false;
    }
    try {
      return java.net.InetAddress.getByName(ip) instanceof java.net.Inet6Address;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  // ---- tolerations ----

  static GoValue tolerationValue(Toleration t) {
    return GoValueFormatter.struct("core.Toleration")
        .field("Key", nz(t.getKey()))
        .field("Operator", nz(t.getOperator()))
        .field("Value", nz(t.getValue()))
        .field("Effect", nz(t.getEffect()))
        .field("TolerationSeconds", GoValueFormatter.pointer("int64", t.getTolerationSeconds()));
  }

  static List<FieldError> validateTolerations(List<Toleration> tolerations, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    List<Toleration> list = nonNullList(tolerations);
    for (int i = 0; i < list.size(); i++) {
      Toleration t = list.get(i);
      FieldPath p = path.index(i);
      String key = nz(t.getKey());
      String op = nz(t.getOperator());
      String effect = nz(t.getEffect());
      String value = nz(t.getValue());
      if (!key.isEmpty()) {
        errs.addAll(MetaValidation.validateLabelName(key, p.child("key")));
      }
      if (key.isEmpty() && !op.equals("Exists")) {
        errs.add(
            FieldError.invalid(
                p.child("operator"),
                op,
                "operator must be Exists when `key` is empty, which means \"match all values and all"
                    + " keys\""));
      }
      if (t.getTolerationSeconds() != null && !effect.equals("NoExecute")) {
        errs.add(
            FieldError.invalid(
                p.child("effect"),
                effect,
                "effect must be 'NoExecute' when `tolerationSeconds` is set"));
      }
      switch (op) {
        case "Equal", "" -> {
          List<String> msgs = Names.isValidLabelValue(value);
          if (!msgs.isEmpty()) {
            errs.add(FieldError.invalid(p.child("operator"), value, String.join(";", msgs)));
          }
        }
        case "Exists" -> {
          if (!value.isEmpty()) {
            errs.add(
                FieldError.invalid(
                    p.child("operator"),
                    tolerationValue(t),
                    "value must be empty when `operator` is 'Exists'"));
          }
        }
        default ->
            errs.add(FieldError.notSupported(p.child("operator"), op, List.of("Equal", "Exists")));
      }
      if (!effect.isEmpty()) {
        errs.addAll(validateTaintEffect(effect, true, p.child("effect")));
      }
    }
    return errs;
  }

  static List<FieldError> validateTaintEffect(String effect, boolean allowEmpty, FieldPath path) {
    if (!allowEmpty && effect.isEmpty()) {
      return List.of(FieldError.required(path, ""));
    }
    List<String> valid = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
    return valid.contains(effect)
        ? List.of()
        : List.of(FieldError.notSupported(path, effect, valid));
  }

  // ---- affinity and spreading ----

  private static List<FieldError> validateAffinity(Affinity a, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    if (a == null) {
      return errs;
    }
    if (a.getNodeAffinity() != null) {
      FieldPath p = path.child("nodeAffinity");
      NodeSelector required =
          a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
      if (required != null) {
        errs.addAll(
            validateNodeSelector(
                required, p.child("requiredDuringSchedulingIgnoredDuringExecution")));
      }
      List<PreferredSchedulingTerm> preferred =
          nonNullList(a.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution());
      for (int i = 0; i < preferred.size(); i++) {
        FieldPath tp = p.child("preferredDuringSchedulingIgnoredDuringExecution").index(i);
        int w = intOr(preferred.get(i).getWeight(), 0);
        if (w <= 0 || w > 100) {
          errs.add(FieldError.invalid(tp.child("weight"), w, "must be in the range 1-100"));
        }
        errs.addAll(
            validateNodeSelectorTerm(preferred.get(i).getPreference(), tp.child("preference")));
      }
    }
    if (a.getPodAffinity() != null) {
      errs.addAll(
          validatePodAffinityTerms(
              a.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution(),
              a.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(),
              path.child("podAffinity")));
    }
    if (a.getPodAntiAffinity() != null) {
      errs.addAll(
          validatePodAffinityTerms(
              a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution(),
              a.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(),
              path.child("podAntiAffinity")));
    }
    return errs;
  }

  private static List<FieldError> validateNodeSelector(NodeSelector ns, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    List<NodeSelectorTerm> terms = nonNullList(ns.getNodeSelectorTerms());
    FieldPath tp = path.child("nodeSelectorTerms");
    if (terms.isEmpty()) {
      errs.add(FieldError.required(tp, "must have at least one node selector term"));
      return errs;
    }
    for (int i = 0; i < terms.size(); i++) {
      errs.addAll(validateNodeSelectorTerm(terms.get(i), tp.index(i)));
    }
    return errs;
  }

  private static List<FieldError> validateNodeSelectorTerm(NodeSelectorTerm term, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    if (term == null) {
      return errs;
    }
    List<NodeSelectorRequirement> exprs = nonNullList(term.getMatchExpressions());
    for (int j = 0; j < exprs.size(); j++) {
      NodeSelectorRequirement r = exprs.get(j);
      FieldPath p = path.child("matchExpressions").index(j);
      String op = nz(r.getOperator());
      int n = nonNullList(r.getValues()).size();
      switch (op) {
        case "In", "NotIn" -> {
          if (n == 0) {
            errs.add(
                FieldError.required(
                    p.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
          }
        }
        case "Exists", "DoesNotExist" -> {
          if (n > 0) {
            errs.add(
                FieldError.forbidden(
                    p.child("values"),
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
          }
        }
        case "Gt", "Lt" -> {
          if (n != 1) {
            errs.add(
                FieldError.required(
                    p.child("values"),
                    "must be specified single value when `operator` is 'Lt' or 'Gt'"));
          }
        }
        default ->
            errs.add(FieldError.invalid(p.child("operator"), op, "not a valid selector operator"));
      }
      errs.addAll(MetaValidation.validateLabelName(nz(r.getKey()), p.child("key")));
    }
    List<NodeSelectorRequirement> fields = nonNullList(term.getMatchFields());
    for (int j = 0; j < fields.size(); j++) {
      NodeSelectorRequirement r = fields.get(j);
      FieldPath p = path.child("matchFields").index(j);
      String op = nz(r.getOperator());
      List<String> values = nonNullList(r.getValues());
      if (op.equals("In") || op.equals("NotIn")) {
        if (values.size() != 1) {
          errs.add(
              FieldError.required(
                  p.child("values"),
                  "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
        }
      } else {
        errs.add(FieldError.invalid(p.child("operator"), op, "not a valid selector operator"));
      }
      if (!nz(r.getKey()).equals("metadata.name")) {
        errs.add(
            FieldError.invalid(p.child("key"), nz(r.getKey()), "not a valid field selector key"));
      } else {
        for (int k = 0; k < values.size(); k++) {
          String v = nz(values.get(k));
          for (String msg : Names.isDns1123Subdomain(v)) {
            errs.add(FieldError.invalid(p.child("values").index(k), v, msg));
          }
        }
      }
    }
    return errs;
  }

  private static List<FieldError> validatePodAffinityTerms(
      List<PodAffinityTerm> required, List<WeightedPodAffinityTerm> preferred, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    List<PodAffinityTerm> req = nonNullList(required);
    for (int i = 0; i < req.size(); i++) {
      errs.addAll(
          validatePodAffinityTerm(
              req.get(i), path.child("requiredDuringSchedulingIgnoredDuringExecution").index(i)));
    }
    List<WeightedPodAffinityTerm> pref = nonNullList(preferred);
    for (int i = 0; i < pref.size(); i++) {
      FieldPath p = path.child("preferredDuringSchedulingIgnoredDuringExecution").index(i);
      int w = intOr(pref.get(i).getWeight(), 0);
      if (w <= 0 || w > 100) {
        errs.add(FieldError.invalid(p.child("weight"), w, "must be in the range 1-100"));
      }
      PodAffinityTerm t = pref.get(i).getPodAffinityTerm();
      errs.addAll(
          validatePodAffinityTerm(
              t == null ? new PodAffinityTerm() : t, p.child("podAffinityTerm")));
    }
    return errs;
  }

  private static List<FieldError> validatePodAffinityTerm(PodAffinityTerm t, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    errs.addAll(Selectors.validate(t.getLabelSelector(), false, path.child("labelSelector")));
    errs.addAll(
        Selectors.validate(t.getNamespaceSelector(), false, path.child("namespaceSelector")));
    for (String ns : nonNullList(t.getNamespaces())) {
      for (String msg : Names.DNS_LABEL.check(nz(ns), false)) {
        errs.add(FieldError.invalid(path.child("namespace"), nz(ns), msg));
      }
    }
    String key = nz(t.getTopologyKey());
    if (key.isEmpty()) {
      errs.add(FieldError.required(path.child("topologyKey"), "can not be empty"));
    }
    errs.addAll(MetaValidation.validateLabelName(key, path.child("topologyKey")));
    return errs;
  }

  private static List<FieldError> validateTopologySpreadConstraints(
      List<TopologySpreadConstraint> constraints, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    List<TopologySpreadConstraint> list = nonNullList(constraints);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      TopologySpreadConstraint c = list.get(i);
      FieldPath p = path.index(i);
      int skew = intOr(c.getMaxSkew(), 0);
      if (skew <= 0) {
        errs.add(FieldError.invalid(p.child("maxSkew"), skew, "must be greater than zero"));
      }
      String key = nz(c.getTopologyKey());
      if (key.isEmpty()) {
        errs.add(FieldError.required(p.child("topologyKey"), "can not be empty"));
      } else {
        errs.addAll(MetaValidation.validateLabelName(key, p.child("topologyKey")));
      }
      String when = nz(c.getWhenUnsatisfiable());
      List<String> valid = List.of("DoNotSchedule", "ScheduleAnyway");
      if (!valid.contains(when)) {
        errs.add(FieldError.notSupported(p.child("whenUnsatisfiable"), when, valid));
      }
      if (!seen.add(key + "\u0000" + when)) {
        errs.add(FieldError.duplicate(p, GoValueFormatter.stringer("{" + key + ", " + when + "}")));
      }
      errs.addAll(Selectors.validate(c.getLabelSelector(), false, p.child("labelSelector")));
    }
    return errs;
  }

  // ---- security contexts ----

  private static List<FieldError> validatePodSecurityContext(
      PodSecurityContext sc, PodSpec spec, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    if (sc == null) {
      return errs;
    }
    checkId(errs, sc.getFsGroup(), path.child("fsGroup"));
    checkId(errs, sc.getRunAsUser(), path.child("runAsUser"));
    checkId(errs, sc.getRunAsGroup(), path.child("runAsGroup"));
    List<Long> groups = nonNullList(sc.getSupplementalGroups());
    for (int g = 0; g < groups.size(); g++) {
      checkId(errs, groups.get(g), path.child("supplementalGroups").index(g));
    }
    if (Boolean.TRUE.equals(spec.getShareProcessNamespace())
        && Boolean.TRUE.equals(spec.getHostPID())) {
      errs.add(
          FieldError.invalid(
              path.child("shareProcessNamespace"),
              true,
              "ShareProcessNamespace and HostPID cannot both be enabled"));
    }
    List<Sysctl> sysctls = nonNullList(sc.getSysctls());
    Set<String> names = new HashSet<>();
    for (int i = 0; i < sysctls.size(); i++) {
      String n = nz(sysctls.get(i).getName());
      FieldPath p = path.child("sysctls").index(i).child("name");
      if (n.isEmpty()) {
        errs.add(FieldError.required(p, ""));
      } else if (n.length() > 253 || !n.matches(SYSCTL_FMT)) {
        errs.add(
            FieldError.invalid(
                p, n, "must have at most 253 characters and match regex ^" + SYSCTL_FMT + "$"));
      } else if (!names.add(n)) {
        errs.add(FieldError.duplicate(p, n));
      }
    }
    if (sc.getFsGroupChangePolicy() != null
        && !List.of("Always", "OnRootMismatch").contains(sc.getFsGroupChangePolicy())) {
      errs.add(
          FieldError.notSupported(
              path.child("fsGroupChangePolicy"),
              sc.getFsGroupChangePolicy(),
              List.of("Always", "OnRootMismatch")));
    }
    errs.addAll(validateSeccompProfile(sc.getSeccompProfile(), path.child("seccompProfile")));
    return errs;
  }

  private static final String SYSCTL_SEGMENT = "[a-z0-9]([-_a-z0-9]*[a-z0-9])?";
  private static final String SYSCTL_FMT = "(" + SYSCTL_SEGMENT + "[\\./])*" + SYSCTL_SEGMENT;

  private static void checkId(List<FieldError> errs, Long id, FieldPath path) {
    if (id != null) {
      for (String msg : Names.isValidUserOrGroupId(id)) {
        errs.add(FieldError.invalid(path, id, msg));
      }
    }
  }

  private static List<FieldError> validateSeccompProfile(SeccompProfile sp, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    if (sp == null) {
      return errs;
    }
    String type = nz(sp.getType());
    List<String> valid = List.of("Localhost", "RuntimeDefault", "Unconfined");
    if (type.isEmpty()) {
      errs.add(
          FieldError.required(path.child("type"), "type is required when seccompProfile is set"));
    } else if (!valid.contains(type)) {
      errs.add(FieldError.notSupported(path.child("type"), type, valid));
    }
    if (type.equals("Localhost")) {
      if (sp.getLocalhostProfile() == null) {
        errs.add(
            FieldError.required(
                path.child("localhostProfile"), "must be set when seccomp type is Localhost"));
      } else {
        errs.addAll(
            validateLocalDescendingPath(sp.getLocalhostProfile(), path.child("localhostProfile")));
      }
    } else if (sp.getLocalhostProfile() != null) {
      errs.add(
          FieldError.invalid(
              path.child("localhostProfile"),
              GoValueFormatter.struct("core.SeccompProfile")
                  .field("Type", type)
                  .field(
                      "LocalhostProfile",
                      GoValueFormatter.pointer("string", sp.getLocalhostProfile())),
              "can only be set when seccomp type is Localhost"));
    }
    return errs;
  }

  private static List<FieldError> validateSecurityContext(SecurityContext sc, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    if (sc == null) {
      return errs;
    }
    checkId(errs, sc.getRunAsUser(), path.child("runAsUser"));
    checkId(errs, sc.getRunAsGroup(), path.child("runAsGroup"));
    if (sc.getProcMount() != null && !List.of("Default", "Unmasked").contains(sc.getProcMount())) {
      errs.add(
          FieldError.notSupported(
              path.child("procMount"), sc.getProcMount(), List.of("Default", "Unmasked")));
    }
    errs.addAll(validateSeccompProfile(sc.getSeccompProfile(), path.child("seccompProfile")));
    if (Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())
        && Boolean.TRUE.equals(sc.getPrivileged())) {
      errs.add(
          FieldError.invalid(
              path,
              securityContextValue(sc),
              "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"));
    }
    return errs;
  }

  /** The internal {@code core.SecurityContext} of 1.28, in Go's field order. */
  private static GoValue securityContextValue(SecurityContext sc) {
    return GoValueFormatter.struct("core.SecurityContext")
        .field("Capabilities", GoValueFormatter.pointer("core.Capabilities", sc.getCapabilities()))
        .field("Privileged", GoValueFormatter.pointer("bool", sc.getPrivileged()))
        .field(
            "SELinuxOptions",
            GoValueFormatter.pointer("core.SELinuxOptions", sc.getSeLinuxOptions()))
        .field(
            "WindowsOptions",
            GoValueFormatter.pointer("core.WindowsSecurityContextOptions", sc.getWindowsOptions()))
        .field("RunAsUser", GoValueFormatter.pointer("int64", sc.getRunAsUser()))
        .field("RunAsGroup", GoValueFormatter.pointer("int64", sc.getRunAsGroup()))
        .field("RunAsNonRoot", GoValueFormatter.pointer("bool", sc.getRunAsNonRoot()))
        .field(
            "ReadOnlyRootFilesystem",
            GoValueFormatter.pointer("bool", sc.getReadOnlyRootFilesystem()))
        .field(
            "AllowPrivilegeEscalation",
            GoValueFormatter.pointer("bool", sc.getAllowPrivilegeEscalation()))
        .field("ProcMount", GoValueFormatter.pointer("core.ProcMountType", sc.getProcMount()))
        .field(
            "SeccompProfile",
            GoValueFormatter.pointer("core.SeccompProfile", sc.getSeccompProfile()));
  }

  // ---- pods ----

  /** {@code validatePodMetadataAndSpec}: what both pod create and update check. */
  static List<FieldError> validatePodMetadataAndSpec(
      io.fabric8.kubernetes.api.model.Pod pod, FieldPath metaPath) {
    List<FieldError> errs = new ArrayList<>();
    ObjectMeta meta = pod.getMetadata() == null ? new ObjectMeta() : pod.getMetadata();
    PodSpec spec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
    FieldPath specPath = FieldPath.of("spec");
    errs.addAll(MetaValidation.validateObjectMeta(meta, true, Names.DNS_SUBDOMAIN, metaPath));
    errs.addAll(
        validatePodSpecificAnnotations(meta.getAnnotations(), spec, metaPath.child("annotations")));
    errs.addAll(validatePodSpec(spec, meta, specPath, true));
    if (nz(spec.getServiceAccountName()).isEmpty()) {
      List<Volume> vols = nonNullList(spec.getVolumes());
      for (int vi = 0; vi < vols.size(); vi++) {
        if (vols.get(vi).getProjected() == null) {
          continue;
        }
        var sources = nonNullList(vols.get(vi).getProjected().getSources());
        for (int si = 0; si < sources.size(); si++) {
          if (sources.get(si).getServiceAccountToken() != null) {
            errs.add(
                FieldError.forbidden(
                    specPath
                        .child("volumes")
                        .index(vi)
                        .child("projected", "sources")
                        .index(si)
                        .child("serviceAccountToken"),
                    "must not be specified when serviceAccountName is not set"));
          }
        }
      }
    }
    errs.addAll(imageWhitespace(spec.getContainers(), specPath.child("containers")));
    errs.addAll(imageWhitespace(spec.getInitContainers(), specPath.child("initContainers")));
    return errs;
  }

  private static List<FieldError> imageWhitespace(List<Container> containers, FieldPath path) {
    List<FieldError> errs = new ArrayList<>();
    List<Container> list = nonNullList(containers);
    for (int i = 0; i < list.size(); i++) {
      String image = nz(list.get(i).getImage());
      if (!image.equals(image.strip())) {
        errs.add(
            FieldError.invalid(
                path.index(i).child("image"),
                image,
                "must not have leading or trailing whitespace"));
      }
    }
    return errs;
  }

  static int intOr(Integer v, int dflt) {
    return v == null ? dflt : v;
  }
}
