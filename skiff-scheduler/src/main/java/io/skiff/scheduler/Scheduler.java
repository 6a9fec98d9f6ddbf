package io.skiff.scheduler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.skiff.api.errors.StatusError;
import io.skiff.api.patch.PatchType;
import io.skiff.client.KubeClient;
import io.skiff.client.Resources;
import io.skiff.client.events.EventRecorder;
import io.skiff.client.informer.ResourceEventHandler;
import io.skiff.client.informer.SharedInformer;
import io.skiff.client.informer.SharedInformerFactory;
import io.skiff.clock.Clock;
import io.skiff.scheduler.framework.ClusterEvent;
import io.skiff.scheduler.framework.Framework;
import io.skiff.scheduler.framework.PodInfo;
import io.skiff.scheduler.framework.ScheduleResult;
import io.skiff.scheduler.plugins.DefaultProfile;
import io.skiff.scheduler.plugins.NodeAffinity;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Binds pending pods to nodes, as kube-scheduler: informers feed a cache of the nodes and of the
 * pods on them and a queue of the pending pods; one loop takes the pods one at a time, runs the
 * filters and scores of {@link DefaultProfile}, assumes the pod on the chosen node and posts its
 * {@code binding} in the background. A pod that fits nowhere gets a {@code FailedScheduling} event
 * and a {@code PodScheduled=False} condition with upstream's message, and waits until a change to
 * the cluster may let it fit.
 *
 * <pre>{@code
 * try (Scheduler scheduler = Scheduler.start(client, clock, SchedulerOptions.defaults())) {
 *   ...
 * }
 * }</pre>
 */
public final class Scheduler implements AutoCloseable {

  private static final System.Logger log = System.getLogger(Scheduler.class.getName());

  public static final String DEFAULT_SCHEDULER_NAME = "default-scheduler";

  /** Upstream truncates event messages to the length an Event's note may have. */
  static final int NOTE_LENGTH_LIMIT = 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Clock clock;
  private final Framework framework;
  private final SchedulerCache cache = new SchedulerCache();
  private final SchedulingQueue queue;
  private final EventRecorder recorder;
  private final PodWriter writer;
  private final Executor executor;
  private final Semaphore bindSlots;
  private final String schedulerName;
  private final AtomicLong bound = new AtomicLong();

  private SharedInformerFactory informers;
  private boolean ownInformers;
  private Thread loop;
  private volatile boolean closed;

  Scheduler(
      Clock clock,
      Framework framework,
      EventRecorder recorder,
      PodWriter writer,
      Executor executor,
      int bindConcurrency,
      String schedulerName) {
    this.clock = clock;
    this.framework = framework;
    this.queue = new SchedulingQueue(clock, framework.filters());
    this.recorder = recorder;
    this.writer = writer;
    this.executor = executor;
    this.bindSlots = new Semaphore(bindConcurrency);
    this.schedulerName = schedulerName;
  }

