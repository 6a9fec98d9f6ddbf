package io.skiff.controllers.deployment;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.skiff.client.EventType;
import io.skiff.clock.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongFunction;

/**
 * Watches every pod event of one Deployment's namespace and checks, at each observed state, the
 * bounds a rolling update promises: {@code live ≤ replicas + maxSurge} and {@code available ≥
 * replicas − maxUnavailable}. The bounds are computed here from the spec the test wrote, not by
 * production code, so that a wrong fencepost in the controller cannot hide behind the same mistake
 * in the check.
 *
 * <p>A pod is <em>live</em> when it is not being deleted and not terminal (upstream's active pods,
 * which a ReplicaSet counts); it is <em>available</em> when live and Ready for at least {@code
 * minReadySeconds}.
 *
 * <p>Scale changes are not instantaneous, so around them the bounds are relaxed, and only there:
 *
 * <ul>
 *   <li>the live bound is the largest {@code replicas + maxSurge} of any spec since the Deployment
 *       was last seen settled (a scale-down takes effect as pods are deleted);
 *   <li>the availability bound is armed only once the Deployment has been seen settled, and a scale
 *       change disarms it until the next settled state (the new pods of a scale-up are not
 *       available yet; a scale-down deletes without regard to availability). Template changes,
 *       pauses and resumes keep it armed: availability must then hold throughout.
 * </ul>
 *
 * <p>"Settled" is asserted by the driver ({@link #settle}), which has read the Deployment and its
 * ReplicaSets complete for the latest generation; the checker arms only if its own pod view agrees.
 * Arming on the pod view alone would be wrong: a controller that has not yet observed a scale-up
 * can legitimately act on the old spec after the pods happen to match the new one.
 *
 * <h2>The window where live pods exceed {@code replicas + maxSurge}, shared with upstream</h2>
 *
 * <p>Upstream's Deployment controller spends its surge budget on the ReplicaSets' {@code
 * spec.replicas}, not on pods ({@code NewRSNewReplicas}: {@code currentPodCount :=
 * GetReplicaCountForReplicaSets(allRSs)}): once it has lowered an old ReplicaSet's spec it may
 * raise the new one's in its next sync, and nothing orders the ReplicaSet controller's deletions
 * for the old set before its creations for the new one. For a moment the old set still has the pods
 * it was just told to shed while the new set's pods arrive (seen in the first runs of this test: 32
 * replicas, maxSurge 82%: 32 old pods, spec lowered to 24, and 28 new pods, 60 live for a bound of
 * 59). Likewise a ReplicaSet controller sync that read a larger spec finishes its slow-start burst
 * of creations after the spec went down. So a state over the live bound is not a violation when the
 * ReplicaSets, read at exactly the revision of the pod event, explain it:
 *
 * <ol>
 *   <li>their {@code spec.replicas} add up to no more than the live bound: the Deployment
 *       controller's own promise, checked strictly;
 *   <li>no ReplicaSet has more live pods than the largest {@code spec.replicas} it has had since
 *       the last settled state (the surplus is the ReplicaSet controller's lag, deletions it still
 *       owes or creations it decided on a larger spec), and every live pod belongs to a ReplicaSet.
 * </ol>
 *
 * <h2>Three windows where available pods fall below {@code replicas − maxUnavailable}, shared with
 * upstream</h2>
 *
 * <p><b>Availability reported beyond the spec.</b> The Deployment controller scales old sets down
 * by the availability their statuses report. A status can claim more available pods than the set's
 * spec: written before the set's latest scale-down was processed, or, as upstream computes it, from
 * the pod list read before the deletions that sync made. Upstream's cleanup of unhealthy replicas
 * refuses to go on when it meets such a set, but when its budget is spent on an earlier set the
 * scale-down that follows counts those pods (seen: a rollover where the oldest set, just scaled
 * from 28 to 7, still reported 28 available and was scaled to 0, for a minimum of 7).
 *
 * <p><b>Deletions on a stale spec.</b> The ReplicaSet controller acts on its own cache. When the
 * Deployment controller lowers a set and raises it back a moment later (a sync on a Deployment one
 * generation old scales a set down, the next one, seeing a rollback, scales it up as the new set),
 * the ReplicaSet controller may still delete pods for the lower spec, while the Deployment
 * controller has already counted them as available and scaled another set down (seen: spec 22 → 19
 * → 22, three available pods deleted, and the old set scaled from 6 to 1 on the strength of them).
 *
 * <p><b>Available pods deleted before ready ones that are not yet available.</b> The Deployment
 * controller's cleanup of unhealthy replicas lowers an old set by its pods that are not available,
 * but the ReplicaSet controller picks which pods go by upstream's ranking: readiness, deletion
 * cost, pods doubled up on a node, then how long they have been ready; availability ({@code
 * minReadySeconds}) is not in it. A pod ready a moment ago ranks with the available ones, and an
 * available pod sharing its node with more of the set's pods goes first (seen: an old set scaled
 * back up to 45 while paused, 13 of its pods ready but within minReadySeconds on resume; it was
 * lowered by 13 to 32 and lost an available, doubled-up pod: 31 available for a minimum of 32).
 *
 * <p>So a state under the availability bound is not a violation when the deficit is no larger than
 * the sum of: the most that the ReplicaSets' statuses together claimed beyond their specs between a
 * scale-down written since the last settled state and the Deployment controller's last write of an
 * earlier sync (its cache was at least that recent; writes with no status write of the ReplicaSet
 * controller between them are taken for one sync's: seen, a rollout's sync that created the new
 * set, cleaned up three unhealthy replicas of an old one and scaled it down by 21 more on a status
 * from before the sync's first write); the number of available pods deleted, since the last settled
 * state, while their set had no more live pods than its spec but more than the smallest spec it had
 * had since then; and the number of other available pods deleted since then while their set kept a
 * ready pod that was not yet available. A set deleting available pods below any spec it was given
 * with no such pod left, or a scale-down on statuses that claimed nothing extra, is still a
 * violation.
 *
 * <p>The ReplicaSets' spec history comes from their own watch ({@link #onReplicaSetEvent}); before
 * judging a state the checker waits until that watch has caught up with the revision of the pod
 * event, and takes only changes up to that revision into account. Each state so explained is
 * counted ({@link #surplusStates}, {@link #deficitStates}) so that a run shows how often it
 * happened.
 *
 * <p>The Deployment controller's promise holds only on a cache that shows its own writes; Skiff's
 * waits for that ({@code UnseenWrites}), where upstream's may size sets on a stale cache.
 *
 * <p>Thread-safe: pod and ReplicaSet events arrive on their watches' threads, spec changes on the
 * driver's.
 */
