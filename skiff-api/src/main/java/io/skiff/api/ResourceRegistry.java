package io.skiff.api;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The resources Skiff serves, named, scoped and grouped exactly as upstream Kubernetes names them,
 * so that discovery, {@code kubectl api-resources} and short names behave as on a real cluster.
 */
public final class ResourceRegistry {

  private static final List<String> ALL = List.of("all");

  private final Map<String, ResourceType> byResource = new LinkedHashMap<>();
  private final Map<String, ResourceType> byKind = new LinkedHashMap<>();

  private ResourceRegistry(List<ResourceType> types) {
    for (ResourceType t : types) {
      byResource.put(resourceKey(t.group(), t.version(), t.plural()), t);
      byKind.put(kindKey(t.group(), t.version(), t.kind()), t);
    }
  }

  /** Every built-in resource of Skiff. */
  public static ResourceRegistry builtin() {
    List<ResourceType> t = new ArrayList<>();
    // core/v1
    t.add(
        r(
            "",
            "Namespace",
            "namespaces",
            false,
            List.of("ns"),
            List.of(),
            Set.of("status", "finalize"),
            Namespace.class,
            namespaceVerbs()));
    t.add(
        r(
            "",
            "Pod",
            "pods",
            true,
            List.of("po"),
            ALL,
            Set.of("status", "binding", "eviction"),
            Pod.class,
            ResourceType.ALL_VERBS));
    t.add(
        r(
            "",
            "Node",
            "nodes",
            false,
            List.of("no"),
            List.of(),
            Set.of("status"),
            Node.class,
            ResourceType.ALL_VERBS));
    t.add(
        r(
            "",
            "Service",
            "services",
            true,
            List.of("svc"),
            ALL,
            Set.of("status"),
            Service.class,
            ResourceType.ALL_VERBS));
    t.add(
        r(
            "",
            "Endpoints",
            "endpoints",
            true,
            List.of("ep"),
            List.of(),
            Set.of(),
            Endpoints.class,
            ResourceType.ALL_VERBS));
    t.add(
        r(
            "",
            "ConfigMap",
            "configmaps",
            true,
            List.of("cm"),
            List.of(),
            Set.of(),
            ConfigMap.class,
            ResourceType.ALL_VERBS));
    t.add(
        r(
            "",
            "Secret",
            "secrets",
            true,
            List.of(),
            List.of(),
            Set.of(),
            Secret.class,
            ResourceType.ALL_VERBS));
    t.add(
        r(
            "",
            "ServiceAccount",
            "serviceaccounts",
            true,
            List.of("sa"),
            List.of(),
            Set.of(),
            ServiceAccount.class,
            ResourceType.ALL_VERBS));
    t.add(
        r(
            "",
            "Event",
            "events",
            true,
            List.of("ev"),
            List.of(),
            Set.of(),
            Event.class,
            ResourceType.ALL_VERBS));
    t.add(
        r(
            "",
            "ReplicationController",
            "replicationcontrollers",
            true,
            List.of("rc"),
            ALL,
            Set.of("status", "scale"),
            ReplicationController.class,
            ResourceType.ALL_VERBS));
    t.add(
        r(
            "",
            "PersistentVolume",
            "persistentvolumes",
            false,
            List.of("pv"),
            List.of(),
            Set.of("status"),
            PersistentVolume.class,
            ResourceType.ALL_VERBS));
    t.add(
        r(
            "",
            "PersistentVolumeClaim",
            "persistentvolumeclaims",
            true,
            List.of("pvc"),
            List.of(),
            Set.of("status"),
            PersistentVolumeClaim.class,
            ResourceType.ALL_VERBS));
    // apps/v1
    t.add(
        r(
            "apps",
            "Deployment",
            "deployments",
            true,
            List.of("deploy"),
            ALL,
            Set.of("status", "scale"),
            Deployment.class,
            ResourceType.ALL_VERBS));
    t.add(
        r(
            "apps",
            "ReplicaSet",
            "replicasets",
            true,
            List.of("rs"),
            ALL,
            Set.of("status", "scale"),
            ReplicaSet.class,
            ResourceType.ALL_VERBS));
    t.add(
        r(
            "apps",
            "StatefulSet",
            "statefulsets",
            true,
            List.of("sts"),
            ALL,
            Set.of("status", "scale"),
            StatefulSet.class,
            ResourceType.ALL_VERBS));
    t.add(
        r(
            "apps",
            "DaemonSet",
            "daemonsets",
            true,
            List.of("ds"),
            ALL,
            Set.of("status"),
            DaemonSet.class,
            ResourceType.ALL_VERBS));
    t.add(
        r(
            "apps",
            "ControllerRevision",
            "controllerrevisions",
            true,
            List.of(),
            List.of(),
            Set.of(),
            ControllerRevision.class,
            ResourceType.ALL_VERBS));
    // batch/v1
    t.add(
        r(
            "batch",
            "Job",
            "jobs",
            true,
            List.of(),
            ALL,
            Set.of("status"),
            Job.class,
            ResourceType.ALL_VERBS));
    t.add(
        r(
            "batch",
            "CronJob",
            "cronjobs",
            true,
            List.of("cj"),
            ALL,
            Set.of("status"),
            CronJob.class,
            ResourceType.ALL_VERBS));
    // coordination.k8s.io/v1, events.k8s.io/v1, policy/v1
    t.add(
        r(
            "coordination.k8s.io",
            "Lease",
            "leases",
            true,
            List.of(),
            List.of(),
            Set.of(),
            Lease.class,
            ResourceType.ALL_VERBS));
    t.add(
        r(
            "events.k8s.io",
            "Event",
            "events",
            true,
            List.of("ev"),
            List.of(),
            Set.of(),
            io.fabric8.kubernetes.api.model.events.v1.Event.class,
            ResourceType.ALL_VERBS));
    t.add(
        r(
            "policy",
            "PodDisruptionBudget",
            "poddisruptionbudgets",
            true,
            List.of("pdb"),
            List.of(),
            Set.of("status"),
            PodDisruptionBudget.class,
            ResourceType.ALL_VERBS));
    return new ResourceRegistry(t);
  }

