package io.skiff.api.table;

import static io.skiff.api.table.Cells.age;
import static io.skiff.api.table.Cells.list;
import static io.skiff.api.table.Cells.map;
import static io.skiff.api.table.Cells.name;
import static io.skiff.api.table.Cells.num;
import static io.skiff.api.table.Cells.or;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceStatus;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeStatus;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetSpec;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.skiff.api.validation.Quantities;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Printers of the configuration, networking, storage and coordination kinds. */
final class CorePrinters {

  private static final String SERVICES_DOC =
      " More info:"
          + " https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies";

  static final TablePrinter<Namespace> NAMESPACE =
      TablePrinter.of(
          List.of(
              Column.forName(),
              Column.of("Status", "string", "The status of the namespace"),
              Column.age()),
          (ns, now) ->
              Row.of(
                  name(ns),
                  Cells.str(or(ns.getStatus(), NamespaceStatus::new).getPhase()),
                  age(ns, now)));

  static final TablePrinter<ConfigMap> CONFIG_MAP =
      TablePrinter.of(
          List.of(
              Column.forName(),
              Column.of(
                  "Data",
                  "string",
                  "Data contains the configuration data. Each key must consist of alphanumeric"
                      + " characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must"
                      + " use the BinaryData field. The keys stored in Data must not overlap with"
                      + " the keys in the BinaryData field, this is enforced during validation"
                      + " process."),
              Column.age()),
          (cm, now) ->
              Row.of(
                  name(cm),
                  (long) (map(cm.getData()).size() + map(cm.getBinaryData()).size()),
                  age(cm, now)));

  static final TablePrinter<Secret> SECRET =
      TablePrinter.of(
          List.of(
              Column.forName(),
              Column.of(
                  "Type",
                  "string",
                  "Used to facilitate programmatic handling of secret data. More info:"
                      + " https://kubernetes.io/docs/concepts/configuration/secret/#secret-types"),
              Column.of(
                  "Data",
                  "string",
                  "Data contains the secret data. Each key must consist of alphanumeric"
                      + " characters, '-', '_' or '.'. The serialized form of the secret data is a"
                      + " base64 encoded string, representing the arbitrary (possibly non-string)"
                      + " data value here. Described in"
                      + " https://tools.ietf.org/html/rfc4648#section-4"),
              Column.age()),
          (s, now) ->
              Row.of(name(s), Cells.str(s.getType()), (long) map(s.getData()).size(), age(s, now)));

  static final TablePrinter<ServiceAccount> SERVICE_ACCOUNT =
      TablePrinter.of(
          List.of(
              Column.forName(),
              Column.of(
                  "Secrets",
                  "string",
                  "Secrets is a list of the secrets in the same namespace that pods running using"
                      + " this ServiceAccount are allowed to use. Pods are only limited to this list"
                      + " if this service account has a"
                      + " \"kubernetes.io/enforce-mountable-secrets\" annotation set to \"true\"."
                      + " The \"kubernetes.io/enforce-mountable-secrets\" annotation is deprecated"
                      + " since v1.32. Prefer separate namespaces to isolate access to mounted"
                      + " secrets. This field should not be used to find auto-generated service"
                      + " account token secrets for use outside of pods. Instead, tokens can be"
                      + " requested directly using the TokenRequest API, or service account token"
                      + " secrets can be manually created. More info:"
                      + " https://kubernetes.io/docs/concepts/configuration/secret"),
              Column.age()),
          (sa, now) -> Row.of(name(sa), (long) list(sa.getSecrets()).size(), age(sa, now)));

