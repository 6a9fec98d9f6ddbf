package io.skiff.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateRunning;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.skiff.client.ModelCopy;
import io.skiff.node.PodRuntime.Box;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The pod status the kubelet writes for a pod's simulated state: container statuses as
 * convertToAPIContainerStatuses makes them, the phase by getPhase, and the kubelet's conditions by
 * pkg/kubelet/status (generate.go), merged with the conditions others own as the status manager
 * merges them.
 */
final class KubeletStatus {

  /** The conditions the kubelet owns (kubetypes.PodConditionByKubelet). */
  private static final Set<String> KUBELET_CONDITIONS =
      Set.of(
          "PodScheduled", "Ready", "Initialized", "ContainersReady", "PodReadyToStartContainers");

  private KubeletStatus() {}

  /**
   * The status to write for {@code pod}, whose current status is kept where the kubelet does not
   * own it (QoS class, nominated node, conditions set by others) and for transition times that did
   * not move.
   */
  static PodStatus of(Pod pod, PodRuntime rt, long now, String hostIp) {
    PodStatus old = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
    // The fields replaced below are most of a status; the rest is shared with the cached pod, as
    // read only as it. A deep copy of the old status was most of what computing one cost.
    PodStatus s = ModelCopy.shallow(old);
    PodSpec spec = pod.getSpec();
    String defaultReason = rt.hasInitContainers() ? "PodInitializing" : "ContainerCreating";

    List<ContainerStatus> initStatuses = new ArrayList<>();
    List<Container> initSpecs = PodRuntime.nonNull(spec.getInitContainers());
    for (int i = 0; i < rt.init.length; i++) {
      initStatuses.add(container(rt, rt.init[i], initSpecs.get(i), now, defaultReason));
    }
    List<ContainerStatus> statuses = new ArrayList<>();
    List<Container> specs = PodRuntime.nonNull(spec.getContainers());
    for (int i = 0; i < rt.regular.length; i++) {
      statuses.add(container(rt, rt.regular[i], specs.get(i), now, defaultReason));
    }
    s.setInitContainerStatuses(initStatuses);
    s.setContainerStatuses(statuses);

    String phase = phase(spec, initStatuses, statuses, rt.killed);
    s.setPhase(phase);
    boolean terminal = phase.equals("Succeeded") || phase.equals("Failed");

    List<ContainerStatus> all = new ArrayList<>(initStatuses);
    all.addAll(statuses);
    List<PodCondition> conditions = new ArrayList<>();
    for (PodCondition c : PodRuntime.nonNull(old.getConditions())) {
      if (!KUBELET_CONDITIONS.contains(c.getType())) {
        conditions.add(c);
      }
    }
    conditions.add(
        condition(
            "PodReadyToStartContainers",
            rt.sandbox && !rt.killed && !terminal ? "True" : "False",
            null,
            null));
    conditions.add(initialized(spec, all, phase));
    PodCondition containersReady = containersReady(spec, all, phase);
    conditions.add(ready(spec, conditions, containersReady));
    conditions.add(containersReady);
    conditions.add(condition("PodScheduled", "True", null, null));
    String at = Ids.time(now);
    for (PodCondition c : conditions) {
      if (!KUBELET_CONDITIONS.contains(c.getType())) {
        continue;
      }
      PodCondition before = findCondition(old.getConditions(), c.getType());
      c.setLastTransitionTime(
          before != null && Objects.equals(before.getStatus(), c.getStatus())
              ? before.getLastTransitionTime()
              : at);
    }
    s.setConditions(conditions);

    s.setHostIP(hostIp);
    s.setHostIPs(hostIp == null ? new ArrayList<>() : List.of(new HostIP(hostIp)));
    if (rt.ip != 0) {
      String podIp = PodCidrs.formatIp(rt.ip);
      s.setPodIP(podIp);
      s.setPodIPs(List.of(new PodIP(podIp)));
    }
    if (s.getStartTime() == null) {
      s.setStartTime(Ids.time(rt.admittedAt));
    }
    return s;
  }

