package io.skiff.api.defaults;

import io.fabric8.kubernetes.api.model.ClientIPConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerSpec;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.SessionAffinityConfig;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategy;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDaemonSet;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateStatefulSetStrategy;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy;
import io.fabric8.kubernetes.api.model.apps.StatefulSetSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSetUpdateStrategy;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.skiff.api.validation.Quantities;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Server-side defaulting as upstream 1.28 applies it when it decodes a request ({@code
 * pkg/apis/{core,apps,batch}/v1/defaults.go} plus the declarative {@code +default} markers), for
 * every kind Skiff serves. Also applies the two v1→internal conversions that change what is stored:
 * Secret {@code stringData} is merged into {@code data}, and a pod spec's {@code serviceAccount}
 * mirrors {@code serviceAccountName}.
 *
 * <p>Idempotent: defaulting a defaulted object changes nothing.
 */
public final class Defaulter {

  private Defaulter() {}

  static final int DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
  static final int VOLUME_DEFAULT_MODE = 0644;
  static final int CLIENT_IP_AFFINITY_SECONDS = 10800;

  /** Fills in upstream's defaults, in place, on an object the caller owns. */
  public static void apply(HasMetadata obj) {
    switch (obj) {
      case Deployment d -> deployment(d);
      case ReplicaSet rs -> replicaSet(rs);
      case StatefulSet s -> statefulSet(s);
      case DaemonSet ds -> daemonSet(ds);
      case ReplicationController rc -> replicationController(rc);
      case Job j -> job(j);
      case CronJob cj -> cronJob(cj);
      case Pod p -> pod(p);
      case Service s -> service(s);
      case Namespace ns -> namespace(ns);
      case Node n -> node(n);
      case Secret s -> secret(s);
      case Endpoints ep -> endpoints(ep);
      case PersistentVolume pv -> persistentVolume(pv);
      case PersistentVolumeClaim pvc -> persistentVolumeClaim(pvc);
      default -> {
        // ConfigMaps, Events, Leases, PodDisruptionBudgets, ServiceAccounts and
        // ControllerRevisions have no defaults that show in their serialized form.
      }
    }
  }

  /**
   * What upstream's Job strategy does on create once the Job has its uid: unless {@code
   * manualSelector} is set, label the pod template with the job's name and uid and select on the
   * uid. Call it after the uid is assigned and before validation.
   */
  public static void generateJobSelector(Job job) {
    JobSpec spec = job.getSpec();
    if (spec == null || Boolean.TRUE.equals(spec.getManualSelector())) {
      return;
    }
    PodTemplateSpec t = spec.getTemplate() == null ? new PodTemplateSpec() : spec.getTemplate();
    spec.setTemplate(t);
    ObjectMeta tm = t.getMetadata() == null ? new ObjectMeta() : t.getMetadata();
    t.setMetadata(tm);
    Map<String, String> labels = tm.getLabels() == null ? new LinkedHashMap<>() : tm.getLabels();
    tm.setLabels(labels);
    String name = job.getMetadata() == null ? "" : nz(job.getMetadata().getName());
    String uid = job.getMetadata() == null ? "" : nz(job.getMetadata().getUid());
    // A label the user already set is kept; validation then reports any conflict.
    labels.putIfAbsent("job-name", name);
    labels.putIfAbsent("batch.kubernetes.io/job-name", name);
    labels.putIfAbsent("controller-uid", uid);
    labels.putIfAbsent("batch.kubernetes.io/controller-uid", uid);
    if (spec.getSelector() == null) {
      spec.setSelector(new io.fabric8.kubernetes.api.model.LabelSelector());
    }
    if (spec.getSelector().getMatchLabels() == null) {
      spec.getSelector().setMatchLabels(new LinkedHashMap<>());
    }
    spec.getSelector().getMatchLabels().putIfAbsent("batch.kubernetes.io/controller-uid", uid);
  }

  // ---- apps/v1 ----

