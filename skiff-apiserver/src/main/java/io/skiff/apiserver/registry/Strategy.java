package io.skiff.apiserver.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceSpec;
import io.fabric8.kubernetes.api.model.NamespaceStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.skiff.api.ResourceType;
import io.skiff.api.defaults.Defaulter;
import io.skiff.clock.Clock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What upstream's per-kind registry strategies decide, for every served kind: which kinds track
 * {@code generation}, which reset status on create, what a write to the main endpoint may change
 * and what a write to {@code /status} may change.
 */
final class Strategy {

  /** Kinds whose spec changes bump {@code metadata.generation}, starting at 1 on create. */
  private static final Set<String> GENERATION_KINDS =
      Set.of(
          "Deployment",
          "ReplicaSet",
          "StatefulSet",
          "DaemonSet",
          "ReplicationController",
          "Job",
          "CronJob",
          "PodDisruptionBudget");

  /** The finalizer the namespace controller removes once a namespace is empty. */
  static final String KUBERNETES_FINALIZER = "kubernetes";

  private final ResourceType type;
  private final Clock clock;

  Strategy(ResourceType type, Clock clock) {
    this.type = type;
    this.clock = clock;
  }

  boolean tracksGeneration() {
    return GENERATION_KINDS.contains(type.kind());
  }

  /** Whether a status subresource separates status writes from spec writes for this kind. */
  boolean hasStatus() {
    return type.hasSubresource("status");
  }

  /**
   * Upstream's PrepareForCreate: status starts empty (pods start Pending, namespaces Active, nodes
   * keep what they were created with), generation starts at 1.
   */
  void prepareForCreate(HasMetadata obj) {
    switch (obj) {
      case Pod p -> {
        PodStatus s = new PodStatus();
        s.setPhase("Pending");
        s.setQosClass(Qos.of(p));
        p.setStatus(s);
      }
      case Namespace ns -> {
        NamespaceStatus s = new NamespaceStatus();
        s.setPhase("Active");
        ns.setStatus(s);
        // Upstream adds it here rather than in defaulting: it must be removable later, through
        // /finalize, once the namespace controller has emptied the namespace.
        NamespaceSpec spec = ns.getSpec() == null ? new NamespaceSpec() : ns.getSpec();
        List<String> finalizers =
            spec.getFinalizers() == null
                ? new ArrayList<>()
                : new ArrayList<>(spec.getFinalizers());
        if (!finalizers.contains(KUBERNETES_FINALIZER)) {
          finalizers.add(KUBERNETES_FINALIZER);
        }
        spec.setFinalizers(finalizers);
        ns.setSpec(spec);
      }
      case Job job -> {
        Defaulter.generateJobSelector(job);
        job.setStatus(null);
      }
      case PersistentVolume pv -> {
        // PersistentVolumeLastPhaseTransitionTime, GA in 1.31: a new volume is Pending from now.
        PersistentVolumeStatus s = new PersistentVolumeStatus();
        s.setPhase("Pending");
        s.setLastPhaseTransitionTime(now());
        pv.setStatus(s);
      }
      default -> {
        if (hasStatus() && !type.kind().equals("Node")) {
          setStatus(obj, null);
        }
      }
    }
    obj.getMetadata().setGeneration(tracksGeneration() ? 1L : null);
  }

  /**
   * Follows a generated name that was taken and replaced on a retry: the labels that {@link
   * #prepareForCreate} derived from the old name now name the new one.
   */
  void renamed(HasMetadata obj, String previous) {
    if (!(obj instanceof Job job)) {
      return;
    }
    String name = job.getMetadata().getName();
    rename(job.getMetadata().getLabels(), previous, name);
    if (job.getSpec() != null
        && job.getSpec().getTemplate() != null
        && job.getSpec().getTemplate().getMetadata() != null) {
      rename(job.getSpec().getTemplate().getMetadata().getLabels(), previous, name);
    }
  }

  private static void rename(Map<String, String> labels, String previous, String name) {
    if (labels == null) {
      return;
    }
    for (String key : List.of("job-name", "batch.kubernetes.io/job-name")) {
      labels.replace(key, previous, name);
    }
  }

