package io.skiff.api.table;

import static io.skiff.api.table.Cells.isTrue;
import static io.skiff.api.table.Cells.list;
import static io.skiff.api.table.Cells.num;
import static io.skiff.api.table.Cells.or;
import static io.skiff.api.table.Cells.orNone;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Upstream's {@code printPod}: READY, the STATUS reason, RESTARTS and the wide columns. */
final class PodPrinter {

  static final TablePrinter<Pod> PRINTER =
      TablePrinter.of(
          List.of(
              Column.forName(),
              Column.of(
                  "Ready",
                  "string",
                  "The aggregate readiness state of this pod for accepting traffic."),
              Column.of("Status", "string", "The aggregate status of the containers in this pod."),
              Column.of(
                  "Restarts",
                  "string",
                  "The number of times the containers in this pod have been restarted and when the"
                      + " last container in this pod has restarted."),
              Column.age(),
              Column.wide(
                  "IP",
                  "string",
                  "podIP address allocated to the pod. Routable at least within the cluster. Empty"
                      + " if not yet allocated."),
              Column.wide(
                  "Node",
                  "string",
                  "NodeName indicates in which node this pod is scheduled. If empty, this pod is a"
                      + " candidate for scheduling by the scheduler defined in schedulerName. Once"
                      + " this field is set, the kubelet for this node becomes responsible for the"
                      + " lifecycle of this pod. This field should not be used to express a desire"
                      + " for the pod to be scheduled on a specific node."
                      + " https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename"),
              Column.wide(
                  "Nominated Node",
                  "string",
                  "nominatedNodeName is set only when this pod preempts other pods on the node, but"
                      + " it cannot be scheduled right away as preemption victims receive their"
                      + " graceful termination periods. This field does not guarantee that the pod"
                      + " will be scheduled on this node. Scheduler may decide to place the pod"
                      + " elsewhere if other nodes become available sooner. Scheduler may also"
                      + " decide to give the resources on this node to a higher priority pod that is"
                      + " created after preemption. As a result, this field may be different than"
                      + " PodSpec.nodeName when the pod is scheduled."),
              Column.wide(
                  "Readiness Gates",
                  "string",
                  "If specified, all readiness gates will be evaluated for pod readiness. A pod is"
                      + " ready when all its containers are ready AND all conditions specified in"
                      + " the readiness gates have status equal to \"True\" More info:"
                      + " https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates")),
          PodPrinter::print);

  private static final Row.Condition SUCCEEDED =
      new Row.Condition("Completed", "True", "Succeeded", "The pod has completed successfully.");
  private static final Row.Condition FAILED =
      new Row.Condition("Completed", "True", "Failed", "The pod failed.");

  private PodPrinter() {}

