package io.skiff.controllers.runtime;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Upstream's order of which pods to delete first on scale-down ({@code ActivePodsWithRanks}), with
 * the {@code PodDeletionCost} and {@code LogarithmicScaleDown} features on, as they are by default
 * from 1.22. Pod {@code a} goes before {@code b} by the first rule that tells them apart:
 *
 * <ol>
 *   <li>not assigned to a node before assigned;
 *   <li>phase Pending (or any other phase) before Unknown before Running;
 *   <li>not ready before ready;
 *   <li>lower {@value PodUtil#POD_DELETION_COST} before higher;
 *   <li>higher rank before lower (the rank is the number of related active pods on the same node,
 *       so doubled-up pods go first);
 *   <li>both ready: ready more recently before ready longer (an unknown ready time counts as the
 *       most recent);
 *   <li>more container restarts before fewer;
 *   <li>created more recently before older (an unknown creation time counts as the most recent).
 * </ol>
 *
 * <p>In rules 6 and 8 two known times are compared by the whole part of {@code log2} of their age
 * in nanoseconds, and pods in the same bucket are ordered by UID, which spreads deletions over pods
 * of similar age. Without a {@code now} the times are compared exactly.
 */
public final class ActivePodsWithRanks {

  private static final Map<String, Integer> PHASE_ORDINAL =
      Map.of(PodUtil.PHASE_PENDING, 0, PodUtil.PHASE_UNKNOWN, 1, PodUtil.PHASE_RUNNING, 2);

  private ActivePodsWithRanks() {}

  /** A pod and its rank. */
  public record Ranked(Pod pod, int rank) {}

  /**
   * What the order reads of one pod, read once: a sort compares each pod about log2(n) times, and
   * parsing its timestamps on every comparison made scale-downs of thousands of pods slow.
   */
  private record Facts(
      Pod pod,
      int rank,
      boolean unassigned,
      int phase,
      boolean ready,
      int deletionCost,
      Instant readyTime,
      int restarts,
      Instant created,
      String uid) {

    static Facts of(Ranked r) {
      Pod pod = r.pod();
      boolean ready = PodUtil.isPodReady(pod);
      return new Facts(
          pod,
          r.rank(),
          nodeName(pod).isEmpty(),
          PHASE_ORDINAL.getOrDefault(PodUtil.phase(pod), 0),
          ready,
          PodUtil.deletionCost(pod),
          ready ? PodUtil.readyTime(pod) : null,
          PodUtil.maxContainerRestarts(pod),
          Times.parse(pod.getMetadata().getCreationTimestamp()),
          pod.getMetadata().getUid() == null ? "" : pod.getMetadata().getUid());
    }
  }

  /**
   * Whether {@code a} is to be deleted before {@code b}.
   *
   * @param now the time ages are measured at; null to compare times without buckets
   */
  public static boolean less(Ranked a, Ranked b, Instant now) {
    return less(Facts.of(a), Facts.of(b), now);
  }

  private static boolean less(Facts i, Facts j, Instant now) {
    if (i.unassigned() != j.unassigned()) {
      return i.unassigned();
    }
    if (i.phase() != j.phase()) {
      return i.phase() < j.phase();
    }
    if (i.ready() != j.ready()) {
      return !i.ready();
    }
    if (i.deletionCost() != j.deletionCost()) {
      return i.deletionCost() < j.deletionCost();
    }
    if (i.rank() != j.rank()) {
      return i.rank() > j.rank();
    }
    if (i.ready() && j.ready() && !Objects.equals(i.readyTime(), j.readyTime())) {
      return newerFirst(i.readyTime(), j.readyTime(), i.uid(), j.uid(), now);
    }
    if (i.restarts() != j.restarts()) {
      return i.restarts() > j.restarts();
    }
    if (!Objects.equals(i.created(), j.created())) {
      return newerFirst(i.created(), j.created(), i.uid(), j.uid(), now);
    }
    return false;
  }

  /**
   * Sorts {@code pods} into deletion order; {@code ranks} are the pods' ranks, index for index.
   *
   * @return a new list, the first pod to delete first
   */
  public static List<Pod> sort(List<Pod> pods, List<Integer> ranks, Instant now) {
    if (pods.size() != ranks.size()) {
      throw new IllegalArgumentException(
          pods.size() + " pods but " + ranks.size() + " ranks: they must pair up");
    }
    List<Facts> facts = new ArrayList<>(pods.size());
    for (int i = 0; i < pods.size(); i++) {
      facts.add(Facts.of(new Ranked(pods.get(i), ranks.get(i))));
    }
    List<Facts> sorted = mergeSort(facts, now);
    List<Pod> out = new ArrayList<>(sorted.size());
    sorted.forEach(f -> out.add(f.pod()));
    return out;
  }

  /**
   * A stable merge sort on {@link #less} alone. Upstream's order is not transitive in every corner
   * (rule 6 falls through on equal ready times but breaks ties by UID within a bucket), which Go's
   * sort tolerates and {@code List.sort} may reject with an exception; this sort accepts any order.
   */
  private static List<Facts> mergeSort(List<Facts> items, Instant now) {
    if (items.size() <= 1) {
      return new ArrayList<>(items);
    }
    int mid = items.size() / 2;
    List<Facts> left = mergeSort(items.subList(0, mid), now);
    List<Facts> right = mergeSort(items.subList(mid, items.size()), now);
    List<Facts> out = new ArrayList<>(items.size());
    int i = 0;
    int j = 0;
    while (i < left.size() && j < right.size()) {
      if (less(right.get(j), left.get(i), now)) {
        out.add(right.get(j++));
      } else {
        out.add(left.get(i++));
      }
    }
    out.addAll(left.subList(i, left.size()));
    out.addAll(right.subList(j, right.size()));
    return out;
  }

  private static boolean newerFirst(Instant ti, Instant tj, String uidI, String uidJ, Instant now) {
    if (now == null || ti == null || tj == null) {
      return afterOrZero(ti, tj);
    }
    long rankDiff = log2Bucket(now, ti) - log2Bucket(now, tj);
    if (rankDiff == 0) {
      return uidI.compareTo(uidJ) < 0;
    }
    return rankDiff < 0;
  }

  /** Whether {@code t1} is after {@code t2}, an unknown time counting as after any known one. */
  private static boolean afterOrZero(Instant t1, Instant t2) {
    if (t1 == null || t2 == null) {
      return t1 == null;
    }
    return t1.isAfter(t2);
  }

  /** The whole part of log2 of the age in nanoseconds; -1 for an age that is not positive. */
  static long log2Bucket(Instant now, Instant t) {
    Duration age = Duration.between(t, now);
    if (age.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L) {
      // Older than about 292 years: past what a long of nanoseconds holds.
      return 62;
    }
    long nanos = age.toNanos();
    return nanos > 0 ? 63 - Long.numberOfLeadingZeros(nanos) : -1;
  }

  private static String nodeName(Pod pod) {
    return pod.getSpec() == null || pod.getSpec().getNodeName() == null
        ? ""
        : pod.getSpec().getNodeName();
  }
}