  private static void deployment(Deployment d) {
    DeploymentSpec spec = d.getSpec() == null ? new DeploymentSpec() : d.getSpec();
    d.setSpec(spec);
    if (spec.getReplicas() == null) {
      spec.setReplicas(1);
    }
    DeploymentStrategy strategy =
        spec.getStrategy() == null ? new DeploymentStrategy() : spec.getStrategy();
    spec.setStrategy(strategy);
    if (nz(strategy.getType()).isEmpty()) {
      strategy.setType("RollingUpdate");
    }
    if (strategy.getType().equals("RollingUpdate")) {
      RollingUpdateDeployment ru =
          strategy.getRollingUpdate() == null
              ? new RollingUpdateDeployment()
              : strategy.getRollingUpdate();
      strategy.setRollingUpdate(ru);
      if (ru.getMaxUnavailable() == null) {
        ru.setMaxUnavailable(new IntOrString("25%"));
      }
      if (ru.getMaxSurge() == null) {
        ru.setMaxSurge(new IntOrString("25%"));
      }
    }
    if (spec.getRevisionHistoryLimit() == null) {
      spec.setRevisionHistoryLimit(10);
    }
    if (spec.getProgressDeadlineSeconds() == null) {
      spec.setProgressDeadlineSeconds(600);
    }
    spec.setTemplate(podTemplate(spec.getTemplate()));
  }

  private static void replicaSet(ReplicaSet rs) {
    ReplicaSetSpec spec = rs.getSpec() == null ? new ReplicaSetSpec() : rs.getSpec();
    rs.setSpec(spec);
    if (spec.getReplicas() == null) {
      spec.setReplicas(1);
    }
    spec.setTemplate(podTemplate(spec.getTemplate()));
  }

  private static void statefulSet(StatefulSet s) {
    StatefulSetSpec spec = s.getSpec() == null ? new StatefulSetSpec() : s.getSpec();
    s.setSpec(spec);
    if (nz(spec.getPodManagementPolicy()).isEmpty()) {
      spec.setPodManagementPolicy("OrderedReady");
    }
    StatefulSetUpdateStrategy us =
        spec.getUpdateStrategy() == null
            ? new StatefulSetUpdateStrategy()
            : spec.getUpdateStrategy();
    spec.setUpdateStrategy(us);
    if (nz(us.getType()).isEmpty()) {
      us.setType("RollingUpdate");
      // Only an unset strategy gets a rollingUpdate block; an explicit type keeps what was sent.
      if (us.getRollingUpdate() == null) {
        us.setRollingUpdate(new RollingUpdateStatefulSetStrategy());
      }
    }
    if (us.getType().equals("RollingUpdate")
        && us.getRollingUpdate() != null
        && us.getRollingUpdate().getPartition() == null) {
      us.getRollingUpdate().setPartition(0);
    }
    // StatefulSetAutoDeletePVC is beta and on by default from 1.27.
    StatefulSetPersistentVolumeClaimRetentionPolicy policy =
        spec.getPersistentVolumeClaimRetentionPolicy() == null
            ? new StatefulSetPersistentVolumeClaimRetentionPolicy()
            : spec.getPersistentVolumeClaimRetentionPolicy();
    spec.setPersistentVolumeClaimRetentionPolicy(policy);
    if (nz(policy.getWhenDeleted()).isEmpty()) {
      policy.setWhenDeleted("Retain");
    }
    if (nz(policy.getWhenScaled()).isEmpty()) {
      policy.setWhenScaled("Retain");
    }
    if (spec.getReplicas() == null) {
      spec.setReplicas(1);
    }
    if (spec.getRevisionHistoryLimit() == null) {
      spec.setRevisionHistoryLimit(10);
    }
    spec.setTemplate(podTemplate(spec.getTemplate()));
    for (PersistentVolumeClaim pvc : nonNull(spec.getVolumeClaimTemplates())) {
      persistentVolumeClaim(pvc);
    }
  }

