package io.skiff.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Probe;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * One pod's simulated life on its node: the sandbox and its address, each container's image pull,
 * start, readiness, exit, restart with back-off, and the stop on deletion, as the kubelet runs
 * them. The state is a few numbers per container; times are epoch milliseconds on the simulator's
 * clock.
 *
 * <p>{@link #advance} moves the pod through every step that has fallen due, each at its own due
 * time, and records the kubelet's events on the way; {@link PodStatusBuilder} turns the state into
 * the pod's status. A runtime is used by one thread at a time (the work queue's guarantee).
 */
final class PodRuntime {

  static final long NONE = Long.MIN_VALUE;
  static final long NEVER = Long.MAX_VALUE;

  /** How soon the kubelet notices that a container changed (its PLEG relists every second). */
  static final long NOTICE_MS = 1_000;

  /** The kubelet's image-pull and container-restart back-off: 10s doubling to 5m. */
  static final long BACKOFF_INITIAL_MS = 10_000;

  static final long BACKOFF_MAX_MS = 300_000;

  /** How soon the kubelet retries a sandbox it could not create. */
  static final long SANDBOX_RETRY_MS = 10_000;

  /** Where a container is in its life. */
  enum Stage {
    NOT_STARTED,
    PULLING,
    /** The pull failed: {@code ErrImagePull} until the kubelet next looks. */
    PULL_ERROR,
    /** Waiting out the pull back-off: {@code ImagePullBackOff}. */
    PULL_BACKOFF,
    /** {@code InvalidImageName} or {@code ErrImageNeverPull}: nothing will change it. */
    IMAGE_ERROR,
    /** The image is there; the container starts after the start delay. */
    CREATING,
    RUNNING,
    EXITED,
    /** Waiting out the restart back-off: {@code CrashLoopBackOff}. */
    CRASH_BACKOFF
  }

  /** One container's state. */
  static final class Box {
    final String name;
    final boolean init;
    final boolean sidecar;
    final String fieldPath;

    String image;
    ImageReference ref;
    Stage stage = Stage.NOT_STARTED;
    long due = NONE;
    String waitingReason;
    String waitingMessage;

    long pullStartedAt = NONE;
    long pullBackoff;
    long pullLastUpdate = NONE;
    long pullFailedAt = NONE;

    boolean created;
    long startedAt = NONE;
    long finishedAt = NONE;
    int exitCode;
    int plannedExitCode;
    String terminatedReason;
    String terminatedMessage;
    long startedProbeAt = NEVER;
    long readyAt = NEVER;
    int restartCount;

    boolean hasLast;
    long lastStartedAt = NONE;
    long lastFinishedAt = NONE;
    int lastExitCode;
    String lastReason;
    String lastContainerId;

    long crashBackoff;
    long crashLastUpdate = NONE;

    Box(String name, boolean init, boolean sidecar) {
      this.name = name;
      this.init = init;
      this.sidecar = sidecar;
      this.fieldPath = (init ? "spec.initContainers{" : "spec.containers{") + name + "}";
    }

    boolean running() {
      return stage == Stage.RUNNING;
    }
  }

  final String uid;
  final String namespace;
  final String name;
  final String nodeName;
  final long admittedAt;
  final Box[] init;
  final Box[] regular;
  final boolean jobPod;

  int ip;
  boolean sandbox;
  long sandboxAt = NONE;
  long sandboxRetryAt = NONE;
  int nextInit;
  boolean regularsBegun;
  boolean killing;
  long killAt = NONE;
  boolean forceKill;
  boolean killed;
  boolean terminal;
  private List<String> reported;

  private PodRuntime(Pod pod, long admittedAt) {
    this.uid = pod.getMetadata().getUid();
    this.namespace = pod.getMetadata().getNamespace();
    this.name = pod.getMetadata().getName();
    this.nodeName = pod.getSpec().getNodeName();
    this.admittedAt = admittedAt;
    List<Container> inits = nonNull(pod.getSpec().getInitContainers());
    List<Container> containers = nonNull(pod.getSpec().getContainers());
    this.init = new Box[inits.size()];
    for (int i = 0; i < init.length; i++) {
      Container c = inits.get(i);
      init[i] = new Box(c.getName(), true, "Always".equals(c.getRestartPolicy()));
    }
    this.regular = new Box[containers.size()];
    for (int i = 0; i < regular.length; i++) {
      regular[i] = new Box(containers.get(i).getName(), false, false);
    }
    this.jobPod = ownedByJob(pod);
  }