  // ---- containers ----

  private static ContainerStatus container(
      PodRuntime rt, Box c, Container spec, long now, String defaultReason) {
    ContainerStatus cs = new ContainerStatus();
    cs.setName(c.name);
    cs.setImage(c.created ? c.ref.normalized() : spec.getImage());
    cs.setImageID(c.created ? Ids.imageId(c.ref) : "");
    if (c.created) {
      cs.setContainerID(Ids.containerId(rt.uid, c.name, c.restartCount));
    }
    cs.setRestartCount(c.restartCount);
    boolean started = c.running() && now >= c.startedProbeAt;
    cs.setStarted(started);
    boolean ready =
        c.init && !c.sidecar
            ? c.stage == PodRuntime.Stage.EXITED && c.exitCode == 0 && c.created
            : started && now >= c.readyAt;
    cs.setReady(ready);
    ContainerState state = new ContainerState();
    ContainerState last = new ContainerState();
    switch (c.stage) {
      case NOT_STARTED, PULLING, CREATING ->
          state.setWaiting(new ContainerStateWaiting(null, defaultReason));
      case RUNNING -> state.setRunning(new ContainerStateRunning(Ids.time(c.startedAt)));
      case EXITED -> state.setTerminated(terminated(rt, c, true));
      case CRASH_BACKOFF -> {
        state.setWaiting(new ContainerStateWaiting(c.waitingMessage, c.waitingReason));
        last.setTerminated(terminated(rt, c, true));
      }
      default -> state.setWaiting(new ContainerStateWaiting(c.waitingMessage, c.waitingReason));
    }
    if (c.stage != PodRuntime.Stage.CRASH_BACKOFF && c.hasLast) {
      last.setTerminated(terminated(rt, c, false));
    }
    cs.setState(state);
    cs.setLastState(last);
    return cs;
  }

  private static ContainerStateTerminated terminated(PodRuntime rt, Box c, boolean current) {
    ContainerStateTerminated t = new ContainerStateTerminated();
    if (current) {
      if (c.created) {
        t.setContainerID(Ids.containerId(rt.uid, c.name, c.restartCount));
      }
      t.setExitCode(c.exitCode);
      t.setReason(c.terminatedReason);
      t.setMessage(c.terminatedMessage);
      if (c.startedAt != PodRuntime.NONE) {
        t.setStartedAt(Ids.time(c.startedAt));
      }
      if (c.finishedAt != PodRuntime.NONE) {
        t.setFinishedAt(Ids.time(c.finishedAt));
      }
    } else {
      t.setContainerID(c.lastContainerId);
      t.setExitCode(c.lastExitCode);
      t.setReason(c.lastReason);
      t.setStartedAt(Ids.time(c.lastStartedAt));
      t.setFinishedAt(Ids.time(c.lastFinishedAt));
    }
    return t;
  }

  // ---- phase (kubelet_pods.go getPhase) ----