  private static void daemonSet(DaemonSet ds) {
    DaemonSetSpec spec = ds.getSpec() == null ? new DaemonSetSpec() : ds.getSpec();
    ds.setSpec(spec);
    DaemonSetUpdateStrategy us =
        spec.getUpdateStrategy() == null ? new DaemonSetUpdateStrategy() : spec.getUpdateStrategy();
    spec.setUpdateStrategy(us);
    if (nz(us.getType()).isEmpty()) {
      us.setType("RollingUpdate");
    }
    if (us.getType().equals("RollingUpdate")) {
      RollingUpdateDaemonSet ru =
          us.getRollingUpdate() == null ? new RollingUpdateDaemonSet() : us.getRollingUpdate();
      us.setRollingUpdate(ru);
      if (ru.getMaxUnavailable() == null) {
        ru.setMaxUnavailable(new IntOrString(1));
      }
      if (ru.getMaxSurge() == null) {
        ru.setMaxSurge(new IntOrString(0));
      }
    }
    if (spec.getRevisionHistoryLimit() == null) {
      spec.setRevisionHistoryLimit(10);
    }
    spec.setTemplate(podTemplate(spec.getTemplate()));
  }

  // ---- core/v1 workloads ----

  private static void replicationController(ReplicationController rc) {
    ReplicationControllerSpec spec =
        rc.getSpec() == null ? new ReplicationControllerSpec() : rc.getSpec();
    rc.setSpec(spec);
    Map<String, String> labels =
        spec.getTemplate() == null || spec.getTemplate().getMetadata() == null
            ? null
            : spec.getTemplate().getMetadata().getLabels();
    // An empty template label map counts as "set" in Go only when non-nil; fabric8 cannot tell,
    // so only non-empty template labels are propagated.
    if (labels != null && !labels.isEmpty()) {
      if (spec.getSelector() == null || spec.getSelector().isEmpty()) {
        spec.setSelector(new LinkedHashMap<>(labels));
      }
      ObjectMeta meta = rc.getMetadata() == null ? new ObjectMeta() : rc.getMetadata();
      rc.setMetadata(meta);
      if (meta.getLabels() == null || meta.getLabels().isEmpty()) {
        meta.setLabels(new LinkedHashMap<>(labels));
      }
    }
    if (spec.getReplicas() == null) {
      spec.setReplicas(1);
    }
    if (spec.getTemplate() != null) {
      spec.setTemplate(podTemplate(spec.getTemplate()));
    }
  }

  // ---- batch/v1 ----

  private static void job(Job j) {
    JobSpec spec = j.getSpec() == null ? new JobSpec() : j.getSpec();
    j.setSpec(spec);
    if (spec.getCompletions() == null && spec.getParallelism() == null) {
      spec.setCompletions(1);
      spec.setParallelism(1);
    }
    if (spec.getParallelism() == null) {
      spec.setParallelism(1);
    }
    if (spec.getBackoffLimit() == null) {
      spec.setBackoffLimit(6);
    }
    Map<String, String> labels =
        spec.getTemplate() == null || spec.getTemplate().getMetadata() == null
            ? null
            : spec.getTemplate().getMetadata().getLabels();
    if (labels != null && !labels.isEmpty()) {
      ObjectMeta meta = j.getMetadata() == null ? new ObjectMeta() : j.getMetadata();
      j.setMetadata(meta);
      if (meta.getLabels() == null || meta.getLabels().isEmpty()) {
        meta.setLabels(new LinkedHashMap<>(labels));
      }
    }
    if (spec.getCompletionMode() == null) {
      spec.setCompletionMode("NonIndexed");
    }
    if (spec.getSuspend() == null) {
      spec.setSuspend(false);
    }
    spec.setTemplate(podTemplate(spec.getTemplate()));
  }