  static final TablePrinter<Service> SERVICE =
      TablePrinter.of(
          List.of(
              Column.forName(),
              Column.of(
                  "Type",
                  "string",
                  "type determines how the Service is exposed. Defaults to ClusterIP. Valid options"
                      + " are ExternalName, ClusterIP, NodePort, and LoadBalancer. \"ClusterIP\""
                      + " allocates a cluster-internal IP address for load-balancing to endpoints."
                      + " Endpoints are determined by the selector or if that is not specified, by"
                      + " manual construction of an Endpoints object or EndpointSlice objects. If"
                      + " clusterIP is \"None\", no virtual IP is allocated and the endpoints are"
                      + " published as a set of endpoints rather than a virtual IP. \"NodePort\""
                      + " builds on ClusterIP and allocates a port on every node which routes to the"
                      + " same endpoints as the clusterIP. \"LoadBalancer\" builds on NodePort and"
                      + " creates an external load-balancer (if supported in the current cloud)"
                      + " which routes to the same endpoints as the clusterIP. \"ExternalName\""
                      + " aliases this service to the specified externalName. Several other fields"
                      + " do not apply to ExternalName services. More info:"
                      + " https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types"),
              Column.of(
                  "Cluster-IP",
                  "string",
                  "clusterIP is the IP address of the service and is usually assigned randomly. If"
                      + " an address is specified manually, is in-range (as per system"
                      + " configuration), and is not in use, it will be allocated to the service;"
                      + " otherwise creation of the service will fail. This field may not be"
                      + " changed through updates unless the type field is also being changed to"
                      + " ExternalName (which requires this field to be blank) or the type field is"
                      + " being changed from ExternalName (in which case this field may optionally"
                      + " be specified, as describe above).  Valid values are \"None\", empty"
                      + " string (\"\"), or a valid IP address. Setting this to \"None\" makes a"
                      + " \"headless service\" (no virtual IP), which is useful when direct endpoint"
                      + " connections are preferred and proxying is not required.  Only applies to"
                      + " types ClusterIP, NodePort, and LoadBalancer. If this field is specified"
                      + " when creating a Service of type ExternalName, creation will fail. This"
                      + " field will be wiped when updating a Service to type ExternalName."
                      + SERVICES_DOC),
              Column.of(
                  "External-IP",
                  "string",
                  "externalIPs is a list of IP addresses for which nodes in the cluster will also"
                      + " accept traffic for this service.  These IPs are not managed by"
                      + " Kubernetes.  The user is responsible for ensuring that traffic arrives at"
                      + " a node with this IP.  A common example is external load-balancers that"
                      + " are not part of the Kubernetes system."),
              Column.of(
                  "Port(s)",
                  "string",
                  "The list of ports that are exposed by this service." + SERVICES_DOC),
              Column.age(),
              Column.wide(
                  "Selector",
                  "string",
                  "Route service traffic to pods with label keys and values matching this selector."
                      + " If empty or not present, the service is assumed to have an external"
                      + " process managing its endpoints, which Kubernetes will not modify. Only"
                      + " applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is"
                      + " ExternalName. More info:"
                      + " https://kubernetes.io/docs/concepts/services-networking/service/")),
          CorePrinters::service);

  static final TablePrinter<Endpoints> ENDPOINTS =
      TablePrinter.of(
          List.of(
              Column.forName(),
              Column.of(
                  "Endpoints",
                  "string",
                  "The set of all endpoints is the union of all subsets. Addresses are placed into"
                      + " subsets according to the IPs they share. A single address with multiple"
                      + " ports, some of which are ready and some of which are not (because they"
                      + " come from different containers) will result in the address being"
                      + " displayed in different subsets for the different ports. No address will"
                      + " appear in both Addresses and NotReadyAddresses in the same subset. Sets of"
                      + " addresses and ports that comprise a service."),
              Column.age()),
          (ep, now) -> Row.of(name(ep), endpoints(ep), age(ep, now)));