final class RolloutBoundsChecker {

  /** The part of a rolling update's budget the test chose: an absolute count or a percentage. */
  record Amount(int value, boolean percent) {

    Amount {
      if (value < 0 || (percent && value > 100)) {
        throw new IllegalArgumentException("amount out of range: " + value);
      }
    }

    static Amount of(int value) {
      return new Amount(value, false);
    }

    static Amount percent(int value) {
      return new Amount(value, true);
    }

    /** Of {@code total}: a percentage rounded up or down, a count as it is. */
    int scaled(int total, boolean roundUp) {
      if (!percent) {
        return value;
      }
      int times = value * total;
      return roundUp ? (times + 99) / 100 : times / 100;
    }

    boolean isZero() {
      return value == 0;
    }

    @Override
    public String toString() {
      return percent ? value + "%" : Integer.toString(value);
    }
  }

  /**
   * The budget of a Deployment's strategy.
   *
   * @param rolling RollingUpdate; false for Recreate, which may surge by nothing and may have
   *     nothing available
   */
  record Strategy(boolean rolling, Amount maxSurge, Amount maxUnavailable) {

    static Strategy rollingUpdate(Amount maxSurge, Amount maxUnavailable) {
      return new Strategy(true, maxSurge, maxUnavailable);
    }

    static Strategy recreate() {
      return new Strategy(false, Amount.of(0), Amount.of(0));
    }

    /** Surge rounds up. */
    int surge(int replicas) {
      return rolling ? maxSurge.scaled(replicas, true) : 0;
    }

