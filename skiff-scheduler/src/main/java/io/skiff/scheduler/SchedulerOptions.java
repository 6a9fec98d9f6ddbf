package io.skiff.scheduler;

import io.skiff.client.events.EventRecorder;
import io.skiff.client.informer.SharedInformerFactory;
import java.util.random.RandomGenerator;

/**
 * How a {@link Scheduler} runs. Start from {@link #defaults()} and change what differs.
 *
 * @param schedulerName the {@code spec.schedulerName} of the pods to schedule, and the component
 *     its events are reported as
 * @param bindConcurrency at most this many bindings in flight at once; the scheduling loop waits
 *     for a free one
 * @param percentageOfNodesToScore stop filtering once this share of the nodes fits (never before
 *     100 nodes); 0 for upstream's adaptive share
 * @param informers the informers to share with other components of the process; null for the
 *     scheduler's own, which it stops when closed
 * @param eventRecorder where the {@code Scheduled} and {@code FailedScheduling} events go; null for
 *     a recorder writing Events through the scheduler's client
 * @param random breaks ties between equally good nodes; null for a new {@link java.util.Random}
 */
public record SchedulerOptions(
    String schedulerName,
    int bindConcurrency,
    int percentageOfNodesToScore,
    SharedInformerFactory informers,
    EventRecorder eventRecorder,
    RandomGenerator random) {

  public SchedulerOptions {
    if (schedulerName == null || schedulerName.isEmpty()) {
      throw new IllegalArgumentException("schedulerName is required");
    }
    if (bindConcurrency < 1) {
      throw new IllegalArgumentException("bindConcurrency must be at least 1: " + bindConcurrency);
    }
    if (percentageOfNodesToScore < 0 || percentageOfNodesToScore > 100) {
      throw new IllegalArgumentException(
          "percentageOfNodesToScore must be within 0..100: " + percentageOfNodesToScore);
    }
  }

  /** {@code default-scheduler}, 64 bindings in flight, adaptive node sampling, own informers. */
  public static SchedulerOptions defaults() {
    return new SchedulerOptions(Scheduler.DEFAULT_SCHEDULER_NAME, 64, 0, null, null, null);
  }

  public SchedulerOptions withSchedulerName(String name) {
    return new SchedulerOptions(
        name, bindConcurrency, percentageOfNodesToScore, informers, eventRecorder, random);
  }

  public SchedulerOptions withBindConcurrency(int n) {
    return new SchedulerOptions(
        schedulerName, n, percentageOfNodesToScore, informers, eventRecorder, random);
  }

  public SchedulerOptions withPercentageOfNodesToScore(int percentage) {
    return new SchedulerOptions(
        schedulerName, bindConcurrency, percentage, informers, eventRecorder, random);
  }

  public SchedulerOptions withInformers(SharedInformerFactory factory) {
    return new SchedulerOptions(
        schedulerName, bindConcurrency, percentageOfNodesToScore, factory, eventRecorder, random);
  }

  public SchedulerOptions withEventRecorder(EventRecorder recorder) {
    return new SchedulerOptions(
        schedulerName, bindConcurrency, percentageOfNodesToScore, informers, recorder, random);
  }

  public SchedulerOptions withRandom(RandomGenerator r) {
    return new SchedulerOptions(
        schedulerName, bindConcurrency, percentageOfNodesToScore, informers, eventRecorder, r);
  }
}