  private static Row print(Pod pod, Instant now) {
    PodSpec spec = or(pod.getSpec(), PodSpec::new);
    PodStatus status = or(pod.getStatus(), PodStatus::new);
    String phase = Cells.str(status.getPhase());
    String reason = isEmpty(status.getReason()) ? phase : status.getReason();
    for (PodCondition c : list(status.getConditions())) {
      if ("PodScheduled".equals(c.getType()) && "SchedulingGated".equals(c.getReason())) {
        reason = "SchedulingGated";
      }
    }

    int total = list(spec.getContainers()).size();
    int ready = 0;
    Map<String, Container> initContainers = new HashMap<>();
    for (Container c : list(spec.getInitContainers())) {
      initContainers.put(c.getName(), c);
      if (isSidecar(c)) {
        total++;
      }
    }

    // Restarts of sidecars (restartable init containers) count once initialization is over;
    // those of ordinary init containers only while the pod is still initializing.
    long restarts = 0;
    long sidecarRestarts = 0;
    Instant lastRestart = null;
    Instant lastSidecarRestart = null;
    boolean initializing = false;
    List<ContainerStatus> initStatuses = list(status.getInitContainerStatuses());
    for (int i = 0; i < initStatuses.size(); i++) {
      ContainerStatus cs = initStatuses.get(i);
      boolean sidecar = isSidecar(initContainers.get(cs.getName()));
      restarts += num(cs.getRestartCount());
      lastRestart = later(lastRestart, lastTermination(cs));
      if (sidecar) {
        sidecarRestarts += num(cs.getRestartCount());
        lastSidecarRestart = later(lastSidecarRestart, lastTermination(cs));
      }
      ContainerStateTerminated terminated = terminated(cs);
      ContainerStateWaiting waiting = waiting(cs);
      if (terminated != null && num(terminated.getExitCode()) == 0) {
        continue;
      }
      if (sidecar && isTrue(cs.getStarted())) {
        if (isTrue(cs.getReady())) {
          ready++;
        }
        continue;
      }
      if (terminated != null) {
        reason = "Init:" + terminationReason(terminated);
      } else if (waiting != null
          && !isEmpty(waiting.getReason())
          && !"PodInitializing".equals(waiting.getReason())) {
        reason = "Init:" + waiting.getReason();
      } else {
        reason = "Init:" + i + "/" + list(spec.getInitContainers()).size();
      }
      initializing = true;
      break;
    }

    if (!initializing || hasCondition(status, "Initialized")) {
      restarts = sidecarRestarts;
      lastRestart = lastSidecarRestart;
      boolean hasRunning = false;
      List<ContainerStatus> statuses = list(status.getContainerStatuses());
      // The first container's state wins, as upstream walks them backwards.
      for (int i = statuses.size() - 1; i >= 0; i--) {
        ContainerStatus cs = statuses.get(i);
        restarts += num(cs.getRestartCount());
        lastRestart = later(lastRestart, lastTermination(cs));
        ContainerStateTerminated terminated = terminated(cs);
        ContainerStateWaiting waiting = waiting(cs);
        if (waiting != null && !isEmpty(waiting.getReason())) {
          reason = waiting.getReason();
        } else if (terminated != null) {
          reason = terminationReason(terminated);
        } else if (isTrue(cs.getReady())
            && cs.getState() != null
            && cs.getState().getRunning() != null) {
          hasRunning = true;
          ready++;
        }
      }
      if ("Completed".equals(reason) && hasRunning) {
        reason = isReady(status) ? "Running" : "NotReady";
      }
    }

    boolean deleting = !isEmpty(Cells.meta(pod).getDeletionTimestamp());
    if (deleting && "NodeLost".equals(status.getReason())) {
      reason = "Unknown";
    } else if (deleting && !"Succeeded".equals(phase) && !"Failed".equals(phase)) {
      reason = "Terminating";
    }

    String restartsCell =
        restarts != 0 && lastRestart != null
            ? restarts + " (" + Cells.since(lastRestart, now) + " ago)"
            : Long.toString(restarts);
    List<Object> cells =
        List.of(
            Cells.name(pod),
            ready + "/" + total,
            reason,
            restartsCell,
            Cells.age(pod, now),
            orNone(podIP(status)),
            orNone(spec.getNodeName()),
            orNone(status.getNominatedNodeName()),
            readinessGates(spec, status));
    List<Row.Condition> conditions =
        switch (phase) {
          case "Succeeded" -> List.of(SUCCEEDED);
          case "Failed" -> List.of(FAILED);
          default -> List.of();
        };
    return new Row(cells, conditions);
  }

  private static boolean isSidecar(Container c) {
    return c != null && "Always".equals(c.getRestartPolicy());
  }

  private static String terminationReason(ContainerStateTerminated t) {
    if (!isEmpty(t.getReason())) {
      return t.getReason();
    }
    return num(t.getSignal()) != 0 ? "Signal:" + t.getSignal() : "ExitCode:" + num(t.getExitCode());
  }

  private static ContainerStateTerminated terminated(ContainerStatus cs) {
    ContainerState s = cs.getState();
    return s == null ? null : s.getTerminated();
  }

  private static ContainerStateWaiting waiting(ContainerStatus cs) {
    ContainerState s = cs.getState();
    return s == null ? null : s.getWaiting();
  }

  private static Instant lastTermination(ContainerStatus cs) {
    ContainerState last = cs.getLastState();
    return last == null || last.getTerminated() == null
        ? null
        : Cells.time(last.getTerminated().getFinishedAt());
  }

  private static Instant later(Instant a, Instant b) {
    return a == null || (b != null && b.isAfter(a)) ? b : a;
  }

  // The first condition of the type decides, as upstream looks no further.
  private static boolean hasCondition(PodStatus status, String type) {
    for (PodCondition c : list(status.getConditions())) {
      if (type.equals(c.getType())) {
        return "True".equals(c.getStatus());
      }
    }
    return false;
  }

  private static boolean isReady(PodStatus status) {
    return list(status.getConditions()).stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  // The v1 to internal conversion fills podIPs from a lone podIP.
  private static String podIP(PodStatus status) {
    List<PodIP> ips = list(status.getPodIPs());
    return ips.isEmpty() ? status.getPodIP() : ips.get(0).getIp();
  }

  private static String readinessGates(PodSpec spec, PodStatus status) {
    List<PodReadinessGate> gates = list(spec.getReadinessGates());
    if (gates.isEmpty()) {
      return Cells.NONE;
    }
    int trueConditions = 0;
    for (PodReadinessGate gate : gates) {
      for (PodCondition c : list(status.getConditions())) {
        if (c.getType() != null && c.getType().equals(gate.getConditionType())) {
          if ("True".equals(c.getStatus())) {
            trueConditions++;
          }
          break;
        }
      }
    }
    return trueConditions + "/" + gates.size();
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }
}