    /**
     * Unavailability rounds down; when both resolve to zero one pod may be unavailable (upstream's
     * ResolveFenceposts, so that a rollout can make progress); never more than the replicas.
     */
    int unavailable(int replicas) {
      if (!rolling) {
        return replicas;
      }
      int unavailable = maxUnavailable.scaled(replicas, false);
      if (unavailable == 0 && surge(replicas) == 0) {
        unavailable = 1;
      }
      return Math.min(unavailable, replicas);
    }

    @Override
    public String toString() {
      return rolling
          ? "RollingUpdate(maxSurge " + maxSurge + ", maxUnavailable " + maxUnavailable + ")"
          : "Recreate";
    }
  }

  /** How many of the last events a violation report shows. */
  private static final int HISTORY = 30;

  /** How long a state over the live bound waits for the ReplicaSet watch to catch up. */
  private static final long CATCH_UP_MILLIS = 30_000;

  private static final String REVISION = "deployment.kubernetes.io/revision";
  private static final String HASH = "pod-template-hash";

  private final Strategy strategy;
  private final int minReadySeconds;
  private final Clock clock;
  private final LongFunction<List<ReplicaSet>> replicaSetsAt;

  private final Map<String, Pod> pods = new HashMap<>();
  private final Deque<String> history = new ArrayDeque<>();
  private int replicas;
  private int liveBound;
  private boolean armed;
  private long events;
  private long armedEvents;
  private long surplusStates;
  private long deficitStates;
  private long settledAt;

  /**
   * A live pod that went (marked for deletion, or gone), for the availability bound.
   *
   * @param readyUnavailableLeft whether the set kept a live pod that was ready but not yet
   *     available
   */
  private record Deletion(
      long revision, String hash, boolean available, int liveOfSet, boolean readyUnavailableLeft) {}

  /** The live pods that went since the last settled state. */
  private final List<Deletion> deletions = new ArrayList<>();

  private String violation;

  /** Each ReplicaSet's spec.replicas by revision, from its watch, by pod-template-hash. */
  private final Map<String, TreeMap<Long, Integer>> specs = new HashMap<>();

  /** Each ReplicaSet's status.availableReplicas by revision, by pod-template-hash. */
  private final Map<String, TreeMap<Long, Integer>> reported = new HashMap<>();

  /** The generation of each ReplicaSet's latest event, by pod-template-hash. */
  private final Map<String, Long> generations = new HashMap<>();

  /**
   * The revisions at which a ReplicaSet's spec was written (its generation changed, or it was
   * created): the Deployment controller's decisions; true for those that lowered the spec.
   */
  private final TreeMap<Long, Boolean> decisions = new TreeMap<>();

  /** The revisions at which the ReplicaSet controller wrote a set's status. */
  private final TreeSet<Long> statusWrites = new TreeSet<>();

  /** Each ReplicaSet's latest status, by pod-template-hash. */
  private final Map<String, ReplicaSetStatus> statuses = new HashMap<>();

  /**
   * A checker for a Deployment about to be created with {@code replicas}: not armed (its creation
   * is a scale-up from nothing).
   *
   * @param clock what "now" is when availability depends on {@code minReadySeconds}
   * @param replicaSetsAt the namespace's ReplicaSets at exactly the given revision, to explain a
   *     state over the live bound
   */
  RolloutBoundsChecker(
      Strategy strategy,
      int replicas,
      int minReadySeconds,
      Clock clock,
      LongFunction<List<ReplicaSet>> replicaSetsAt) {
    this.strategy = strategy;
    this.minReadySeconds = minReadySeconds;
    this.clock = clock;
    this.replicaSetsAt = replicaSetsAt;
    this.replicas = replicas;
    this.liveBound = replicas + strategy.surge(replicas);
  }

  /**
   * Call before writing a scale change: the availability bound is disarmed before the controllers
   * can act on it, and the live bound widens to cover both sizes until the next settled state.
   */
  synchronized void scaling(int newReplicas) {
    armed = false;
    replicas = newReplicas;
    liveBound = Math.max(liveBound, newReplicas + strategy.surge(newReplicas));
  }