  /**
   * Starts a scheduler: its informers (or the shared ones of {@code options}, which it starts too),
   * and its loop, which begins once the node and pod caches are synced.
   */
  public static Scheduler start(KubeClient client, Clock clock, SchedulerOptions options) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(clock, "clock");
    SharedInformerFactory informers =
        options.informers() != null
            ? options.informers()
            : new SharedInformerFactory(client, clock, Duration.ZERO);
    EventRecorder recorder =
        options.eventRecorder() != null
            ? options.eventRecorder()
            : EventRecorder.create(client, options.schedulerName(), null, clock);
    SharedInformer<Pod> podInformer = informers.informerFor(Pod.class);
    SharedInformer<Node> nodeInformer = informers.informerFor(Node.class);
    Scheduler s =
        new Scheduler(
            clock,
            DefaultProfile.create(
                options.random() != null ? options.random() : new Random(),
                options.percentageOfNodesToScore()),
            recorder,
            new ClientPodWriter(client.resources(Pod.class), podInformer),
            Executors.newVirtualThreadPerTaskExecutor(),
            options.bindConcurrency(),
            options.schedulerName());
    s.informers = informers;
    s.ownInformers = options.informers() == null;
    nodeInformer.addEventHandler(s.nodeHandler());
    podInformer.addEventHandler(s.podHandler());
    informers.start();
    s.loop = Thread.ofPlatform().name("skiff-scheduler").daemon().start(s::run);
    return s;
  }

  private void run() {
    try {
      // Scheduling before every node is known would report pods unschedulable for nothing.
      while (!closed && !informers.waitForCacheSync(Duration.ofMinutes(1))) {
        log.log(System.Logger.Level.WARNING, "scheduler: informers not synced yet");
      }
      while (scheduleOne(true)) {
        // One pod per turn, until closed.
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** How many pods this scheduler has bound. */
  public long boundCount() {
    return bound.get();
  }

  // ---- one scheduling cycle ----

  /**
   * Schedules the next pod of the queue.
   *
   * @param wait whether to wait for a pod when none is ready
   * @return false once closed, or when {@code wait} is false and no pod was ready
   */
  boolean scheduleOne(boolean wait) throws InterruptedException {
    Optional<SchedulingQueue.Entry> next = queue.pop(wait);
    if (next.isEmpty()) {
      return false;
    }
    SchedulingQueue.Entry entry = next.get();
    PodInfo pod = entry.pod();
    if (pod.isTerminating()) {
      recorder.event(
          pod.pod(), "Warning", "FailedScheduling", "skip schedule deleting pod: " + pod);
      queue.done(entry);
      return true;
    }
    if (cache.isAssumed(pod.key())) {
      queue.done(entry);
      return true;
    }
    ScheduleResult result =
        cache.scheduleAndAssume(framework, pod, NodeAffinity.nodeNames(pod.pod()));
    switch (result) {
      case ScheduleResult.Scheduled s -> {
        queue.done(entry);
        startBinding(entry, pod, s.nodeName());
      }
      case ScheduleResult.Unschedulable u -> {
        if (queue.requeueUnschedulable(entry, u.rejectingPlugins())) {
          recordFailure(entry.pod(), u.message(), "Unschedulable");
        }
      }
    }
    return true;
  }

  private void startBinding(SchedulingQueue.Entry entry, PodInfo pod, String node)
      throws InterruptedException {
    try {
      bindSlots.acquire();
    } catch (InterruptedException e) {
      cache.forget(pod.key());
      throw e;
    }
    try {
      executor.execute(() -> bind(entry, pod, node));
    } catch (RejectedExecutionException e) {
      // Closing: the pod stays pending for whoever schedules next.
      bindSlots.release();
      cache.forget(pod.key());
    }
  }

  private void bind(SchedulingQueue.Entry entry, PodInfo pod, String node) {
    try {
      writer.bind(pod.pod(), node);
      bound.incrementAndGet();
      recorder.event(
          pod.pod(), "Normal", "Scheduled", "Successfully assigned " + pod + " to " + node);
    } catch (RuntimeException e) {
      bindFailed(entry, pod, e);
    } finally {
      bindSlots.release();
    }
  }

  private void bindFailed(SchedulingQueue.Entry entry, PodInfo pod, RuntimeException e) {
    log.log(System.Logger.Level.DEBUG, () -> "binding " + pod + " failed: " + e.getMessage());
    if (cache.forget(pod.key())) {
      // What the pod was assumed to take is free again.
      queue.moveAll(new ClusterEvent.AssignedPodDeleted(pod.pod()));
    }
    Optional<Pod> current = writer.current(pod.pod());
    if (closed || current.isEmpty() || !PodInfo.of(current.get()).nodeName().isEmpty()) {
      // Deleted, or bound by someone else: nothing left to schedule.
      return;
    }
    PodInfo latest = PodInfo.of(current.get());
    queue.requeueAfterError(entry, latest);
    String message = e instanceof StatusError se ? se.getMessage() : String.valueOf(e);
    recordFailure(latest, message, "SchedulerError");
  }

  /** The event and the {@code PodScheduled=False} condition of a failed attempt. */
  private void recordFailure(PodInfo pod, String message, String reason) {
    recorder.event(pod.pod(), "Warning", "FailedScheduling", truncate(message));
    try {
      executor.execute(() -> updateCondition(pod.pod(), reason, message));
    } catch (RejectedExecutionException e) {
      // Closing; the next scheduler writes the condition again.
    }
  }

  static String truncate(String message) {
    if (message.length() <= NOTE_LENGTH_LIMIT) {
      return message;
    }
    String suffix = " ...";
    return message.substring(0, NOTE_LENGTH_LIMIT - suffix.length()) + suffix;
  }

  /**
   * Patches {@code PodScheduled=False} onto the pod unless it already says the same, keeping the
   * transition time when only the message changes, as upstream's {@code UpdatePodCondition}.
   */
  private void updateCondition(Pod pod, String reason, String message) {
    PodCondition existing = null;
    if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
      for (PodCondition c : pod.getStatus().getConditions()) {
        if ("PodScheduled".equals(c.getType())) {
          existing = c;
        }
      }
    }
    boolean wasFalse = existing != null && "False".equals(existing.getStatus());
    if (wasFalse && reason.equals(existing.getReason()) && message.equals(existing.getMessage())) {
      return;
    }
    String transition =
        wasFalse && existing.getLastTransitionTime() != null
            ? existing.getLastTransitionTime()
            : DateTimeFormatter.ISO_INSTANT.format(clock.now().truncatedTo(ChronoUnit.SECONDS));
    ObjectNode patch = JSON.createObjectNode();
    ObjectNode condition = patch.putObject("status").putArray("conditions").addObject();
    condition.put("type", "PodScheduled");
    condition.put("status", "False");
    condition.putNull("lastProbeTime");
    condition.put("lastTransitionTime", transition);
    condition.put("reason", reason);
    condition.put("message", message);
    try {
      writer.patchStatus(pod, patch.toString());
    } catch (RuntimeException e) {
      log.log(
          System.Logger.Level.DEBUG,
          () -> "updating the PodScheduled condition of " + pod.getMetadata().getName() + ": " + e);
    }
  }

  // ---- informer handlers ----

  ResourceEventHandler<Node> nodeHandler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Node node) {
        cache.addOrUpdateNode(node);
        queue.moveAll(new ClusterEvent.NodeAdded(node));
      }

      @Override
      public void onUpdate(Node oldNode, Node newNode) {
        cache.addOrUpdateNode(newNode);
        if (schedulingPropertiesChanged(oldNode, newNode)) {
          queue.moveAll(new ClusterEvent.NodeUpdated(oldNode, newNode));
        }
      }

      @Override
      public void onDelete(Node node) {
        cache.removeNode(node.getMetadata().getName());
      }
    };
  }

  /**
   * Whether a node update may change a filter's verdict; heartbeats (conditions, times) do not, and
   * skipping them keeps unschedulable pods from being retried every few seconds.
   */
  static boolean schedulingPropertiesChanged(Node a, Node b) {
    return !Objects.equals(a.getMetadata().getLabels(), b.getMetadata().getLabels())
        || !Objects.equals(
            a.getSpec() == null ? null : a.getSpec().getTaints(),
            b.getSpec() == null ? null : b.getSpec().getTaints())
        || !Objects.equals(
            a.getSpec() == null ? null : a.getSpec().getUnschedulable(),
            b.getSpec() == null ? null : b.getSpec().getUnschedulable())
        || !Objects.equals(
            a.getStatus() == null ? null : a.getStatus().getAllocatable(),
            b.getStatus() == null ? null : b.getStatus().getAllocatable());
  }

  ResourceEventHandler<Pod> podHandler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        if (isTerminal(pod)) {
          return;
        }
        PodInfo info = PodInfo.of(pod);
        if (!info.nodeName().isEmpty()) {
          cache.addOrUpdatePod(info);
        } else if (isResponsibleFor(pod)) {
          queue.addOrUpdate(info);
        }
      }

      @Override
      public void onUpdate(Pod oldPod, Pod newPod) {
        if (isTerminal(newPod)) {
          onDelete(newPod);
          return;
        }
        PodInfo info = PodInfo.of(newPod);
        if (!info.nodeName().isEmpty()) {
          queue.delete(info.key());
          cache.addOrUpdatePod(info);
        } else if (!isResponsibleFor(newPod)) {
          queue.delete(info.key());
        } else if (!cache.isAssumed(info.key())) {
          queue.addOrUpdate(info);
        }
      }

      @Override
      public void onDelete(Pod pod) {
        String key = PodInfo.key(pod);
        queue.delete(key);
        if (cache.removePod(key)) {
          queue.moveAll(new ClusterEvent.AssignedPodDeleted(pod));
        }
      }
    };
  }

  private static boolean isTerminal(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private boolean isResponsibleFor(Pod pod) {
    String name = pod.getSpec() == null ? null : pod.getSpec().getSchedulerName();
    return schedulerName.equals(name == null || name.isEmpty() ? DEFAULT_SCHEDULER_NAME : name);
  }

  // ---- lifecycle ----

  /**
   * Stops scheduling: the loop ends, bindings in flight finish, and the scheduler's own informers
   * stop (shared ones are left running).
   */
  @Override
  public void close() {
    closed = true;
    queue.close();
    Thread l = loop;
    if (l != null) {
      l.interrupt();
      try {
        l.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (executor instanceof ExecutorService es) {
      es.close();
    }
    if (ownInformers) {
      informers.stop();
    }
  }

  // ---- the API, through the client ----

  private record ClientPodWriter(Resources<Pod> pods, SharedInformer<Pod> informer)
      implements PodWriter {

    @Override
    public void bind(Pod pod, String node) {
      Binding binding =
          new BindingBuilder()
              .withNewMetadata()
              .withNamespace(pod.getMetadata().getNamespace())
              .withName(pod.getMetadata().getName())
              .withUid(pod.getMetadata().getUid())
              .endMetadata()
              .withNewTarget()
              .withKind("Node")
              .withName(node)
              .endTarget()
              .build();
      pods.createSubresource(
          pod.getMetadata().getNamespace(), pod.getMetadata().getName(), "binding", binding);
    }

    @Override
    public void patchStatus(Pod pod, String patch) {
      pods.patchStatus(
          pod.getMetadata().getNamespace(),
          pod.getMetadata().getName(),
          PatchType.STRATEGIC_MERGE_PATCH,
          patch);
    }

    @Override
    public Optional<Pod> current(Pod pod) {
      return informer
          .lister()
          .get(pod.getMetadata().getNamespace(), pod.getMetadata().getName())
          .filter(p -> Objects.equals(p.getMetadata().getUid(), pod.getMetadata().getUid()));
    }
  }

  /** For tests: the pods counted on {@code node}, assumed ones included. */
  List<String> podsOn(String node) {
    return cache.podsOn(node);
  }

  /** For tests: the node as the scheduler last saw it. */
  Optional<Node> cachedNode(String name) {
    return cache.node(name);
  }

  /** For tests: where the pod with {@code key} waits in the queue, or null. */
  SchedulingQueue.Place placeOf(String key) {
    return queue.placeOf(key);
  }
}