  /** A pod the node takes on now: nothing has happened to it yet. */
  static PodRuntime admit(Pod pod, long now) {
    return new PodRuntime(pod, now);
  }

  /**
   * A pod the node ran before this simulator started (Skiff restarted): its running containers are
   * taken as they are, not started again. Null when the status does not show a pod that was
   * running, which is then started afresh.
   */
  static PodRuntime recover(Pod pod, Kubelet kubelet, long now) {
    PodStatus s = pod.getStatus();
    if (s == null
        || s.getStartTime() == null
        || s.getPodIP() == null
        || pod.getMetadata().getDeletionTimestamp() != null) {
      return null;
    }
    PodRuntime rt = new PodRuntime(pod, time(s.getStartTime(), now));
    List<ContainerStatus> regularStatuses = nonNull(s.getContainerStatuses());
    List<ContainerStatus> initStatuses = nonNull(s.getInitContainerStatuses());
    SimAnnotations sim = SimAnnotations.of(pod);
    for (Box c : rt.regular) {
      if (!rt.recoverRunning(pod, sim, c, find(regularStatuses, c.name), kubelet, now)) {
        return null;
      }
    }
    for (Box c : rt.init) {
      ContainerStatus cs = find(initStatuses, c.name);
      if (c.sidecar) {
        if (!rt.recoverRunning(pod, sim, c, cs, kubelet, now)) {
          return null;
        }
        continue;
      }
      ContainerStateTerminated t =
          cs == null || cs.getState() == null ? null : cs.getState().getTerminated();
      if (t == null || t.getExitCode() == null || t.getExitCode() != 0) {
        return null;
      }
      c.image = spec(pod, c).getImage();
      try {
        c.ref = ImageReference.parse(c.image);
      } catch (ImageReference.InvalidReferenceException e) {
        return null;
      }
      c.created = true;
      c.stage = Stage.EXITED;
      c.exitCode = 0;
      c.terminatedReason = "Completed";
      c.startedAt = time(t.getStartedAt(), rt.admittedAt);
      c.finishedAt = time(t.getFinishedAt(), c.startedAt);
      c.restartCount = cs.getRestartCount() == null ? 0 : cs.getRestartCount();
    }
    int ip;
    try {
      ip = PodCidrs.parseIp(s.getPodIP());
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (!kubelet.claimIp(ip)) {
      return null;
    }
    for (Box[] boxes : new Box[][] {rt.init, rt.regular}) {
      for (Box c : boxes) {
        kubelet.imagePulled(c.ref.normalized());
      }
    }
    rt.ip = ip;
    rt.sandbox = true;
    rt.sandboxAt = rt.admittedAt;
    rt.nextInit = rt.init.length;
    rt.regularsBegun = true;
    return rt;
  }

  private boolean recoverRunning(
      Pod pod, SimAnnotations sim, Box c, ContainerStatus cs, Kubelet kubelet, long now) {
    if (cs == null || cs.getState() == null || cs.getState().getRunning() == null) {
      return false;
    }
    Container spec = spec(pod, c);
    c.image = spec.getImage();
    try {
      c.ref = ImageReference.parse(c.image);
    } catch (ImageReference.InvalidReferenceException e) {
      return false;
    }
    c.created = true;
    c.stage = Stage.RUNNING;
    c.startedAt = time(cs.getState().getRunning().getStartedAt(), now);
    c.restartCount = cs.getRestartCount() == null ? 0 : cs.getRestartCount();
    ContainerStateTerminated last =
        cs.getLastState() == null ? null : cs.getLastState().getTerminated();
    if (last != null) {
      c.hasLast = true;
      c.lastStartedAt = time(last.getStartedAt(), c.startedAt);
      c.lastFinishedAt = time(last.getFinishedAt(), c.startedAt);
      c.lastExitCode = last.getExitCode() == null ? 0 : last.getExitCode();
      c.lastReason = last.getReason();
      c.lastContainerId = last.getContainerID();
    }
    plan(pod, sim, c, spec, c.startedAt, kubelet);
    if (Boolean.TRUE.equals(cs.getStarted())) {
      c.startedProbeAt = Math.min(c.startedProbeAt, c.startedAt);
    }
    if (Boolean.TRUE.equals(cs.getReady())) {
      c.readyAt = c.startedAt;
    }
    return true;
  }

  private static ContainerStatus find(List<ContainerStatus> statuses, String name) {
    for (ContainerStatus cs : statuses) {
      if (name.equals(cs.getName())) {
        return cs;
      }
    }
    return null;
  }

  private static long time(String rfc3339, long otherwise) {
    if (rfc3339 == null) {
      return otherwise;
    }
    try {
      return Instant.parse(rfc3339).toEpochMilli();
    } catch (DateTimeParseException e) {
      return otherwise;
    }
  }

  /** Whether {@code problem} is reported for the first time (each is reported once). */
  boolean firstReport(String problem) {
    if (reported == null) {
      reported = new ArrayList<>(1);
    }
    if (reported.contains(problem)) {
      return false;
    }
    reported.add(problem);
    return true;
  }

  /** {@code name_namespace(uid)}, as the kubelet names pods in messages. */
  String podRef() {
    return name + "_" + namespace + "(" + uid + ")";
  }

  boolean hasInitContainers() {
    return init.length > 0;
  }

  // ---- driving ----

  /**
   * Takes every step due at or before {@code now}, each at its own time, recording events; then
   * starts whatever may start.
   */
  void advance(Pod pod, long now, Kubelet kubelet) {
    SimAnnotations sim = SimAnnotations.of(pod);
    boolean deleting = pod.getMetadata().getDeletionTimestamp() != null;
    if (!sandbox && !killing && !terminal && !deleting && sandboxRetryAt == NONE) {
      createSandbox(pod, admittedAt, kubelet);
    }
    runUntil(pod, sim, now, kubelet);
    if (!deleting && !killing && !terminal) {
      applyImageChanges(pod, sim, now, kubelet);
      runUntil(pod, sim, now, kubelet);
    }
    if (deleting && !killing && !terminal) {
      beginKill(pod, sim, now, kubelet);
      runUntil(pod, sim, now, kubelet);
    }
  }

  private void runUntil(Pod pod, SimAnnotations sim, long now, Kubelet kubelet) {
    // A bound on the steps of one advance, against a configuration that loops in zero time.
    for (int guard = 0; guard < 100_000; guard++) {
      progress(pod, sim, kubelet);
      long t = nextDue();
      if (t == NONE || t > now) {
        return;
      }
      step(pod, sim, t, kubelet);
    }
  }

  /**
   * A container whose image was changed in the spec ({@code kubectl set image pod/…}) is started
   * again with the new image, as the kubelet does when a container's spec hash changes: a running
   * one is stopped first and counts a restart; one that never ran (stuck pulling) just starts over.
   */
  private void applyImageChanges(Pod pod, SimAnnotations sim, long t, Kubelet kubelet) {
    for (Box c : regular) {
      if (c.image == null || c.image.equals(spec(pod, c).getImage())) {
        continue;
      }
      if (c.created) {
        if (c.running()) {
          kubelet.event(
              pod,
              c.fieldPath,
              "Normal",
              "Killing",
              "Container " + c.name + " definition changed, will be restarted");
          c.finishedAt = t;
          c.exitCode = 0;
          c.terminatedReason = "Completed";
        }
        c.hasLast = true;
        c.lastStartedAt = c.startedAt;
        c.lastFinishedAt = c.finishedAt;
        c.lastExitCode = c.exitCode;
        c.lastReason = c.terminatedReason;
        c.lastContainerId = Ids.containerId(uid, c.name, c.restartCount);
        c.restartCount++;
      }
      c.created = false;
      c.startedAt = NONE;
      c.finishedAt = NONE;
      c.pullBackoff = 0;
      c.pullLastUpdate = NONE;
      c.stage = Stage.NOT_STARTED;
      c.due = NONE;
      begin(pod, sim, c, t, kubelet);
    }
  }

  /** The earliest time something is due, or {@link #NONE}. */
  long nextDue() {
    long next = NONE;
    if (killing) {
      return killed ? NONE : killAt;
    }
    if (sandboxRetryAt != NONE) {
      next = sandboxRetryAt;
    }
    for (Box c : init) {
      next = earliest(next, c.due);
    }
    for (Box c : regular) {
      next = earliest(next, c.due);
    }
    return next;
  }

  /**
   * When the status will next change without a step: a container turning started or ready. The
   * caller wakes the pod then to write the status.
   */
  long nextStatusChange(long now) {
    long next = nextDue();
    if (killing || terminal) {
      return next;
    }
    for (Box[] boxes : new Box[][] {init, regular}) {
      for (Box c : boxes) {
        if (c.running()) {
          if (c.startedProbeAt > now && c.startedProbeAt != NEVER) {
            next = earliest(next, c.startedProbeAt);
          }
          if (c.readyAt > now && c.readyAt != NEVER) {
            next = earliest(next, c.readyAt);
          }
        }
      }
    }
    return next;
  }

  private static long earliest(long a, long b) {
    if (a == NONE) {
      return b;
    }
    if (b == NONE) {
      return a;
    }
    return Math.min(a, b);
  }

  private void step(Pod pod, SimAnnotations sim, long t, Kubelet kubelet) {
    if (killing) {
      finishKill(t);
      return;
    }
    if (sandboxRetryAt == t) {
      sandboxRetryAt = NONE;
      createSandbox(pod, t, kubelet);
      return;
    }
    Box c = dueAt(t);
    c.due = NONE;
    switch (c.stage) {
      case PULLING -> pullDone(pod, sim, c, t, kubelet);
      case PULL_ERROR -> {
        c.stage = Stage.PULL_BACKOFF;
        c.waitingReason = "ImagePullBackOff";
        c.waitingMessage = backOffPullingMessage(c) + ": ErrImagePull: " + c.waitingMessage;
        kubelet.event(pod, c.fieldPath, "Normal", "BackOff", backOffPullingMessage(c));
        kubelet.event(pod, c.fieldPath, "Warning", "Failed", "Error: ImagePullBackOff");
        c.due = c.pullFailedAt + c.pullBackoff;
      }
      case PULL_BACKOFF -> beginPull(pod, c, t, kubelet);
      case CREATING -> run(pod, sim, c, t, kubelet);
      case RUNNING -> exit(pod, c, t, c.plannedExitCode);
      case EXITED -> afterExit(pod, sim, c, t, kubelet);
      case CRASH_BACKOFF -> restart(pod, sim, c, t, kubelet);
      default -> throw new IllegalStateException(c.stage + " has nothing due");
    }
  }

  private Box dueAt(long t) {
    for (Box c : init) {
      if (c.due == t) {
        return c;
      }
    }
    for (Box c : regular) {
      if (c.due == t) {
        return c;
      }
    }
    throw new IllegalStateException("nothing due at " + t);
  }

  /** Starts the next init container, or every regular container once the init ones are done. */
  private void progress(Pod pod, SimAnnotations sim, Kubelet kubelet) {
    if (!sandbox || killing || terminal) {
      return;
    }
    while (nextInit < init.length) {
      Box c = init[nextInit];
      if (c.stage == Stage.NOT_STARTED) {
        begin(pod, sim, c, previousInitDone(), kubelet);
      }
      boolean done = c.sidecar ? c.created : c.stage == Stage.EXITED && c.exitCode == 0;
      if (!done) {
        return;
      }
      nextInit++;
    }
    if (!regularsBegun) {
      regularsBegun = true;
      long t = previousInitDone();
      for (Box c : regular) {
        begin(pod, sim, c, t, kubelet);
      }
    }
  }

  /** When the init container before {@link #nextInit} let the next one go; the sandbox if none. */
  private long previousInitDone() {
    if (nextInit == 0) {
      return sandboxAt;
    }
    Box last = init[nextInit - 1];
    return last.sidecar ? last.startedAt : last.finishedAt;
  }

  // ---- sandbox ----

  private void createSandbox(Pod pod, long t, Kubelet kubelet) {
    int address = kubelet.allocateIp();
    if (address == -1) {
      kubelet.event(
          pod,
          null,
          "Warning",
          "FailedCreatePodSandBox",
          "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network"
              + " for sandbox: plugin type=\"host-local\" failed (add): failed to allocate for range"
              + " 0: "
              + kubelet.ipUnavailableMessage());
      sandboxRetryAt = t + SANDBOX_RETRY_MS;
      return;
    }
    ip = address;
    sandbox = true;
    sandboxAt = t;
  }

  /** Gives the pod's address back: its sandbox is gone. */
  void releaseSandbox(Kubelet kubelet) {
    if (ip != 0) {
      kubelet.releaseIp(ip);
    }
    sandbox = false;
  }

  // ---- one container ----

  private static Container spec(Pod pod, Box c) {
    List<Container> list =
        c.init
            ? nonNull(pod.getSpec().getInitContainers())
            : nonNull(pod.getSpec().getContainers());
    for (Container s : list) {
      if (c.name.equals(s.getName())) {
        return s;
      }
    }
    throw new IllegalStateException("container " + c.name + " is not in the pod's spec");
  }

  /** The kubelet's startContainer: make sure of the image, then create and start. */
  private void begin(Pod pod, SimAnnotations sim, Box c, long t, Kubelet kubelet) {
    Container spec = spec(pod, c);
    c.image = spec.getImage();
    try {
      c.ref = ImageReference.parse(c.image);
    } catch (ImageReference.InvalidReferenceException e) {
      String msg =
          "Failed to apply default image tag \""
              + c.image
              + "\": couldn't parse image reference \""
              + c.image
              + "\": "
              + e.getMessage();
      kubelet.event(pod, c.fieldPath, "Warning", "InspectFailed", msg);
      kubelet.event(pod, c.fieldPath, "Warning", "Failed", "Error: InvalidImageName");
      imageError(c, "InvalidImageName", msg);
      return;
    }
    String policy = spec.getImagePullPolicy();
    if (policy == null || policy.isEmpty()) {
      policy = "latest".equals(c.ref.tag()) && c.ref.digest() == null ? "Always" : "IfNotPresent";
    }
    boolean present = kubelet.hasImage(c.ref.normalized());
    if (present && !policy.equals("Always")) {
      kubelet.event(
          pod,
          c.fieldPath,
          "Normal",
          "Pulled",
          "Container image \"" + c.image + "\" already present on machine");
      create(pod, sim, c, t, kubelet);
      return;
    }
    if (policy.equals("Never")) {
      String msg = "Container image \"" + c.image + "\" is not present with pull policy of Never";
      kubelet.event(pod, c.fieldPath, "Warning", "ErrImageNeverPull", msg);
      kubelet.event(pod, c.fieldPath, "Warning", "Failed", "Error: ErrImageNeverPull");
      imageError(c, "ErrImageNeverPull", msg);
      return;
    }
    beginPull(pod, c, t, kubelet);
  }

  private static void imageError(Box c, String reason, String message) {
    c.stage = Stage.IMAGE_ERROR;
    c.waitingReason = reason;
    c.waitingMessage = message;
    c.due = NONE;
  }

  private void beginPull(Pod pod, Box c, long t, Kubelet kubelet) {
    kubelet.event(pod, c.fieldPath, "Normal", "Pulling", "Pulling image \"" + c.image + "\"");
    c.stage = Stage.PULLING;
    c.waitingReason = null;
    c.waitingMessage = null;
    c.pullStartedAt = t;
    c.due = t + kubelet.options().imagePullTime().toMillis();
  }

  private void pullDone(Pod pod, SimAnnotations sim, Box c, long t, Kubelet kubelet) {
    if (kubelet.catalog().lookup(c.ref) == ImageCatalog.Availability.MISSING_TAG) {
      String norm = c.ref.normalized();
      String err =
          "rpc error: code = NotFound desc = failed to pull and unpack image \""
              + norm
              + "\": failed to resolve reference \""
              + norm
              + "\": "
              + norm
              + ": not found";
      kubelet.event(
          pod,
          c.fieldPath,
          "Warning",
          "Failed",
          "Failed to pull image \"" + c.image + "\": " + err);
      kubelet.event(pod, c.fieldPath, "Warning", "Failed", "Error: ErrImagePull");
      // client-go's flowcontrol.Backoff.Next: an entry idle for twice the maximum starts over.
      c.pullBackoff =
          c.pullLastUpdate == NONE || t - c.pullLastUpdate > 2 * BACKOFF_MAX_MS
              ? BACKOFF_INITIAL_MS
              : Math.min(c.pullBackoff * 2, BACKOFF_MAX_MS);
      c.pullLastUpdate = t;
      c.pullFailedAt = t;
      c.stage = Stage.PULL_ERROR;
      c.waitingReason = "ErrImagePull";
      c.waitingMessage = err;
      c.due = t + NOTICE_MS;
      return;
    }
    kubelet.imagePulled(c.ref.normalized());
    String took = GoDuration.format(Duration.ofMillis(t - c.pullStartedAt));
    kubelet.event(
        pod,
        c.fieldPath,
        "Normal",
        "Pulled",
        "Successfully pulled image \""
            + c.image
            + "\" in "
            + took
            + " ("
            + took
            + " including waiting). Image size: "
            + Ids.imageSize(c.ref)
            + " bytes.");
    create(pod, sim, c, t, kubelet);
  }

  private String backOffPullingMessage(Box c) {
    return "Back-off pulling image \"" + c.image + "\"";
  }

  private void create(Pod pod, SimAnnotations sim, Box c, long t, Kubelet kubelet) {
    Duration delay =
        sim.startDelay() != null ? sim.startDelay() : kubelet.options().podStartDelay();
    c.waitingReason = null;
    c.waitingMessage = null;
    if (delay.isPositive()) {
      c.stage = Stage.CREATING;
      c.due = t + delay.toMillis();
      return;
    }
    run(pod, sim, c, t, kubelet);
  }

  private void run(Pod pod, SimAnnotations sim, Box c, long t, Kubelet kubelet) {
    kubelet.event(pod, c.fieldPath, "Normal", "Created", "Created container: " + c.name);
    kubelet.event(pod, c.fieldPath, "Normal", "Started", "Started container " + c.name);
    c.created = true;
    c.stage = Stage.RUNNING;
    c.startedAt = t;
    c.finishedAt = NONE;
    c.terminatedReason = null;
    c.terminatedMessage = null;
    plan(pod, sim, c, spec(pod, c), t, kubelet);
  }

  /**
   * Plans a container started at {@code t}: when its startup probe passes, when it turns ready, and
   * when (and how) it exits, if it does.
   */
  private void plan(Pod pod, SimAnnotations sim, Box c, Container spec, long t, Kubelet kubelet) {
    c.startedProbeAt = t + initialDelayMillis(spec.getStartupProbe());
    if (c.init && !c.sidecar) {
      c.readyAt = NEVER;
    } else {
      c.readyAt = sim.neverReady() ? NEVER : readyAt(spec, sim, c.startedProbeAt, t);
    }
    c.due = NONE;
    if (c.init && !c.sidecar) {
      c.plannedExitCode = 0;
      c.due = t + kubelet.options().initContainerRunTime().toMillis();
    } else if (!c.init) {
      if (sim.crashAfter() != null) {
        c.plannedExitCode = sim.exitCode() == null ? 1 : sim.exitCode();
        c.due = t + sim.crashAfter().toMillis();
      } else if (sim.runTime() != null || jobPod) {
        Duration run = sim.runTime() != null ? sim.runTime() : kubelet.options().jobRunTime();
        c.plannedExitCode = sim.exitCode() == null ? 0 : sim.exitCode();
        c.due = t + run.toMillis();
      }
    }
  }

  private static long readyAt(Container spec, SimAnnotations sim, long started, long t) {
    long delay = initialDelayMillis(spec.getReadinessProbe());
    if (sim.readyDelay() != null) {
      delay = Math.max(delay, sim.readyDelay().toMillis());
    }
    return Math.max(started, t + delay);
  }

  private static long initialDelayMillis(Probe probe) {
    if (probe == null || probe.getInitialDelaySeconds() == null) {
      return 0;
    }
    return Math.max(0, probe.getInitialDelaySeconds()) * 1000L;
  }

  private void exit(Pod pod, Box c, long t, int code) {
    c.stage = Stage.EXITED;
    c.finishedAt = t;
    c.exitCode = code;
    c.terminatedReason = code == 0 ? "Completed" : "Error";
    c.terminatedMessage = null;
    c.due = NONE;
    if (restarts(pod, c, code)) {
      c.due = t + NOTICE_MS;
    }
  }

  private static boolean restarts(Pod pod, Box c, int code) {
    String policy = pod.getSpec().getRestartPolicy();
    if (c.sidecar) {
      return true;
    }
    if (c.init) {
      return code != 0 && !"Never".equals(policy);
    }
    return switch (policy == null ? "Always" : policy) {
      case "Never" -> false;
      case "OnFailure" -> code != 0;
      default -> true;
    };
  }

  /** The kubelet's doBackOff: restart now, or wait out the back-off in CrashLoopBackOff. */
  private void afterExit(Pod pod, SimAnnotations sim, Box c, long t, Kubelet kubelet) {
    boolean inBackOff =
        c.crashLastUpdate != NONE
            && t - c.crashLastUpdate <= 2 * BACKOFF_MAX_MS
            && t - c.finishedAt < c.crashBackoff;
    if (!inBackOff) {
      restart(pod, sim, c, t, kubelet);
      return;
    }
    c.stage = Stage.CRASH_BACKOFF;
    c.waitingReason = "CrashLoopBackOff";
    c.waitingMessage =
        "back-off "
            + GoDuration.format(Duration.ofMillis(c.crashBackoff))
            + " restarting failed container="
            + c.name
            + " pod="
            + podRef();
    kubelet.event(
        pod,
        c.fieldPath,
        "Warning",
        "BackOff",
        "Back-off restarting failed container " + c.name + " in pod " + podRef());
    c.due = c.finishedAt + c.crashBackoff;
  }

  private void restart(Pod pod, SimAnnotations sim, Box c, long t, Kubelet kubelet) {
    c.crashBackoff =
        c.crashLastUpdate == NONE || c.finishedAt - c.crashLastUpdate > 2 * BACKOFF_MAX_MS
            ? BACKOFF_INITIAL_MS
            : Math.min(c.crashBackoff * 2, BACKOFF_MAX_MS);
    c.crashLastUpdate = t;
    c.hasLast = true;
    c.lastStartedAt = c.startedAt;
    c.lastFinishedAt = c.finishedAt;
    c.lastExitCode = c.exitCode;
    c.lastReason = c.terminatedReason;
    c.lastContainerId = Ids.containerId(uid, c.name, c.restartCount);
    c.restartCount++;
    c.startedAt = NONE;
    c.finishedAt = NONE;
    c.waitingReason = null;
    c.waitingMessage = null;
    c.stage = Stage.NOT_STARTED;
    begin(pod, sim, c, t, kubelet);
  }

  // ---- deletion ----

  private void beginKill(Pod pod, SimAnnotations sim, long t, Kubelet kubelet) {
    if (killing) {
      return;
    }
    killing = true;
    Long grace = pod.getMetadata().getDeletionGracePeriodSeconds();
    if (grace == null) {
      grace = pod.getSpec().getTerminationGracePeriodSeconds();
    }
    long graceMs = (grace == null ? 30 : Math.max(0, grace)) * 1000L;
    long shutdownMs =
        (sim.shutdownTime() != null ? sim.shutdownTime() : kubelet.options().shutdownTime())
            .toMillis();
    // The kubelet stops the regular containers, then the sidecars.
    for (Box c : regular) {
      if (c.running()) {
        kubelet.event(pod, c.fieldPath, "Normal", "Killing", "Stopping container " + c.name);
      }
    }
    for (Box c : init) {
      if (c.running()) {
        kubelet.event(pod, c.fieldPath, "Normal", "Killing", "Stopping container " + c.name);
      }
    }
    for (Box c : init) {
      c.due = NONE;
    }
    for (Box c : regular) {
      c.due = NONE;
    }
    sandboxRetryAt = NONE;
    boolean anyRunning = false;
    for (Box[] boxes : new Box[][] {init, regular}) {
      for (Box c : boxes) {
        anyRunning |= c.running();
      }
    }
    forceKill = shutdownMs > graceMs;
    killAt = anyRunning ? t + Math.min(shutdownMs, graceMs) : t;
  }

  private void finishKill(long t) {
    for (Box[] boxes : new Box[][] {init, regular}) {
      for (Box c : boxes) {
        if (c.running()) {
          c.stage = Stage.EXITED;
          c.finishedAt = t;
          c.exitCode = forceKill ? 137 : 0;
          c.terminatedReason = forceKill ? "Error" : "Completed";
        } else if (c.stage != Stage.EXITED) {
          // What kubelet reports for a container that never ran when its pod ends.
          c.stage = Stage.EXITED;
          c.exitCode = 137;
          c.startedAt = NONE;
          c.finishedAt = NONE;
          c.created = false;
          c.terminatedReason = "ContainerStatusUnknown";
          c.terminatedMessage = "The container could not be located when the pod was terminated";
        }
        c.due = NONE;
      }
    }
    killed = true;
  }

  // ---- helpers ----

  private static boolean ownedByJob(Pod pod) {
    List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
    if (owners == null) {
      return false;
    }
    for (OwnerReference o : owners) {
      if ("Job".equals(o.getKind())
          && o.getApiVersion() != null
          && o.getApiVersion().startsWith("batch/")
          && Boolean.TRUE.equals(o.getController())) {
        return true;
      }
    }
    return false;
  }

  static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