  static String phase(
      PodSpec spec,
      List<ContainerStatus> initStatuses,
      List<ContainerStatus> statuses,
      boolean podIsTerminal) {
    int pendingInitialization = 0;
    int failedInitialization = 0;
    for (Container c : PodRuntime.nonNull(spec.getInitContainers())) {
      if ("Always".equals(c.getRestartPolicy())) {
        continue;
      }
      ContainerStatus cs = findStatus(initStatuses, c.getName());
      if (cs == null || cs.getState() == null) {
        pendingInitialization++;
      } else if (cs.getState().getRunning() != null) {
        pendingInitialization++;
      } else if (cs.getState().getTerminated() != null) {
        if (cs.getState().getTerminated().getExitCode() != 0) {
          failedInitialization++;
        }
      } else if (cs.getState().getWaiting() != null) {
        ContainerStateTerminated last =
            cs.getLastState() == null ? null : cs.getLastState().getTerminated();
        if (last != null) {
          if (last.getExitCode() != 0) {
            failedInitialization++;
          }
        } else {
          pendingInitialization++;
        }
      } else {
        pendingInitialization++;
      }
    }
    int unknown = 0;
    int running = 0;
    int waiting = 0;
    int stopped = 0;
    int succeeded = 0;
    for (Container c : PodRuntime.nonNull(spec.getInitContainers())) {
      if (!"Always".equals(c.getRestartPolicy())) {
        continue;
      }
      ContainerStatus cs = findStatus(initStatuses, c.getName());
      if (cs == null || cs.getState() == null) {
        unknown++;
      } else if (cs.getState().getRunning() != null) {
        running++;
      } else if (cs.getState().getWaiting() != null
          && (cs.getLastState() == null || cs.getLastState().getTerminated() == null)) {
        waiting++;
      }
    }
    for (Container c : spec.getContainers()) {
      ContainerStatus cs = findStatus(statuses, c.getName());
      if (cs == null || cs.getState() == null) {
        unknown++;
      } else if (cs.getState().getRunning() != null) {
        running++;
      } else if (cs.getState().getTerminated() != null) {
        stopped++;
        if (cs.getState().getTerminated().getExitCode() == 0) {
          succeeded++;
        }
      } else if (cs.getState().getWaiting() != null) {
        if (cs.getLastState() != null && cs.getLastState().getTerminated() != null) {
          stopped++;
        } else {
          waiting++;
        }
      } else {
        unknown++;
      }
    }
    String policy = spec.getRestartPolicy() == null ? "Always" : spec.getRestartPolicy();
    if (failedInitialization > 0 && policy.equals("Never")) {
      return "Failed";
    }
    if ((pendingInitialization > 0 && !anyRegularStarted(spec, statuses)) || waiting > 0) {
      return "Pending";
    }
    if (running > 0 && unknown == 0) {
      return "Running";
    }
    if (running == 0 && stopped > 0 && unknown == 0) {
      if (podIsTerminal) {
        return stopped == succeeded ? "Succeeded" : "Failed";
      }
      if (policy.equals("Always")) {
        return "Running";
      }
      if (stopped == succeeded) {
        return "Succeeded";
      }
      if (policy.equals("Never")) {
        return "Failed";
      }
      return "Running";
    }
    return "Pending";
  }

  private static boolean anyRegularStarted(PodSpec spec, List<ContainerStatus> statuses) {
    for (Container c : spec.getContainers()) {
      ContainerStatus cs = findStatus(statuses, c.getName());
      if (cs == null) {
        continue;
      }
      if (cs.getState() != null
          && (cs.getState().getRunning() != null || cs.getState().getTerminated() != null)) {
        return true;
      }
      if (cs.getLastState() != null
          && (cs.getLastState().getRunning() != null
              || cs.getLastState().getTerminated() != null)) {
        return true;
      }
    }
    return false;
  }

  // ---- conditions (pkg/kubelet/status/generate.go) ----

  private static PodCondition containersReady(
      PodSpec spec, List<ContainerStatus> all, String phase) {
    List<String> unknown = new ArrayList<>();
    List<String> unready = new ArrayList<>();
    for (Container c : PodRuntime.nonNull(spec.getInitContainers())) {
      if (!"Always".equals(c.getRestartPolicy())) {
        continue;
      }
      ContainerStatus cs = findStatus(all, c.getName());
      if (cs == null) {
        unknown.add(c.getName());
      } else if (!Boolean.TRUE.equals(cs.getReady())) {
        unready.add(c.getName());
      }
    }
    for (Container c : spec.getContainers()) {
      ContainerStatus cs = findStatus(all, c.getName());
      if (cs == null) {
        unknown.add(c.getName());
      } else if (!Boolean.TRUE.equals(cs.getReady())) {
        unready.add(c.getName());
      }
    }
    if ((phase.equals("Succeeded") && unknown.isEmpty()) || phase.equals("Failed")) {
      return condition(
          "ContainersReady", "False", phase.equals("Failed") ? "PodFailed" : "PodCompleted", null);
    }
    List<String> messages = new ArrayList<>();
    if (!unknown.isEmpty()) {
      messages.add("containers with unknown status: " + goList(unknown));
    }
    if (!unready.isEmpty()) {
      messages.add("containers with unready status: " + goList(unready));
    }
    if (!messages.isEmpty()) {
      return condition(
          "ContainersReady", "False", "ContainersNotReady", String.join(", ", messages));
    }
    return condition("ContainersReady", "True", null, null);
  }