  /**
   * Only the CronJob's own fields and the pod template get defaults: upstream has no defaulter for
   * a JobSpec embedded in a template, so jobTemplate.spec stays as sent.
   */
  private static void cronJob(CronJob cj) {
    CronJobSpec spec = cj.getSpec() == null ? new CronJobSpec() : cj.getSpec();
    cj.setSpec(spec);
    if (nz(spec.getConcurrencyPolicy()).isEmpty()) {
      spec.setConcurrencyPolicy("Allow");
    }
    if (spec.getSuspend() == null) {
      spec.setSuspend(false);
    }
    if (spec.getSuccessfulJobsHistoryLimit() == null) {
      spec.setSuccessfulJobsHistoryLimit(3);
    }
    if (spec.getFailedJobsHistoryLimit() == null) {
      spec.setFailedJobsHistoryLimit(1);
    }
    if (spec.getJobTemplate() != null && spec.getJobTemplate().getSpec() != null) {
      JobSpec js = spec.getJobTemplate().getSpec();
      js.setTemplate(podTemplate(js.getTemplate()));
    }
  }

  // ---- pods ----

  private static void pod(Pod p) {
    PodSpec spec = p.getSpec() == null ? new PodSpec() : p.getSpec();
    p.setSpec(spec);
    podSpec(spec);
    // Only a Pod, never a template, gets requests from limits, service links and host ports.
    for (Container c : concat(spec.getContainers(), spec.getInitContainers())) {
      ResourceRequirements r = c.getResources();
      if (r != null && r.getLimits() != null && !r.getLimits().isEmpty()) {
        Map<String, Quantity> requests =
            r.getRequests() == null ? new LinkedHashMap<>() : r.getRequests();
        r.getLimits()
            .forEach((k, v) -> requests.putIfAbsent(k, new Quantity(v.getAmount(), v.getFormat())));
        r.setRequests(requests);
      }
    }
    if (spec.getEnableServiceLinks() == null) {
      spec.setEnableServiceLinks(true);
    }
    if (Boolean.TRUE.equals(spec.getHostNetwork())) {
      for (Container c : concat(spec.getContainers(), spec.getInitContainers())) {
        for (ContainerPort port : nonNull(c.getPorts())) {
          if (port.getHostPort() == null || port.getHostPort() == 0) {
            port.setHostPort(port.getContainerPort());
          }
        }
      }
    }
  }

  /** Defaults a pod template (creating it if absent, as Go's value type would be). */
  static PodTemplateSpec podTemplate(PodTemplateSpec t) {
    PodTemplateSpec template = t == null ? new PodTemplateSpec() : t;
    PodSpec spec = template.getSpec() == null ? new PodSpec() : template.getSpec();
    template.setSpec(spec);
    podSpec(spec);
    return template;
  }