  private static Set<String> namespaceVerbs() {
    Set<String> v = new LinkedHashSet<>(ResourceType.ALL_VERBS);
    v.remove("deletecollection");
    return v;
  }

  private static ResourceType r(
      String group,
      String kind,
      String plural,
      boolean namespaced,
      List<String> shortNames,
      List<String> categories,
      Set<String> subresources,
      Class<? extends HasMetadata> type,
      Set<String> verbs) {
    return new ResourceType(
        group,
        "v1",
        kind,
        plural,
        kind.toLowerCase(Locale.ROOT),
        namespaced,
        shortNames,
        categories,
        verbs,
        subresources,
        type);
  }

  /** The resource served at {@code /apis/<group>/<version>/<plural>} (core: group ""). */
  public Optional<ResourceType> byResource(String group, String version, String plural) {
    return Optional.ofNullable(byResource.get(resourceKey(group, version, plural)));
  }

  /** The resource of a kind, by its apiVersion ({@code apps/v1}, {@code v1}) and kind. */
  public Optional<ResourceType> byKind(String apiVersion, String kind) {
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    return Optional.ofNullable(byKind.get(kindKey(group, version, kind)));
  }

  /** Every served resource, core group first, in a stable order. */
  public List<ResourceType> all() {
    return Collections.unmodifiableList(new ArrayList<>(byResource.values()));
  }

  /** The served group/versions, core ({@code v1}) first, in a stable order. */
  public List<String> groupVersions() {
    return byResource.values().stream().map(ResourceType::apiVersion).distinct().toList();
  }

  /** The resources of one group/version, e.g. {@code apps/v1} or {@code v1}. */
  public List<ResourceType> inGroupVersion(String apiVersion) {
    return byResource.values().stream().filter(t -> t.apiVersion().equals(apiVersion)).toList();
  }

  private static String resourceKey(String group, String version, String plural) {
    return group + "/" + version + "/" + plural;
  }

  private static String kindKey(String group, String version, String kind) {
    return group + "/" + version + "/" + kind;
  }
}