  private static PodCondition ready(
      PodSpec spec, List<PodCondition> conditions, PodCondition containersReady) {
    if (!"True".equals(containersReady.getStatus())) {
      return condition(
          "Ready",
          containersReady.getStatus(),
          containersReady.getReason(),
          containersReady.getMessage());
    }
    List<String> messages = new ArrayList<>();
    for (PodReadinessGate gate : PodRuntime.nonNull(spec.getReadinessGates())) {
      PodCondition c = findCondition(conditions, gate.getConditionType());
      if (c == null) {
        messages.add(
            "corresponding condition of pod readiness gate \""
                + gate.getConditionType()
                + "\" does not exist.");
      } else if (!"True".equals(c.getStatus())) {
        messages.add(
            "the status of pod readiness gate \""
                + gate.getConditionType()
                + "\" is not \"True\", but "
                + c.getStatus());
      }
    }
    if (!messages.isEmpty()) {
      return condition("Ready", "False", "ReadinessGatesNotReady", String.join(", ", messages));
    }
    return condition("Ready", "True", null, null);
  }

  private static PodCondition initialized(PodSpec spec, List<ContainerStatus> all, String phase) {
    List<String> unknown = new ArrayList<>();
    List<String> incomplete = new ArrayList<>();
    for (Container c : PodRuntime.nonNull(spec.getInitContainers())) {
      ContainerStatus cs = findStatus(all, c.getName());
      if (cs == null) {
        unknown.add(c.getName());
        continue;
      }
      boolean done =
          "Always".equals(c.getRestartPolicy())
              ? Boolean.TRUE.equals(cs.getStarted())
              : Boolean.TRUE.equals(cs.getReady());
      if (!done) {
        incomplete.add(c.getName());
      }
    }
    if (phase.equals("Succeeded") && unknown.isEmpty()) {
      return condition("Initialized", "True", "PodCompleted", null);
    }
    if (anyRegularStarted(spec, all)) {
      return condition("Initialized", "True", null, null);
    }
    List<String> messages = new ArrayList<>();
    if (!unknown.isEmpty()) {
      messages.add("containers with unknown status: " + goList(unknown));
    }
    if (!incomplete.isEmpty()) {
      messages.add("containers with incomplete status: " + goList(incomplete));
    }
    if (!messages.isEmpty()) {
      return condition(
          "Initialized", "False", "ContainersNotInitialized", String.join(", ", messages));
    }
    return condition("Initialized", "True", null, null);
  }

  private static PodCondition condition(String type, String status, String reason, String message) {
    PodCondition c = new PodCondition();
    c.setType(type);
    c.setStatus(status);
    c.setReason(reason);
    c.setMessage(message);
    return c;
  }

  /** A Go {@code []string} as fmt's %s prints it: {@code [a b]}. */
  private static String goList(List<String> names) {
    return "[" + String.join(" ", names) + "]";
  }

  private static PodCondition findCondition(List<PodCondition> conditions, String type) {
    for (PodCondition c : PodRuntime.nonNull(conditions)) {
      if (Objects.equals(c.getType(), type)) {
        return c;
      }
    }
    return null;
  }

  private static ContainerStatus findStatus(List<ContainerStatus> statuses, String name) {
    for (ContainerStatus cs : statuses) {
      if (Objects.equals(cs.getName(), name)) {
        return cs;
      }
    }
    return null;
  }
}