  /**
   * The driver has read the Deployment complete at its latest generation, with {@code newHash} the
   * pod-template-hash of its only non-empty ReplicaSet, and every ReplicaSet's status written for
   * its current spec, at {@code revision}; {@code podsThen} are the namespace's pods at that
   * revision. Arms the availability bound and resets the live bound to the current spec if both
   * those pods and the checker's own view agree: exactly {@code replicas} live pods, all of that
   * hash and available. Reading the pods at the same revision keeps pods created before it, on an
   * older spec, from turning up after the settled state, where nothing would explain them.
   *
   * @return whether the pods agreed (a watch a little behind the API may not yet)
   */
  synchronized boolean settle(String newHash, long revision, List<Pod> podsThen) {
    Instant now = clock.now();
    if (!complete(newHash, pods.values(), now) || !complete(newHash, podsThen, now)) {
      return false;
    }
    armed = true;
    liveBound = replicas + strategy.surge(replicas);
    settledAt = revision;
    deletions.clear();
    return true;
  }

  /** The pods as the checker last saw them. */
  synchronized List<Pod> pods() {
    return List.copyOf(pods.values());
  }

  /** Exactly {@code replicas} live pods, all of {@code hash} and available. */
  private boolean complete(String hash, Collection<Pod> candidates, Instant now) {
    int live = 0;
    for (Pod pod : candidates) {
      if (!isLive(pod)) {
        continue;
      }
      if (!hash.equals(hash(pod)) || !isAvailable(pod, now)) {
        return false;
      }
      live++;
    }
    return live == replicas;
  }

  /** One event of the namespace's ReplicaSet watch: its spec and status history. */
  synchronized void onReplicaSetEvent(EventType type, ReplicaSet rs) {
    String h = hash(rs);
    long revision = Long.parseLong(rs.getMetadata().getResourceVersion());
    TreeMap<Long, Integer> history = specs.computeIfAbsent(h, k -> new TreeMap<>());
    Map.Entry<Long, Integer> last = history.lastEntry();
    Long generation = rs.getMetadata().getGeneration();
    Long previousGeneration = generations.put(h, generation);
    ReplicaSetStatus previousStatus = statuses.put(h, rs.getStatus());
    if (last == null || !Objects.equals(previousGeneration, generation)) {
      decisions.put(revision, last != null && spec(rs) < last.getValue());
    } else if (!Objects.equals(previousStatus, rs.getStatus())) {
      statusWrites.add(revision);
    }
    history.put(revision, spec(rs));
    int available =
        rs.getStatus() == null || rs.getStatus().getAvailableReplicas() == null
            ? 0
            : rs.getStatus().getAvailableReplicas();
    reported.computeIfAbsent(h, k -> new TreeMap<>()).put(revision, available);
    notifyAll();
  }

  /**
   * One pod watch event; checks the state it leads to.
   *
   * @throws InterruptedException while waiting for the ReplicaSet watch to catch up
   */
  synchronized void onEvent(EventType type, Pod pod) throws InterruptedException {
    events++;
    String name = pod.getMetadata().getName();
    Pod before = pods.get(name);
    if (before != null && isLive(before) && (type == EventType.DELETED || !isLive(pod))) {
      Instant now = clock.now();
      int liveOfSet = 0;
      boolean readyUnavailableLeft = false;
      for (Pod p : pods.values()) {
        if (isLive(p) && Objects.equals(hash(p), hash(before))) {
          liveOfSet++;
          if (p != before && isReady(p) && !isAvailable(p, now)) {
            readyUnavailableLeft = true;
          }
        }
      }
      deletions.add(
          new Deletion(
              Long.parseLong(pod.getMetadata().getResourceVersion()),
              hash(before),
              isAvailable(before, now),
              liveOfSet,
              readyUnavailableLeft));
    }
    if (type == EventType.DELETED) {
      pods.remove(name);
    } else {
      pods.put(name, pod);
    }
    remember(type + " " + describe(pod));
    if (violation != null) {
      return;
    }
    Instant now = clock.now();
    int live = 0;
    int available = 0;
    for (Pod p : pods.values()) {
      if (isLive(p)) {
        live++;
        if (isAvailable(p, now)) {
          available++;
        }
      }
    }
    if (armed) {
      armedEvents++;
    }
    if (live > liveBound) {
      violation = unexplainedSurplus(live, Long.parseLong(pod.getMetadata().getResourceVersion()));
      if (violation == null) {
        surplusStates++;
      }
    }
    if (violation == null && armed && available < replicas - strategy.unavailable(replicas)) {
      violation =
          unexplainedDeficit(available, Long.parseLong(pod.getMetadata().getResourceVersion()));
      if (violation == null) {
        deficitStates++;
      }
    }
    if (violation != null) {
      violation +=
          "\n  after event #"
              + events
              + ": "
              + type
              + " "
              + describe(pod)
              + "\n  pods by template hash: "
              + summary(now)
              + "\n  last events, oldest first:\n    "
              + String.join("\n    ", history);
    }
  }