  static void podSpec(PodSpec spec) {
    if (nz(spec.getDnsPolicy()).isEmpty()) {
      spec.setDnsPolicy("ClusterFirst");
    }
    if (nz(spec.getRestartPolicy()).isEmpty()) {
      spec.setRestartPolicy("Always");
    }
    if (spec.getSecurityContext() == null) {
      spec.setSecurityContext(new PodSecurityContext());
    }
    if (spec.getTerminationGracePeriodSeconds() == null) {
      spec.setTerminationGracePeriodSeconds((long) DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
    }
    if (nz(spec.getSchedulerName()).isEmpty()) {
      spec.setSchedulerName("default-scheduler");
    }
    // serviceAccount is the deprecated alias of serviceAccountName; the v1 conversion keeps them
    // equal, preferring serviceAccountName.
    if (nz(spec.getServiceAccountName()).isEmpty() && !nz(spec.getServiceAccount()).isEmpty()) {
      spec.setServiceAccountName(spec.getServiceAccount());
    }
    if (!nz(spec.getServiceAccountName()).isEmpty()) {
      spec.setServiceAccount(spec.getServiceAccountName());
    }
    for (Volume v : nonNull(spec.getVolumes())) {
      volume(v);
    }
    for (Container c : concat(spec.getInitContainers(), spec.getContainers())) {
      container(c);
    }
    for (EphemeralContainer c : nonNull(spec.getEphemeralContainers())) {
      ephemeralContainer(c);
    }
    if (spec.getOverhead() != null) {
      canonicalize(spec.getOverhead());
    }
  }

  private static void volume(Volume v) {
    boolean hasSource =
        v.getEmptyDir() != null
            || v.getHostPath() != null
            || v.getGitRepo() != null
            || v.getGcePersistentDisk() != null
            || v.getAwsElasticBlockStore() != null
            || v.getSecret() != null
            || v.getNfs() != null
            || v.getIscsi() != null
            || v.getGlusterfs() != null
            || v.getFlocker() != null
            || v.getPersistentVolumeClaim() != null
            || v.getRbd() != null
            || v.getCinder() != null
            || v.getCephfs() != null
            || v.getQuobyte() != null
            || v.getDownwardAPI() != null
            || v.getFc() != null
            || v.getFlexVolume() != null
            || v.getConfigMap() != null
            || v.getAzureFile() != null
            || v.getVsphereVolume() != null
            || v.getPhotonPersistentDisk() != null
            || v.getPortworxVolume() != null
            || v.getAzureDisk() != null
            || v.getStorageos() != null
            || v.getProjected() != null
            || v.getScaleIO() != null
            || v.getCsi() != null
            || v.getEphemeral() != null
            || v.getImage() != null;
    if (!hasSource) {
      v.setEmptyDir(new EmptyDirVolumeSource());
    }
    if (v.getEmptyDir() != null && v.getEmptyDir().getSizeLimit() != null) {
      v.getEmptyDir().setSizeLimit(canonical(v.getEmptyDir().getSizeLimit()));
    }
    if (v.getHostPath() != null && v.getHostPath().getType() == null) {
      v.getHostPath().setType("");
    }
    if (v.getSecret() != null && v.getSecret().getDefaultMode() == null) {
      v.getSecret().setDefaultMode(VOLUME_DEFAULT_MODE);
    }
    if (v.getConfigMap() != null && v.getConfigMap().getDefaultMode() == null) {
      v.getConfigMap().setDefaultMode(VOLUME_DEFAULT_MODE);
    }
    if (v.getDownwardAPI() != null) {
      if (v.getDownwardAPI().getDefaultMode() == null) {
        v.getDownwardAPI().setDefaultMode(VOLUME_DEFAULT_MODE);
      }
      downwardApiItems(v.getDownwardAPI().getItems());
    }
    if (v.getProjected() != null) {
      if (v.getProjected().getDefaultMode() == null) {
        v.getProjected().setDefaultMode(VOLUME_DEFAULT_MODE);
      }
      for (VolumeProjection p : nonNull(v.getProjected().getSources())) {
        if (p.getServiceAccountToken() != null
            && p.getServiceAccountToken().getExpirationSeconds() == null) {
          p.getServiceAccountToken().setExpirationSeconds(3600L);
        }
        if (p.getDownwardAPI() != null) {
          downwardApiItems(p.getDownwardAPI().getItems());
        }
      }
    }
    if (v.getEphemeral() != null
        && v.getEphemeral().getVolumeClaimTemplate() != null
        && v.getEphemeral().getVolumeClaimTemplate().getSpec() != null) {
      pvcSpec(v.getEphemeral().getVolumeClaimTemplate().getSpec());
    }
  }

  private static void downwardApiItems(List<DownwardAPIVolumeFile> items) {
    for (DownwardAPIVolumeFile f : nonNull(items)) {
      fieldSelector(f.getFieldRef());
      if (f.getResourceFieldRef() != null && f.getResourceFieldRef().getDivisor() != null) {
        f.getResourceFieldRef().setDivisor(canonical(f.getResourceFieldRef().getDivisor()));
      }
    }
  }

  private static void fieldSelector(ObjectFieldSelector fs) {
    if (fs != null && nz(fs.getApiVersion()).isEmpty()) {
      fs.setApiVersion("v1");
    }
  }

  private static void container(Container c) {
    // Go's Container.Resources is a struct, not a pointer, so upstream always shows "resources:
    // {}".
    if (c.getResources() == null) {
      c.setResources(new ResourceRequirements());
    }
    if (nz(c.getImagePullPolicy()).isEmpty()) {
      c.setImagePullPolicy(pullPolicy(c.getImage()));
    }
    if (nz(c.getTerminationMessagePath()).isEmpty()) {
      c.setTerminationMessagePath("/dev/termination-log");
    }
    if (nz(c.getTerminationMessagePolicy()).isEmpty()) {
      c.setTerminationMessagePolicy("File");
    }
    containerParts(
        c.getPorts(),
        c.getEnv(),
        c.getResources(),
        java.util.Arrays.asList(c.getLivenessProbe(), c.getReadinessProbe(), c.getStartupProbe()),
        c.getLifecycle());
  }

  /** Ephemeral containers are a separate Java type but take the same defaults as containers. */
  private static void ephemeralContainer(EphemeralContainer c) {
    if (c.getResources() == null) {
      c.setResources(new ResourceRequirements());
    }
    if (nz(c.getImagePullPolicy()).isEmpty()) {
      c.setImagePullPolicy(pullPolicy(c.getImage()));
    }
    if (nz(c.getTerminationMessagePath()).isEmpty()) {
      c.setTerminationMessagePath("/dev/termination-log");
    }
    if (nz(c.getTerminationMessagePolicy()).isEmpty()) {
      c.setTerminationMessagePolicy("File");
    }
    containerParts(
        c.getPorts(),
        c.getEnv(),
        c.getResources(),
        java.util.Arrays.asList(c.getLivenessProbe(), c.getReadinessProbe(), c.getStartupProbe()),
        c.getLifecycle());
  }

  private static void containerParts(
      List<ContainerPort> ports,
      List<EnvVar> env,
      ResourceRequirements resources,
      List<Probe> probes,
      Lifecycle lifecycle) {
    ports(ports);
    env(env);
    resources(resources);
    probes.forEach(Defaulter::probe);
    lifecycle(lifecycle);
  }

  /** {@code Always} for {@code :latest} or no tag at all, else {@code IfNotPresent}. */
  static String pullPolicy(String image) {
    return ImageReference.tag(image).filter("latest"::equals).isPresent()
        ? "Always"
        : "IfNotPresent";
  }

  private static void ports(List<ContainerPort> ports) {
    for (ContainerPort p : nonNull(ports)) {
      if (nz(p.getProtocol()).isEmpty()) {
        p.setProtocol("TCP");
      }
    }
  }

  private static void env(List<EnvVar> env) {
    for (EnvVar e : nonNull(env)) {
      if (e.getValueFrom() == null) {
        continue;
      }
      fieldSelector(e.getValueFrom().getFieldRef());
      if (e.getValueFrom().getResourceFieldRef() != null
          && e.getValueFrom().getResourceFieldRef().getDivisor() != null) {
        e.getValueFrom()
            .getResourceFieldRef()
            .setDivisor(canonical(e.getValueFrom().getResourceFieldRef().getDivisor()));
      }
    }
  }

  private static void resources(ResourceRequirements r) {
    if (r != null) {
      canonicalize(r.getLimits());
      canonicalize(r.getRequests());
    }
  }

  private static void probe(Probe p) {
    if (p == null) {
      return;
    }
    if (p.getTimeoutSeconds() == null || p.getTimeoutSeconds() == 0) {
      p.setTimeoutSeconds(1);
    }
    if (p.getPeriodSeconds() == null || p.getPeriodSeconds() == 0) {
      p.setPeriodSeconds(10);
    }
    if (p.getSuccessThreshold() == null || p.getSuccessThreshold() == 0) {
      p.setSuccessThreshold(1);
    }
    if (p.getFailureThreshold() == null || p.getFailureThreshold() == 0) {
      p.setFailureThreshold(3);
    }
    httpGet(p.getHttpGet());
    if (p.getGrpc() != null && p.getGrpc().getService() == null) {
      p.getGrpc().setService("");
    }
  }

  private static void lifecycle(Lifecycle l) {
    if (l == null) {
      return;
    }
    for (LifecycleHandler h : new LifecycleHandler[] {l.getPostStart(), l.getPreStop()}) {
      if (h != null) {
        httpGet(h.getHttpGet());
      }
    }
  }

  private static void httpGet(HTTPGetAction a) {
    if (a == null) {
      return;
    }
    if (nz(a.getPath()).isEmpty()) {
      a.setPath("/");
    }
    if (nz(a.getScheme()).isEmpty()) {
      a.setScheme("HTTP");
    }
  }

  /**
   * Upstream rounds resource quantities up to milli-units and stores them in canonical form ({@code
   * 0.5} becomes {@code 500m}, {@code 1.5Gi} becomes {@code 1536Mi}).
   */
  private static void canonicalize(Map<String, Quantity> list) {
    if (list != null) {
      list.replaceAll((k, q) -> canonical(q));
    }
  }

  private static Quantity canonical(Quantity q) {
    return Quantities.parse(q).map(p -> new Quantity(Quantities.canonicalMilli(p))).orElse(q);
  }

  // ---- Service and friends ----

  private static void service(Service s) {
    ServiceSpec spec = s.getSpec() == null ? new ServiceSpec() : s.getSpec();
    s.setSpec(spec);
    if (nz(spec.getSessionAffinity()).isEmpty()) {
      spec.setSessionAffinity("None");
    }
    if (spec.getSessionAffinity().equals("None")) {
      spec.setSessionAffinityConfig(null);
    }
    if (spec.getSessionAffinity().equals("ClientIP")) {
      SessionAffinityConfig cfg = spec.getSessionAffinityConfig();
      if (cfg == null
          || cfg.getClientIP() == null
          || cfg.getClientIP().getTimeoutSeconds() == null) {
        spec.setSessionAffinityConfig(
            new SessionAffinityConfig(new ClientIPConfig(CLIENT_IP_AFFINITY_SECONDS)));
      }
    }
    if (nz(spec.getType()).isEmpty()) {
      spec.setType("ClusterIP");
    }
    for (ServicePort p : nonNull(spec.getPorts())) {
      if (nz(p.getProtocol()).isEmpty()) {
        p.setProtocol("TCP");
      }
      IntOrString tp = p.getTargetPort();
      boolean unset =
          tp == null
              || (tp.getStrVal() == null && (tp.getIntVal() == null || tp.getIntVal() == 0))
              || (tp.getStrVal() != null && tp.getStrVal().isEmpty());
      if (unset && p.getPort() != null) {
        p.setTargetPort(new IntOrString(p.getPort()));
      }
    }
    String type = spec.getType();
    boolean externallyAccessible =
        type.equals("LoadBalancer")
            || type.equals("NodePort")
            || (type.equals("ClusterIP") && !nonNull(spec.getExternalIPs()).isEmpty());
    if (externallyAccessible && nz(spec.getExternalTrafficPolicy()).isEmpty()) {
      spec.setExternalTrafficPolicy("Cluster");
    }
    if (spec.getInternalTrafficPolicy() == null
        && (type.equals("NodePort") || type.equals("LoadBalancer") || type.equals("ClusterIP"))) {
      spec.setInternalTrafficPolicy("Cluster");
    }
    if (type.equals("LoadBalancer") && spec.getAllocateLoadBalancerNodePorts() == null) {
      spec.setAllocateLoadBalancerNodePorts(true);
    }
  }

  private static void namespace(Namespace ns) {
    ObjectMeta meta = ns.getMetadata() == null ? new ObjectMeta() : ns.getMetadata();
    ns.setMetadata(meta);
    // Namespaces created through generateName have no name yet and get the label later.
    if (!nz(meta.getName()).isEmpty()) {
      Map<String, String> labels =
          meta.getLabels() == null ? new LinkedHashMap<>() : meta.getLabels();
      labels.put("kubernetes.io/metadata.name", meta.getName());
      meta.setLabels(labels);
    }
    NamespaceStatus status = ns.getStatus() == null ? new NamespaceStatus() : ns.getStatus();
    ns.setStatus(status);
    if (nz(status.getPhase()).isEmpty()) {
      status.setPhase("Active");
    }
  }

  private static void node(Node n) {
    if (n.getStatus() == null) {
      return;
    }
    canonicalize(n.getStatus().getCapacity());
    canonicalize(n.getStatus().getAllocatable());
    Map<String, Quantity> capacity = n.getStatus().getCapacity();
    Map<String, Quantity> allocatable = n.getStatus().getAllocatable();
    if ((allocatable == null || allocatable.isEmpty()) && capacity != null && !capacity.isEmpty()) {
      Map<String, Quantity> copy = new LinkedHashMap<>();
      capacity.forEach((k, v) -> copy.put(k, new Quantity(v.getAmount(), v.getFormat())));
      n.getStatus().setAllocatable(copy);
    }
  }

  private static void secret(Secret s) {
    if (nz(s.getType()).isEmpty()) {
      s.setType("Opaque");
    }
    Map<String, String> stringData = s.getStringData();
    if (stringData != null && !stringData.isEmpty()) {
      Map<String, String> data = s.getData() == null ? new LinkedHashMap<>() : s.getData();
      stringData.forEach(
          (k, v) ->
              data.put(
                  k, Base64.getEncoder().encodeToString(nz(v).getBytes(StandardCharsets.UTF_8))));
      s.setData(data);
      s.setStringData(new LinkedHashMap<>());
    }
  }

  private static void endpoints(Endpoints ep) {
    for (EndpointSubset ss : nonNull(ep.getSubsets())) {
      for (var p : nonNull(ss.getPorts())) {
        if (nz(p.getProtocol()).isEmpty()) {
          p.setProtocol("TCP");
        }
      }
    }
  }

  private static void persistentVolume(PersistentVolume pv) {
    PersistentVolumeStatus status =
        pv.getStatus() == null ? new PersistentVolumeStatus() : pv.getStatus();
    pv.setStatus(status);
    if (nz(status.getPhase()).isEmpty()) {
      status.setPhase("Pending");
    }
    PersistentVolumeSpec spec = pv.getSpec() == null ? new PersistentVolumeSpec() : pv.getSpec();
    pv.setSpec(spec);
    if (nz(spec.getPersistentVolumeReclaimPolicy()).isEmpty()) {
      spec.setPersistentVolumeReclaimPolicy("Retain");
    }
    if (spec.getVolumeMode() == null) {
      spec.setVolumeMode("Filesystem");
    }
    if (spec.getHostPath() != null && spec.getHostPath().getType() == null) {
      spec.getHostPath().setType("");
    }
    canonicalize(spec.getCapacity());
  }

  private static void persistentVolumeClaim(PersistentVolumeClaim pvc) {
    PersistentVolumeClaimStatus status =
        pvc.getStatus() == null ? new PersistentVolumeClaimStatus() : pvc.getStatus();
    pvc.setStatus(status);
    if (nz(status.getPhase()).isEmpty()) {
      status.setPhase("Pending");
    }
    PersistentVolumeClaimSpec spec =
        pvc.getSpec() == null ? new PersistentVolumeClaimSpec() : pvc.getSpec();
    pvc.setSpec(spec);
    pvcSpec(spec);
  }

  private static void pvcSpec(PersistentVolumeClaimSpec spec) {
    if (spec.getVolumeMode() == null) {
      spec.setVolumeMode("Filesystem");
    }
    if (spec.getResources() != null) {
      canonicalize(spec.getResources().getLimits());
      canonicalize(spec.getResources().getRequests());
    }
  }

  // ---- helpers ----

  private static <T> List<T> nonNull(List<T> l) {
    return l == null ? List.of() : l;
  }

  private static List<Container> concat(List<Container> a, List<Container> b) {
    List<Container> all = new ArrayList<>(nonNull(a));
    all.addAll(nonNull(b));
    return all;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
