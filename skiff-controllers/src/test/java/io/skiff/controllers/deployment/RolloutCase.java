package io.skiff.controllers.deployment;

import io.skiff.controllers.deployment.RolloutBoundsChecker.Amount;
import io.skiff.controllers.deployment.RolloutBoundsChecker.Strategy;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One randomized rollout for {@link RolloutBoundsPropertyIT}, a pure function of its seed: a
 * Deployment (replicas 0–50, mostly RollingUpdate with maxSurge and maxUnavailable as counts or
 * percentages, sometimes Recreate, minReadySeconds mostly 0) and 2–6 operations with gaps between
 * them: template changes (image, env or only the simulated timings), rollbacks to an earlier
 * template, scale changes (spec or scale subresource), pause and resume. A paused case ends with a
 * resume; the driver then waits for convergence.
 *
 * @param seed what {@link #generate} made it from
 * @param replicas at creation
 * @param template at creation
 */
record RolloutCase(
    long seed,
    int replicas,
    Strategy strategy,
    int minReadySeconds,
    Template template,
    List<Step> steps) {

  static final int MAX_REPLICAS = 50;

  /**
   * A pod template, as the fields the test varies. Every template carries its version (an
   * annotation), so that two templates differ exactly when their versions do and the driver can
   * tell which ReplicaSet is the new one.
   *
   * @param image the image tag; a repository the image catalog does not list, so any tag pulls
   * @param env the value of the container's one env var
   * @param readyDelayMillis {@code sim.skiff.io/ready-delay}: a pod is Ready this long after start
   * @param startDelayMillis {@code sim.skiff.io/start-delay}
   * @param shutdownMillis {@code sim.skiff.io/shutdown-time}: how long a deleted pod terminates
   */
  record Template(
      int version,
      String image,
      int env,
      int readyDelayMillis,
      int startDelayMillis,
      int shutdownMillis) {

    @Override
    public String toString() {
      return "v"
          + version
          + "(image "
          + image
          + ", env "
          + env
          + ", ready-delay "
          + readyDelayMillis
          + "ms, start-delay "
          + startDelayMillis
          + "ms, shutdown "
          + shutdownMillis
          + "ms)";
    }
  }

  /** What the driver does to the Deployment. */
  sealed interface Op {}

  /** Writes spec.replicas, through the scale subresource or a patch of the Deployment. */
  record Scale(int replicas, boolean subresource) implements Op {
    @Override
    public String toString() {
      return "scale to " + replicas + (subresource ? " (scale subresource)" : " (patch)");
    }
  }

  /** Patches the pod template to {@code to}; {@code why} says what changed. */
  record ChangeTemplate(Template to, String why) implements Op {
    @Override
    public String toString() {
      return "template " + why + " -> " + to;
    }
  }

  record Pause() implements Op {
    @Override
    public String toString() {
      return "pause";
    }
  }

  record Resume() implements Op {
    @Override
    public String toString() {
      return "resume";
    }
  }

  /**
   * An operation and what comes before it: a sleep of {@code gapMillis}, or with {@link
   * #UNTIL_COMPLETE} a wait until the Deployment has completed (never generated while paused).
   */
  record Step(int gapMillis, Op op) {
    static final int UNTIL_COMPLETE = -1;

    @Override
    public String toString() {
      return (gapMillis == UNTIL_COMPLETE ? "once complete" : "after " + gapMillis + "ms")
          + ": "
          + op;
    }
  }

  /** The case of {@code seed}; the same seed gives the same case. */
  static RolloutCase generate(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int replicas = replicas(r);
    Strategy strategy = r.nextInt(20) == 0 ? Strategy.recreate() : rollingUpdate(r);
    // Rollouts of many small steps get short delays, so that every case takes seconds, not
    // minutes: a rollout's steps each wait for a readiness delay.
    int steps = stepsAt(strategy, MAX_REPLICAS);
    int readyMax = Math.clamp(2500 / steps, 0, 300);
    int minReadySeconds = steps <= 4 && r.nextInt(10) == 0 ? 1 : 0;

    List<Template> templates = new ArrayList<>();
    Template current = template(r, 1, "v1", 1, readyMax);
    templates.add(current);
    int latestVersion = 1;
    boolean paused = false;
    int size = replicas;
    Op previous = null;
    List<Step> out = new ArrayList<>();
    int n = 2 + r.nextInt(5);
    for (int i = 0; i < n; i++) {
      int gap;
      if (previous instanceof ChangeTemplate && r.nextInt(3) == 0) {
        gap = r.nextInt(60); // a rollover: the next change lands mid-rollout
      } else if (!paused && r.nextInt(4) == 0) {
        gap = Step.UNTIL_COMPLETE;
      } else {
        gap = r.nextInt(400);
      }
      int roll = r.nextInt(100);
      Op op;
      if (paused ? roll < 35 : roll >= 75) {
        op = paused ? new Resume() : new Pause();
        paused = !paused;
      } else if (paused ? roll < 70 : roll < 45) {
        if (templates.size() >= 2 && r.nextInt(8) == 0) {
          Template back;
          do {
            back = templates.get(r.nextInt(templates.size()));
          } while (back.equals(current));
          op = new ChangeTemplate(back, "rollback to v" + back.version());
          current = back;
        } else {
          latestVersion++;
          String why;
          String image = current.image();
          int env = current.env();
          switch (r.nextInt(3)) {
            case 0 -> {
              image = "v" + latestVersion;
              why = "image";
            }
            case 1 -> {
              env = latestVersion;
              why = "env";
            }
            default -> why = "timings";
          }
          current = template(r, latestVersion, image, env, readyMax);
          templates.add(current);
          op = new ChangeTemplate(current, why);
        }
      } else {
        int to;
        do {
          to = replicas(r);
        } while (to == size);
        size = to;
        op = new Scale(to, r.nextBoolean());
      }
      out.add(new Step(gap, op));
      previous = op;
    }
    if (paused) {
      out.add(new Step(r.nextInt(400), new Resume()));
    }
    return new RolloutCase(seed, replicas, strategy, minReadySeconds, templates.get(0), out);
  }

  private static int replicas(SplittableRandom r) {
    return r.nextInt(20) == 0 ? 0 : r.nextInt(MAX_REPLICAS + 1);
  }

  private static Strategy rollingUpdate(SplittableRandom r) {
    while (true) {
      Amount surge = amount(r);
      Amount unavailable = amount(r);
      // Validation refuses both zero ("may not be 0 when maxSurge is 0").
      if (!surge.isZero() || !unavailable.isZero()) {
        return Strategy.rollingUpdate(surge, unavailable);
      }
    }
  }

  private static Amount amount(SplittableRandom r) {
    if (r.nextBoolean()) {
      int[] usual = {0, 10, 25, 50, 100};
      return Amount.percent(r.nextInt(4) == 0 ? usual[r.nextInt(usual.length)] : r.nextInt(101));
    }
    return Amount.of(r.nextInt(3) == 0 ? r.nextInt(16) : r.nextInt(4));
  }

  /** Roughly how many waits for readiness a rollout of {@code replicas} makes. */
  private static int stepsAt(Strategy s, int replicas) {
    if (!s.rolling()) {
      return 1;
    }
    int perStep = Math.max(1, s.surge(replicas) + s.unavailable(replicas));
    return (replicas + perStep - 1) / perStep;
  }

  private static Template template(
      SplittableRandom r, int version, String image, int env, int readyMax) {
    return new Template(
        version, image, env, r.nextInt(readyMax + 1), r.nextInt(readyMax / 3 + 1), r.nextInt(201));
  }

  /** The whole case, for a failure message. */
  String describe() {
    StringBuilder s = new StringBuilder();
    s.append("replicas ")
        .append(replicas)
        .append(", ")
        .append(strategy)
        .append(", minReadySeconds ")
        .append(minReadySeconds)
        .append(", template ")
        .append(template);
    for (int i = 0; i < steps.size(); i++) {
      s.append("\n    ").append(i + 1).append(". ").append(steps.get(i));
    }
    s.append("\n    then: wait until complete");
    return s.toString();
  }
}