  static final TablePrinter<PersistentVolume> PERSISTENT_VOLUME =
      TablePrinter.of(
          List.of(
              Column.forName(),
              Column.of(
                  "Capacity",
                  "string",
                  "capacity is the description of the persistent volume's resources and capacity."
                      + " More info:"
                      + " https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity"),
              Column.of(
                  "Access Modes",
                  "string",
                  "accessModes contains all ways the volume can be mounted. More info:"
                      + " https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes"),
              Column.of(
                  "Reclaim Policy",
                  "string",
                  "persistentVolumeReclaimPolicy defines what happens to a persistent volume when"
                      + " released from its claim. Valid options are Retain (default for manually"
                      + " created PersistentVolumes), Delete (default for dynamically provisioned"
                      + " PersistentVolumes), and Recycle (deprecated). Recycle must be supported"
                      + " by the volume plugin underlying this PersistentVolume. More info:"
                      + " https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming"),
              Column.of(
                  "Status",
                  "string",
                  "phase indicates if a volume is available, bound to a claim, or released by a"
                      + " claim. More info:"
                      + " https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase"),
              Column.of(
                  "Claim",
                  "string",
                  "claimRef is part of a bi-directional binding between PersistentVolume and"
                      + " PersistentVolumeClaim. Expected to be non-nil when bound."
                      + " claim.VolumeName is the authoritative bind between PV and PVC. More info:"
                      + " https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding"),
              Column.of("StorageClass", "string", "StorageClass of the pv"),
              Column.of("VolumeAttributesClass", "string", "VolumeAttributesClass of the pv"),
              Column.of(
                  "Reason",
                  "string",
                  "reason is a brief CamelCase string that describes any failure and is meant for"
                      + " machine parsing and tidy display in the CLI."),
              Column.age(),
              Column.wide(
                  "VolumeMode",
                  "string",
                  "volumeMode defines if a volume is intended to be used with a formatted"
                      + " filesystem or to remain in raw block state. Value of Filesystem is"
                      + " implied when not included in spec.")),
          CorePrinters::persistentVolume);

  static final TablePrinter<PersistentVolumeClaim> PERSISTENT_VOLUME_CLAIM =
      TablePrinter.of(
          List.of(
              Column.forName(),
              Column.of(
                  "Status",
                  "string",
                  "phase represents the current phase of PersistentVolumeClaim."),
              Column.of(
                  "Volume",
                  "string",
                  "volumeName is the binding reference to the PersistentVolume backing this claim."),
              Column.of(
                  "Capacity",
                  "string",
                  "capacity represents the actual resources of the underlying volume."),
              Column.of(
                  "Access Modes",
                  "string",
                  "accessModes contains the actual access modes the volume backing the PVC has."
                      + " More info:"
                      + " https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1"),
              Column.of("StorageClass", "string", "StorageClass of the pvc"),
              Column.of("VolumeAttributesClass", "string", "VolumeAttributesClass of the pvc"),
              Column.age(),
              Column.wide(
                  "VolumeMode",
                  "string",
                  "volumeMode defines what type of volume is required by the claim. Value of"
                      + " Filesystem is implied when not included in claim spec.")),
          CorePrinters::persistentVolumeClaim);

  static final TablePrinter<Lease> LEASE =
      TablePrinter.of(
          List.of(
              Column.forName(),
              Column.of(
                  "Holder",
                  "string",
                  "holderIdentity contains the identity of the holder of a current lease. If"
                      + " Coordinated Leader Election is used, the holder identity must be equal to"
                      + " the elected LeaseCandidate.metadata.name field."),
              Column.age()),
          (lease, now) ->
              Row.of(
                  name(lease),
                  Cells.str(or(lease.getSpec(), LeaseSpec::new).getHolderIdentity()),
                  age(lease, now)));

  static final TablePrinter<PodDisruptionBudget> POD_DISRUPTION_BUDGET =
      TablePrinter.of(
          List.of(
              Column.forName(),
              Column.of(
                  "Min Available", "string", "The minimum number of pods that must be available."),
              Column.of(
                  "Max Unavailable",
                  "string",
                  "The maximum number of pods that may be unavailable."),
              Column.of(
                  "Allowed Disruptions",
                  "integer",
                  "Calculated number of pods that may be disrupted at this time."),
              Column.age()),
          CorePrinters::podDisruptionBudget);