  /**
   * Upstream's PrepareForUpdate for the main endpoint: status cannot change there, and generation
   * moves when the spec does (for Deployments, annotations too).
   */
  void prepareForUpdate(HasMetadata next, HasMetadata old) {
    if (hasStatus() && !type.kind().equals("Namespace")) {
      setStatus(next, getStatus(old));
    }
    if (next instanceof Namespace ns) {
      // Only the namespace controller moves a namespace's phase, through /status, and removes
      // its finalizers, through /finalize.
      ns.setStatus(((Namespace) old).getStatus());
      ns.setSpec(((Namespace) old).getSpec());
    }
    Long generation = old.getMetadata().getGeneration();
    if (tracksGeneration()) {
      boolean changed = !Objects.equals(getSpec(next), getSpec(old));
      if (next instanceof Deployment) {
        changed |=
            !Objects.equals(
                next.getMetadata().getAnnotations(), old.getMetadata().getAnnotations());
      }
      next.getMetadata()
          .setGeneration(generation == null ? 1L : changed ? generation + 1 : generation);
    } else {
      next.getMetadata().setGeneration(generation);
    }
  }

  /**
   * Upstream's PrepareForUpdate for {@code /status}: only status changes; the spec (and, for
   * Deployments, the labels) are the old ones; annotations written through /status persist.
   */
  void prepareForStatusUpdate(HasMetadata next, HasMetadata old) {
    setSpec(next, getSpec(old));
    next.getMetadata().setGeneration(old.getMetadata().getGeneration());
    if (next instanceof Deployment) {
      next.getMetadata().setLabels(old.getMetadata().getLabels());
    }
    if (next instanceof PersistentVolume pv) {
      phaseTransition(pv, (PersistentVolume) old);
    }
  }

  /**
   * Upstream's PersistentVolume status strategy: a phase change the writer did not stamp itself
   * gets the time now; an unchanged phase keeps the time it had.
   */
  private void phaseTransition(PersistentVolume next, PersistentVolume old) {
    PersistentVolumeStatus was =
        old.getStatus() == null ? new PersistentVolumeStatus() : old.getStatus();
    PersistentVolumeStatus is = next.getStatus();
    if (is == null) {
      is = new PersistentVolumeStatus();
      next.setStatus(is);
    }
    boolean samePhase = Objects.equals(was.getPhase(), is.getPhase());
    if (samePhase && is.getLastPhaseTransitionTime() == null) {
      is.setLastPhaseTransitionTime(was.getLastPhaseTransitionTime());
    } else if (!samePhase
        && (is.getLastPhaseTransitionTime() == null
            || is.getLastPhaseTransitionTime().equals(was.getLastPhaseTransitionTime()))) {
      is.setLastPhaseTransitionTime(now());
    }
  }

  private String now() {
    return ResourceStorage.timestamp(clock.now());
  }

  /**
   * Upstream's FinalizeStrategy for a Namespace's {@code /finalize}: the spec (its finalizers) and
   * the metadata may change there, the status may not.
   */
  void prepareForFinalizeUpdate(Namespace next, Namespace old) {
    next.setStatus(old.getStatus());
    next.getMetadata().setGeneration(old.getMetadata().getGeneration());
  }

  /**
   * Upstream's ShouldDeleteDuringUpdate: an update that leaves an object being deleted without
   * finalizers deletes it; a namespace also needs its {@code spec.finalizers} gone.
   */
  static boolean shouldDeleteDuringUpdate(HasMetadata next) {
    ObjectMeta meta = next.getMetadata();
    if (meta.getDeletionTimestamp() == null
        || (meta.getFinalizers() != null && !meta.getFinalizers().isEmpty())) {
      return false;
    }
    return !(next instanceof Namespace ns)
        || ns.getSpec() == null
        || ns.getSpec().getFinalizers() == null
        || ns.getSpec().getFinalizers().isEmpty();
  }

  // fabric8 kinds share no interface for spec and status, so they are reached by their accessors.

  static Object getSpec(HasMetadata obj) {
    return invoke(obj, "getSpec");
  }

  static Object getStatus(HasMetadata obj) {
    return invoke(obj, "getStatus");
  }

  private static void setSpec(HasMetadata obj, Object spec) {
    set(obj, "setSpec", "getSpec", spec);
  }

  private static void setStatus(HasMetadata obj, Object status) {
    set(obj, "setStatus", "getStatus", status);
  }

  private static Object invoke(HasMetadata obj, String getter) {
    try {
      Method m = obj.getClass().getMethod(getter);
      return m.invoke(obj);
    } catch (NoSuchMethodException e) {
      return null;
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException(getter + " of " + obj.getKind(), e);
    }
  }

  private static void set(HasMetadata obj, String setter, String getter, Object value) {
    try {
      Class<?> t = obj.getClass().getMethod(getter).getReturnType();
      obj.getClass().getMethod(setter, t).invoke(obj, value);
    } catch (NoSuchMethodException e) {
      // The kind has no such part (ConfigMap, Secret, Event).
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException(setter + " of " + obj.getKind(), e);
    }
  }
}