  /**
   * Why {@code live} pods over the live bound at {@code revision} are a violation, or null when the
   * ReplicaSets at that revision explain them (see the class comment).
   */
  private String unexplainedSurplus(int live, long revision) throws InterruptedException {
    int bound = liveBound;
    Map<String, Integer> liveByHash = new HashMap<>();
    for (Pod p : pods.values()) {
      if (isLive(p)) {
        liveByHash.merge(String.valueOf(hash(p)), 1, Integer::sum);
      }
    }
    List<ReplicaSet> sets = replicaSetsAt.apply(revision);
    String lagging = awaitReplicaSetWatch(sets);
    Map<String, Integer> largestByHash = new HashMap<>();
    int specSum = 0;
    StringBuilder described = new StringBuilder();
    for (ReplicaSet rs : sets) {
      int spec = spec(rs);
      int largest = Math.max(spec, largestSpec(hash(rs), revision));
      largestByHash.put(hash(rs), largest);
      specSum += spec;
      described
          .append(hash(rs))
          .append(" revision ")
          .append(annotation(rs, REVISION))
          .append(" spec ")
          .append(spec)
          .append(" (at most ")
          .append(largest)
          .append(" since settled); ");
    }
    String head =
        "live pods "
            + live
            + " > "
            + bound
            + " (the largest replicas + maxSurge since the last settled state; replicas now "
            + replicas
            + "), and the ReplicaSets at revision "
            + revision
            + " ("
            + described
            + ") do not explain it: ";
    if (lagging != null) {
      return head + lagging;
    }
    if (specSum > bound) {
      return head + "their spec.replicas add up to " + specSum;
    }
    for (Map.Entry<String, Integer> e : liveByHash.entrySet()) {
      Integer largest = largestByHash.get(e.getKey());
      if (largest == null) {
        return head + e.getValue() + " live pods of hash " + e.getKey() + " have no ReplicaSet";
      }
      if (e.getValue() > largest) {
        return head
            + "ReplicaSet "
            + e.getKey()
            + " has "
            + e.getValue()
            + " live pods, more than it was ever asked for since the last settled state";
      }
    }
    return null;
  }

  /**
   * Why {@code available} pods at {@code revision} are a violation of the availability bound, or
   * null when availability the ReplicaSets reported beyond their specs, or deletions on a stale
   * spec, explain the deficit (see the class comment).
   */
  private String unexplainedDeficit(int available, long revision) throws InterruptedException {
    int minimum = replicas - strategy.unavailable(replicas);
    String lagging = awaitReplicaSetWatch(replicaSetsAt.apply(revision));
    int stale = 0;
    int ranked = 0;
    for (Deletion d : deletions) {
      TreeMap<Long, Integer> history = specs.get(d.hash());
      if (!d.available() || history == null || history.floorEntry(d.revision()) == null) {
        continue;
      }
      int specThen = history.floorEntry(d.revision()).getValue();
      if (d.liveOfSet() <= specThen && d.liveOfSet() > smallestSpec(history, d.revision())) {
        stale++;
      } else if (d.readyUnavailableLeft()) {
        ranked++;
      }
    }
    int phantom = 0;
    for (Map.Entry<Long, Boolean> w :
        decisions.subMap(settledAt, false, revision, true).entrySet()) {
      if (w.getValue()) {
        Long previous = beforeItsSync(w.getKey());
        phantom =
            Math.max(phantom, phantomBetween(previous == null ? settledAt : previous, w.getKey()));
      }
    }
    String head =
        "available pods "
            + available
            + " < replicas "
            + replicas
            + " - maxUnavailable "
            + strategy.unavailable(replicas);
    if (lagging != null) {
      return head + ", and " + lagging;
    }
    if (minimum - available > stale + phantom + ranked) {
      return head
          + " (explained: "
          + phantom
          + " by availability the ReplicaSets reported beyond their specs before a scale-down, "
          + stale
          + " by deletions on a stale spec, "
          + ranked
          + " by available pods deleted before ready ones not yet available)";
    }
    return null;
  }

