package io.skiff.node;

import io.skiff.client.events.EventRecorder;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * How the simulated nodes look and how long simulated work takes: the node-level defaults that
 * {@code skiff up} flags set and pod annotations override (see {@code docs/simulation.md}).
 *
 * @param nodes how many nodes to register at start ({@code --nodes}); nodes created through the API
 *     are simulated too, whatever this says
 * @param namePrefix the registered nodes are named {@code namePrefix + 1 … namePrefix + nodes}
 * @param cpu the CPU capacity of a node ({@code --node-cpu}), a quantity
 * @param memory the memory capacity ({@code --node-memory}), a quantity
 * @param ephemeralStorage the ephemeral-storage capacity, a quantity
 * @param maxPods the {@code pods} capacity, upstream's default 110
 * @param kubeletVersion what nodes report as {@code nodeInfo.kubeletVersion}
 * @param imagePullTime how long a pull takes ({@code --image-pull-time})
 * @param podStartDelay extra time between an image being there and the container running
 * @param initContainerRunTime how long an init container runs before it completes
 * @param jobRunTime how long the containers of a Job's pods run before they succeed ({@code
 *     --job-run-time})
 * @param shutdownTime how long a container takes to stop when its pod is deleted, at most the grace
 *     period ({@code --pod-shutdown-time})
 * @param clusterCidr the range nodes' pod CIDRs (/24 each) are taken from
 * @param imageCatalog which images exist ({@code --image-catalog} adds to the built-in one)
 * @param events the event recorder of a node's kubelet, by node name, and (given null) of the
 *     simulated volume provisioner; null for {@link EventRecorder#create} with component {@code
 *     kubelet} ({@code persistentvolume-controller} for volumes)
 * @param workers the fewest threads that write pod status to the API; there is one per simulated
 *     node beyond that, as every kubelet writes its own (the node status and leases have one of
 *     their own)
 */
