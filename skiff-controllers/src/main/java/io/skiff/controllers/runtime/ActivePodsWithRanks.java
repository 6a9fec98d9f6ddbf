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
   * Whether {@code a} is to be deleted before {@code b}.
   *
   * @param now the time ages are measured at; null to compare times without buckets
   */
  public static boolean less(Ranked a, Ranked b, Instant now) {
    Pod pi = a.pod();
    Pod pj = b.pod();
    String ni = nodeName(pi);
    String nj = nodeName(pj);
    if (!ni.equals(nj) && (ni.isEmpty() || nj.isEmpty())) {
      return ni.isEmpty();
    }
    int phi = PHASE_ORDINAL.getOrDefault(PodUtil.phase(pi), 0);
    int phj = PHASE_ORDINAL.getOrDefault(PodUtil.phase(pj), 0);
    if (phi != phj) {
      return phi < phj;
    }
    boolean ri = PodUtil.isPodReady(pi);
    boolean rj = PodUtil.isPodReady(pj);
    if (ri != rj) {
      return !ri;
    }
    int ci = PodUtil.deletionCost(pi);
    int cj = PodUtil.deletionCost(pj);
    if (ci != cj) {
      return ci < cj;
    }
    if (a.rank() != b.rank()) {
      return a.rank() > b.rank();
    }
    if (ri && rj) {
      Instant ti = PodUtil.readyTime(pi);
      Instant tj = PodUtil.readyTime(pj);
      if (!Objects.equals(ti, tj)) {
        return newerFirst(ti, tj, pi, pj, now);
      }
    }
    int restartsI = PodUtil.maxContainerRestarts(pi);
    int restartsJ = PodUtil.maxContainerRestarts(pj);
    if (restartsI != restartsJ) {
      return restartsI > restartsJ;
    }
    Instant createdI = Times.parse(pi.getMetadata().getCreationTimestamp());
    Instant createdJ = Times.parse(pj.getMetadata().getCreationTimestamp());
    if (!Objects.equals(createdI, createdJ)) {
      return newerFirst(createdI, createdJ, pi, pj, now);
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
    List<Ranked> ranked = new ArrayList<>(pods.size());
    for (int i = 0; i < pods.size(); i++) {
      ranked.add(new Ranked(pods.get(i), ranks.get(i)));
    }
    List<Ranked> sorted = mergeSort(ranked, now);
    List<Pod> out = new ArrayList<>(sorted.size());
    sorted.forEach(r -> out.add(r.pod()));
    return out;
  }

  /**
   * A stable merge sort on {@link #less} alone. Upstream's order is not transitive in every corner
   * (rule 6 falls through on equal ready times but breaks ties by UID within a bucket), which Go's
   * sort tolerates and {@code List.sort} may reject with an exception; this sort accepts any order.
   */
  private static List<Ranked> mergeSort(List<Ranked> items, Instant now) {
    if (items.size() <= 1) {
      return new ArrayList<>(items);
    }
    int mid = items.size() / 2;
    List<Ranked> left = mergeSort(items.subList(0, mid), now);
    List<Ranked> right = mergeSort(items.subList(mid, items.size()), now);
    List<Ranked> out = new ArrayList<>(items.size());
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

  private static boolean newerFirst(Instant ti, Instant tj, Pod pi, Pod pj, Instant now) {
    if (now == null || ti == null || tj == null) {
      return afterOrZero(ti, tj);
    }
    long rankDiff = log2Bucket(now, ti) - log2Bucket(now, tj);
    if (rankDiff == 0) {
      return uid(pi).compareTo(uid(pj)) < 0;
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

  private static String uid(Pod pod) {
    return pod.getMetadata().getUid() == null ? "" : pod.getMetadata().getUid();
  }
}