  private CorePrinters() {}

  private static Row service(Service svc, Instant now) {
    ServiceSpec spec = or(svc.getSpec(), ServiceSpec::new);
    // Defaulting fills clusterIPs from a lone clusterIP.
    List<String> clusterIPs = list(spec.getClusterIPs());
    String clusterIP = clusterIPs.isEmpty() ? spec.getClusterIP() : clusterIPs.get(0);
    List<String> ports = new ArrayList<>();
    for (ServicePort p : list(spec.getPorts())) {
      // Upstream stores every port with its protocol defaulted to TCP.
      String protocol = p.getProtocol() == null ? "TCP" : p.getProtocol();
      ports.add(
          num(p.getNodePort()) > 0
              ? num(p.getPort()) + ":" + p.getNodePort() + "/" + protocol
              : num(p.getPort()) + "/" + protocol);
    }
    return Row.of(
        name(svc),
        Cells.str(spec.getType()),
        Cells.orNone(clusterIP),
        externalIP(svc, spec),
        ports.isEmpty() ? Cells.NONE : String.join(",", ports),
        age(svc, now),
        Cells.labels(spec.getSelector()));
  }

  private static String externalIP(Service svc, ServiceSpec spec) {
    List<String> externalIPs = list(spec.getExternalIPs());
    switch (Cells.str(spec.getType())) {
      case "ClusterIP", "NodePort" -> {
        return externalIPs.isEmpty() ? Cells.NONE : String.join(",", externalIPs);
      }
      case "LoadBalancer" -> {
        LoadBalancerStatus lb =
            or(or(svc.getStatus(), ServiceStatus::new).getLoadBalancer(), LoadBalancerStatus::new);
        TreeSet<String> ingress = new TreeSet<>();
        for (LoadBalancerIngress i : list(lb.getIngress())) {
          if (i.getIp() != null && !i.getIp().isEmpty()) {
            ingress.add(i.getIp());
          } else if (i.getHostname() != null && !i.getHostname().isEmpty()) {
            ingress.add(i.getHostname());
          }
        }
        List<String> all = new ArrayList<>(ingress);
        all.addAll(externalIPs);
        return all.isEmpty() ? "<pending>" : String.join(",", all);
      }
      case "ExternalName" -> {
        return Cells.str(spec.getExternalName());
      }
      default -> {
        return Cells.UNKNOWN;
      }
    }
  }

  // At most three endpoints are listed, then "+ N more...".
  private static String endpoints(Endpoints ep) {
    List<EndpointSubset> subsets = list(ep.getSubsets());
    if (subsets.isEmpty()) {
      return Cells.NONE;
    }
    int max = 3;
    List<String> shown = new ArrayList<>();
    boolean more = false;
    int count = 0;
    for (EndpointSubset ss : subsets) {
      List<EndpointAddress> addresses = list(ss.getAddresses());
      if (list(ss.getPorts()).isEmpty()) {
        // Headless services may have no ports.
        count += addresses.size();
        for (EndpointAddress a : addresses) {
          if (shown.size() == max) {
            more = true;
            break;
          }
          shown.add(Cells.str(a.getIp()));
        }
        continue;
      }
      for (EndpointPort port : list(ss.getPorts())) {
        count += addresses.size();
        for (EndpointAddress a : addresses) {
          if (shown.size() == max) {
            more = true;
            break;
          }
          shown.add(hostPort(Cells.str(a.getIp()), num(port.getPort())));
        }
      }
    }
    String joined = String.join(",", shown);
    return more ? joined + " + " + (count - max) + " more..." : joined;
  }

  private static String hostPort(String host, long port) {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }

  private static Row persistentVolume(PersistentVolume pv, Instant now) {
    PersistentVolumeSpec spec = or(pv.getSpec(), PersistentVolumeSpec::new);
    PersistentVolumeStatus status = or(pv.getStatus(), PersistentVolumeStatus::new);
    ObjectReference claimRef = spec.getClaimRef();
    String claim =
        claimRef == null
            ? ""
            : Cells.str(claimRef.getNamespace()) + "/" + Cells.str(claimRef.getName());
    String phase =
        Cells.meta(pv).getDeletionTimestamp() != null
            ? "Terminating"
            : Cells.str(status.getPhase());
    return Row.of(
        name(pv),
        canonical(map(spec.getCapacity()).get("storage")),
        accessModes(list(spec.getAccessModes())),
        Cells.str(spec.getPersistentVolumeReclaimPolicy()),
        phase,
        claim,
        storageClass(pv, spec.getStorageClassName()),
        or(spec.getVolumeAttributesClassName(), () -> Cells.UNSET),
        Cells.str(status.getReason()),
        age(pv, now),
        or(spec.getVolumeMode(), () -> Cells.UNSET));
  }

  /** Upstream's GetPersistentVolume(Claim)Class: the beta annotation wins over the field. */
  private static String storageClass(HasMetadata obj, String field) {
    return Cells.map(Cells.meta(obj).getAnnotations())
        .getOrDefault("volume.beta.kubernetes.io/storage-class", Cells.str(field));
  }

  private static Row persistentVolumeClaim(PersistentVolumeClaim pvc, Instant now) {
    PersistentVolumeClaimSpec spec = or(pvc.getSpec(), PersistentVolumeClaimSpec::new);
    PersistentVolumeClaimStatus status = or(pvc.getStatus(), PersistentVolumeClaimStatus::new);
    String phase =
        Cells.meta(pvc).getDeletionTimestamp() != null
            ? "Terminating"
            : Cells.str(status.getPhase());
    String volume = Cells.str(spec.getVolumeName());
    String capacity = "";
    String accessModes = "";
    if (!volume.isEmpty()) {
      accessModes = accessModes(list(status.getAccessModes()));
      capacity = canonical(map(status.getCapacity()).get("storage"));
    }
    return Row.of(
        name(pvc),
        phase,
        volume,
        capacity,
        accessModes,
        storageClass(pvc, spec.getStorageClassName()),
        or(spec.getVolumeAttributesClassName(), () -> Cells.UNSET),
        age(pvc, now),
        or(spec.getVolumeMode(), () -> Cells.UNSET));
  }

  private static String accessModes(List<String> modes) {
    List<String> abbreviated = new ArrayList<>();
    String[][] known = {
      {"ReadWriteOnce", "RWO"},
      {"ReadOnlyMany", "ROX"},
      {"ReadWriteMany", "RWX"},
      {"ReadWriteOncePod", "RWOP"}
    };
    for (String[] k : known) {
      if (modes.contains(k[0])) {
        abbreviated.add(k[1]);
      }
    }
    return String.join(",", abbreviated);
  }

  private static Row podDisruptionBudget(PodDisruptionBudget pdb, Instant now) {
    PodDisruptionBudgetSpec spec = or(pdb.getSpec(), PodDisruptionBudgetSpec::new);
    PodDisruptionBudgetStatus status = or(pdb.getStatus(), PodDisruptionBudgetStatus::new);
    return Row.of(
        name(pdb),
        intOrString(spec.getMinAvailable()),
        intOrString(spec.getMaxUnavailable()),
        num(status.getDisruptionsAllowed()),
        age(pdb, now));
  }

  private static String intOrString(IntOrString v) {
    if (v == null) {
      return "N/A";
    }
    return v.getIntVal() != null ? v.getIntVal().toString() : Cells.str(v.getStrVal());
  }

  /** Upstream prints quantities in canonical form ({@code 1024Mi} as {@code 1Gi}). */
  private static String canonical(io.fabric8.kubernetes.api.model.Quantity q) {
    if (q == null) {
      return "0";
    }
    return Quantities.parse(q)
        .map(Quantities::canonical)
        .orElse(Cells.str(q.getAmount()) + Cells.str(q.getFormat()));
  }
}