public record NodeOptions(
    int nodes,
    String namePrefix,
    String cpu,
    String memory,
    String ephemeralStorage,
    int maxPods,
    String kubeletVersion,
    Duration imagePullTime,
    Duration podStartDelay,
    Duration initContainerRunTime,
    Duration jobRunTime,
    Duration shutdownTime,
    String clusterCidr,
    ImageCatalog imageCatalog,
    Function<String, EventRecorder> events,
    int workers) {

  public NodeOptions {
    if (nodes < 0) {
      throw new IllegalArgumentException("nodes must not be negative: " + nodes);
    }
    if (maxPods < 1) {
      throw new IllegalArgumentException("maxPods must be positive: " + maxPods);
    }
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be positive: " + workers);
    }
    Objects.requireNonNull(namePrefix, "namePrefix");
    Objects.requireNonNull(cpu, "cpu");
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(ephemeralStorage, "ephemeralStorage");
    Objects.requireNonNull(kubeletVersion, "kubeletVersion");
    for (Duration d :
        new Duration[] {
          imagePullTime, podStartDelay, initContainerRunTime, jobRunTime, shutdownTime
        }) {
      if (d == null || d.isNegative()) {
        throw new IllegalArgumentException("durations must be set and not negative");
      }
    }
    PodCidrs.parseCidr(clusterCidr);
    Objects.requireNonNull(imageCatalog, "imageCatalog");
  }

  /**
   * The defaults: no nodes registered, 4 CPUs, 16Gi memory, 100Gi ephemeral storage, 110 pods,
   * kubelet v1.33.0, pulls of 1s, no start delay, init containers of 1s, Job pods of 5s, shutdown
   * in 1s, pod CIDRs from 10.244.0.0/14, the built-in image catalog, 4 writers.
   */
  public static NodeOptions defaults() {
    return new NodeOptions(
        0,
        "skiff-node-",
        "4",
        "16Gi",
        "100Gi",
        110,
        "v1.33.0",
        Duration.ofSeconds(1),
        Duration.ZERO,
        Duration.ofSeconds(1),
        Duration.ofSeconds(5),
        Duration.ofSeconds(1),
        "10.244.0.0/14",
        ImageCatalog.builtin(),
        null,
        DEFAULT_WORKERS);
  }

  /**
   * The fewest pod workers, however few nodes; beyond it there is one per node, as real kubelets
   * write in parallel, one per node. A write waits for its commit (an fsync on the SQLite store),
   * and concurrent writes share one commit, so the simulated kubelets' throughput grows with how
   * many write at once: with 4, a 1,000-node DaemonSet waited seconds on them. They are virtual
   * threads, so many cost little.
   */
  static final int DEFAULT_WORKERS = 32;

  public NodeOptions withNodes(int count) {
    return new NodeOptions(
        count,
        namePrefix,
        cpu,
        memory,
        ephemeralStorage,
        maxPods,
        kubeletVersion,
        imagePullTime,
        podStartDelay,
        initContainerRunTime,
        jobRunTime,
        shutdownTime,
        clusterCidr,
        imageCatalog,
        events,
        workers);
  }

  public NodeOptions withNamePrefix(String prefix) {
    return new NodeOptions(
        nodes,
        prefix,
        cpu,
        memory,
        ephemeralStorage,
        maxPods,
        kubeletVersion,
        imagePullTime,
        podStartDelay,
        initContainerRunTime,
        jobRunTime,
        shutdownTime,
        clusterCidr,
        imageCatalog,
        events,
        workers);
  }

  public NodeOptions withCapacity(String cpu, String memory, int maxPods) {
    return new NodeOptions(
        nodes,
        namePrefix,
        cpu,
        memory,
        ephemeralStorage,
        maxPods,
        kubeletVersion,
        imagePullTime,
        podStartDelay,
        initContainerRunTime,
        jobRunTime,
        shutdownTime,
        clusterCidr,
        imageCatalog,
        events,
        workers);
  }

  public NodeOptions withKubeletVersion(String version) {
    return new NodeOptions(
        nodes,
        namePrefix,
        cpu,
        memory,
        ephemeralStorage,
        maxPods,
        version,
        imagePullTime,
        podStartDelay,
        initContainerRunTime,
        jobRunTime,
        shutdownTime,
        clusterCidr,
        imageCatalog,
        events,
        workers);
  }

  /** The simulated timings; see the record's parameters. */
  public NodeOptions withTimings(
      Duration imagePull,
      Duration podStart,
      Duration initContainerRun,
      Duration jobRun,
      Duration shutdown) {
    return new NodeOptions(
        nodes,
        namePrefix,
        cpu,
        memory,
        ephemeralStorage,
        maxPods,
        kubeletVersion,
        imagePull,
        podStart,
        initContainerRun,
        jobRun,
        shutdown,
        clusterCidr,
        imageCatalog,
        events,
        workers);
  }

  public NodeOptions withImagePullTime(Duration pull) {
    return withTimings(pull, podStartDelay, initContainerRunTime, jobRunTime, shutdownTime);
  }

  public NodeOptions withJobRunTime(Duration run) {
    return withTimings(imagePullTime, podStartDelay, initContainerRunTime, run, shutdownTime);
  }

  public NodeOptions withShutdownTime(Duration shutdown) {
    return withTimings(imagePullTime, podStartDelay, initContainerRunTime, jobRunTime, shutdown);
  }

  public NodeOptions withClusterCidr(String cidr) {
    return new NodeOptions(
        nodes,
        namePrefix,
        cpu,
        memory,
        ephemeralStorage,
        maxPods,
        kubeletVersion,
        imagePullTime,
        podStartDelay,
        initContainerRunTime,
        jobRunTime,
        shutdownTime,
        cidr,
        imageCatalog,
        events,
        workers);
  }

  public NodeOptions withImageCatalog(ImageCatalog catalog) {
    return new NodeOptions(
        nodes,
        namePrefix,
        cpu,
        memory,
        ephemeralStorage,
        maxPods,
        kubeletVersion,
        imagePullTime,
        podStartDelay,
        initContainerRunTime,
        jobRunTime,
        shutdownTime,
        clusterCidr,
        catalog,
        events,
        workers);
  }

  public NodeOptions withEvents(Function<String, EventRecorder> recorders) {
    return new NodeOptions(
        nodes,
        namePrefix,
        cpu,
        memory,
        ephemeralStorage,
        maxPods,
        kubeletVersion,
        imagePullTime,
        podStartDelay,
        initContainerRunTime,
        jobRunTime,
        shutdownTime,
        clusterCidr,
        imageCatalog,
        recorders,
        workers);
  }

  public NodeOptions withWorkers(int count) {
    return new NodeOptions(
        nodes,
        namePrefix,
        cpu,
        memory,
        ephemeralStorage,
        maxPods,
        kubeletVersion,
        imagePullTime,
        podStartDelay,
        initContainerRunTime,
        jobRunTime,
        shutdownTime,
        clusterCidr,
        imageCatalog,
        events,
        count);
  }
}
