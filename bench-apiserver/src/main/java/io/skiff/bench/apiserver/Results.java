package io.skiff.bench.apiserver;

import java.time.Duration;
import java.util.List;
import org.HdrHistogram.Histogram;

/** What the scenarios measured, per target. Latencies are recorded in microseconds. */
final class Results {

  private Results() {}

  /** Percentiles of one histogram, in milliseconds. */
  record Latency(long count, double p50, double p99, double p999, double max) {
    static Latency of(Histogram micros) {
      if (micros.getTotalCount() == 0) {
        return new Latency(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
      }
      return new Latency(
          micros.getTotalCount(),
          micros.getValueAtPercentile(50) / 1000.0,
          micros.getValueAtPercentile(99) / 1000.0,
          micros.getValueAtPercentile(99.9) / 1000.0,
          micros.getMaxValue() / 1000.0);
    }
  }

  /**
   * Creates sent at a fixed rate whatever the server does, latency measured from each request's
   * intended send time.
   *
   * @param planned rate × duration
   * @param notSent planned requests given up because the server had fallen too far behind
   * @param stored items a list of the namespace found afterwards
   */
  record OpenLoop(
      int rate,
      Duration duration,
      long planned,
      long succeeded,
      long failed,
      long notSent,
      long stored,
      double perSecond,
      Latency latency,
      String firstError) {}

  /**
   * Requests from {@code clients} workers, each sending its next request when the last one is
   * answered.
   *
   * @param stored items in the namespace afterwards, or -1 where not counted (reads)
   */
  record ClosedLoop(
      int clients,
      long succeeded,
      long failed,
      double perSecond,
      Latency latency,
      long stored,
      String firstError) {}

  /**
   * Whole-namespace lists of {@code size} objects.
   *
   * @param verifiedItems items that one parsed list held before the run
   */
  record Lists(
      int size,
      int verifiedItems,
      int clients,
      long succeeded,
      long failed,
      double perSecond,
      double bytesPerList,
      Latency latency,
      String firstError) {}

  /**
   * {@code watchers} watches of one namespace while {@code events} objects are created in it.
   *
   * @param expected watchers × creates acknowledged
   * @param perSecond events delivered per second, from the first create sent to the last event
   *     received
   * @param delivery from a create's send to each watcher's receipt of its event
   */
  record Watches(
      int watchers,
      int events,
      long createsSucceeded,
      long createsFailed,
      long expected,
      long delivered,
      double perSecond,
      Latency delivery,
      String firstError) {}

  /** Every scenario's result for one target. */
  record TargetResult(
      TargetKind target,
      OpenLoop openLoop,
      ClosedLoop creates,
      ClosedLoop gets,
      List<Lists> lists,
      Watches watch) {}
}