  /**
   * The last decision the Deployment controller's cache must have shown when it made {@code
   * decision}: the one before the run of decisions that ends there. Decisions with no status write
   * of the ReplicaSet controller between them may come from one sync (upstream's creates the new
   * set, cleans up unhealthy replicas and scales old sets down in one pass), which read every
   * status before the first of them; its own earlier writes it had seen ({@code UnseenWrites}).
   */
  private Long beforeItsSync(long decision) {
    long first = decision;
    Long previous = decisions.lowerKey(first);
    while (previous != null && statusWrites.subSet(previous, false, first, false).isEmpty()) {
      first = previous;
      previous = decisions.lowerKey(first);
    }
    return previous;
  }

  /**
   * The most availability the ReplicaSets' statuses claimed beyond their specs, all sets together,
   * at any revision from {@code from} up to (not including) {@code to}.
   */
  private int phantomBetween(long from, long to) {
    TreeSet<Long> revisions = new TreeSet<>();
    revisions.add(from);
    for (TreeMap<Long, Integer> history : reported.values()) {
      revisions.addAll(history.subMap(from, false, to, false).keySet());
    }
    int most = 0;
    for (long r : revisions) {
      int phantom = 0;
      for (Map.Entry<String, TreeMap<Long, Integer>> e : reported.entrySet()) {
        Map.Entry<Long, Integer> status = e.getValue().floorEntry(r);
        Map.Entry<Long, Integer> spec = specs.get(e.getKey()).floorEntry(r);
        if (status != null && spec != null) {
          phantom += Math.max(0, status.getValue() - spec.getValue());
        }
      }
      most = Math.max(most, phantom);
    }
    return most;
  }

  /** The smallest spec.replicas of a set since the last settled state, up to {@code revision}. */
  private int smallestSpec(TreeMap<Long, Integer> history, long revision) {
    long from = Math.min(settledAt, revision);
    Map.Entry<Long, Integer> atStart = history.floorEntry(from);
    int smallest = atStart == null ? Integer.MAX_VALUE : atStart.getValue();
    for (int spec : history.subMap(from, false, revision, true).values()) {
      smallest = Math.min(smallest, spec);
    }
    return smallest;
  }

  /**
   * Waits until the ReplicaSet watch has delivered each of {@code sets} at least at the version
   * listed; a description of what it still lacks if it does not in time, else null.
   */
  private String awaitReplicaSetWatch(List<ReplicaSet> sets) throws InterruptedException {
    long deadline = System.nanoTime() + CATCH_UP_MILLIS * 1_000_000;
    for (ReplicaSet rs : sets) {
      long version = Long.parseLong(rs.getMetadata().getResourceVersion());
      while (true) {
        TreeMap<Long, Integer> seen = specs.get(hash(rs));
        if (seen != null && seen.lastKey() >= version) {
          break;
        }
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return "the ReplicaSet watch has not delivered " + hash(rs) + " at " + version;
        }
        wait(left);
      }
    }
    return null;
  }

  /**
   * The largest spec.replicas of the set with {@code hash} between the last settled state and
   * {@code revision} (a pod watch behind the driver can deliver an event from before it).
   */
  private int largestSpec(String hash, long revision) {
    TreeMap<Long, Integer> history = specs.get(hash);
    if (history == null) {
      return 0;
    }
    long from = Math.min(settledAt, revision);
    Map.Entry<Long, Integer> atStart = history.floorEntry(from);
    int largest = atStart == null ? 0 : atStart.getValue();
    for (int spec : history.subMap(from, false, revision, true).values()) {
      largest = Math.max(largest, spec);
    }
    return largest;
  }

  private static int spec(ReplicaSet rs) {
    return rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
  }

  private static String annotation(HasMetadata o, String key) {
    Map<String, String> a = o.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }

  /** The first violation seen, with the state that showed it; empty while none. */
  synchronized Optional<String> violation() {
    return Optional.ofNullable(violation);
  }

  synchronized boolean armed() {
    return armed;
  }

  /** Events seen, so that a run can show its checks were not vacuous. */
  synchronized long events() {
    return events;
  }

  /** States over the live bound that the ReplicaSets explained (see the class comment). */
  synchronized long surplusStates() {
    return surplusStates;
  }

  /**
   * States under the availability bound that deletions on a stale spec explained (see the class
   * comment).
   */
  synchronized long deficitStates() {
    return deficitStates;
  }

  /** Events checked against an armed availability bound. */
  synchronized long armedEvents() {
    return armedEvents;
  }

  /** Live, available and terminating pods by template hash, for messages. */
  synchronized String summary() {
    return summary(clock.now());
  }

  /** The first {@code max} live pods that are not available, as the last event showed them. */
  synchronized String unavailablePods(int max) {
    Instant now = clock.now();
    StringBuilder s = new StringBuilder();
    pods.values().stream()
        .filter(p -> isLive(p) && !isAvailable(p, now))
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .limit(max)
        .forEach(
            p ->
                s.append("\n    ")
                    .append(describe(p))
                    .append(" node ")
                    .append(p.getSpec() == null ? null : p.getSpec().getNodeName())
                    .append(" conditions ")
                    .append(p.getStatus() == null ? null : p.getStatus().getConditions())
                    .append(" containers ")
                    .append(p.getStatus() == null ? null : p.getStatus().getContainerStatuses()));
    return s.toString();
  }

  private String summary(Instant now) {
    Map<String, int[]> byHash = new TreeMap<>();
    for (Pod p : pods.values()) {
      int[] counts = byHash.computeIfAbsent(String.valueOf(hash(p)), h -> new int[4]);
      if (isLive(p)) {
        counts[0]++;
        if (isReady(p)) {
          counts[1]++;
        }
        if (isAvailable(p, now)) {
          counts[2]++;
        }
      } else {
        counts[3]++;
      }
    }
    StringBuilder s = new StringBuilder();
    byHash.forEach(
        (h, c) ->
            s.append(h)
                .append(": live ")
                .append(c[0])
                .append(" (ready ")
                .append(c[1])
                .append(", available ")
                .append(c[2])
                .append("), terminating or done ")
                .append(c[3])
                .append("; "));
    s.append("replicas ")
        .append(replicas)
        .append(", live bound ")
        .append(liveBound)
        .append(", availability bound ")
        .append(armed ? replicas - strategy.unavailable(replicas) : "disarmed");
    return s.toString();
  }

  private void remember(String event) {
    if (history.size() == HISTORY) {
      history.removeFirst();
    }
    history.addLast(event);
  }

  private String describe(Pod p) {
    return p.getMetadata().getName()
        + " rv "
        + p.getMetadata().getResourceVersion()
        + " hash "
        + hash(p)
        + (p.getMetadata().getDeletionTimestamp() != null ? " terminating" : "")
        + " phase "
        + (p.getStatus() == null ? null : p.getStatus().getPhase())
        + (isReady(p) ? " ready" : " not-ready");
  }

  private static String hash(HasMetadata o) {
    Map<String, String> labels = o.getMetadata().getLabels();
    return labels == null ? null : labels.get(HASH);
  }

  private static boolean isLive(Pod p) {
    if (p.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    return !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  private static PodCondition readyCondition(Pod p) {
    if (p.getStatus() == null || p.getStatus().getConditions() == null) {
      return null;
    }
    for (PodCondition c : p.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        return c;
      }
    }
    return null;
  }

  private static boolean isReady(Pod p) {
    PodCondition c = readyCondition(p);
    return c != null && "True".equals(c.getStatus());
  }

  /**
   * Ready, and for {@code minReadySeconds} by the condition's transition time (upstream's
   * IsPodAvailable, which compares with a strict "before"). "Now" is when the event is processed, a
   * few milliseconds after it happened: with {@code minReadySeconds > 0} a pod that turned
   * available in between counts as available.
   */
  private boolean isAvailable(Pod p, Instant now) {
    if (!isLive(p) || !isReady(p)) {
      return false;
    }
    if (minReadySeconds == 0) {
      return true;
    }
    String since = readyCondition(p).getLastTransitionTime();
    return since != null && Instant.parse(since).plusSeconds(minReadySeconds).isBefore(now);
  }
}
