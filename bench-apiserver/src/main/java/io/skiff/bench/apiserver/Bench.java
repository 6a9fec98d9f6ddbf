package io.skiff.bench.apiserver;

import io.skiff.bench.apiserver.Results.ClosedLoop;
import io.skiff.bench.apiserver.Results.Lists;
import io.skiff.bench.apiserver.Results.OpenLoop;
import io.skiff.bench.apiserver.Results.TargetResult;
import io.skiff.bench.apiserver.Results.Watches;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Runs every scenario against every target, one target after the other in this process. Each
 * scenario gets a freshly started server, so that it measures the same state on every target
 * (empty, or holding exactly the objects it prefilled) rather than whatever the scenarios before it
 * left.
 */
final class Bench {

  /**
   * What to run.
   *
   * @param warmup per target, before its scenarios: open- and closed-loop creates, gets, lists and
   *     a short watch on a throwaway server, so that both the server's code and the client's are
   *     compiled
   * @param rate open-loop creates per second
   * @param openDuration how long the open-loop run sends
   * @param maxInFlight most open-loop requests outstanding at once
   * @param clients closed-loop workers for creates, gets and the watch scenario's creates
   * @param duration each closed-loop run (creates, gets, each list size)
   * @param getObjects objects that the get scenario reads at random
   * @param listSizes objects in the namespace for each list run
   * @param listClients closed-loop workers listing
   * @param watchers watches open during the watch scenario
   * @param watchEvents objects created during the watch scenario
   * @param tmpDir where the SQLite databases go
   */
  record Settings(
      List<TargetKind> targets,
      ObjectKind kind,
      Duration warmup,
      int rate,
      Duration openDuration,
      int maxInFlight,
      int clients,
      Duration duration,
      int getObjects,
      List<Integer> listSizes,
      int listClients,
      int watchers,
      int watchEvents,
      Path tmpDir) {
    Settings {
      targets = List.copyOf(targets);
      listSizes = List.copyOf(listSizes);
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(tmpDir, "tmpDir");
      positive("rate", rate);
      positive("max in flight", maxInFlight);
      positive("clients", clients);
      positive("get objects", getObjects);
      positive("list clients", listClients);
      positive("watchers", watchers);
      positive("watch events", watchEvents);
      listSizes.forEach(size -> positive("list size", size));
      if (targets.isEmpty()) {
        throw new IllegalArgumentException("no target to run");
      }
      if (warmup.isNegative() || !openDuration.isPositive() || !duration.isPositive()) {
        throw new IllegalArgumentException("durations must be positive (the warmup may be 0)");
      }
    }

    private static void positive(String what, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(what + " must be at least 1: " + value);
      }
    }
  }

  private final Settings settings;
  private final PrintStream progress;

  /** When the run began: each progress line says how far in it is, to match with a GC log. */
  private final long began = System.nanoTime();

  Bench(Settings settings, PrintStream progress) {
    this.settings = settings;
    this.progress = progress;
  }

  /**
   * Warms every target up, then measures each in turn: so that no target is measured while the load
   * generator, or code that it shares with another target, is still being compiled.
   */
  List<TargetResult> run() throws IOException, InterruptedException {
    if (settings.warmup().isPositive()) {
      for (TargetKind target : settings.targets()) {
        warmup(target);
      }
    }
    List<TargetResult> results = new ArrayList<>();
    for (TargetKind target : settings.targets()) {
      results.add(measure(target));
    }
    return results;
  }

  private void warmup(TargetKind target) throws IOException, InterruptedException {
    Settings s = settings;
    step(target, "warmup " + seconds(s.warmup()));
    onFreshServer(
        target,
        "warmup",
        client -> {
          // Every request kind, the reads on whatever the creates managed.
          Duration quarter = s.warmup().dividedBy(4);
          client.createNamespace("warmup-open");
          Scenarios.openLoopCreates(client, "warmup-open", s.rate(), quarter, s.maxInFlight());
          long created =
              Scenarios.closedLoopCreates(client, "warmup", s.clients(), quarter).stored();
          int objects = (int) Math.min(created, s.getObjects());
          if (objects > 0) {
            Scenarios.gets(client, "warmup", "c-", objects, s.clients(), quarter);
            Scenarios.lists(client, "warmup", (int) created, s.listClients(), quarter);
          }
          client.createNamespace("warmup-watch");
          return Scenarios.watches(client, "warmup-watch", 2, 50, s.clients());
        });
  }

  private TargetResult measure(TargetKind target) throws IOException, InterruptedException {
    Settings s = settings;
    step(target, "open-loop creates, " + s.rate() + "/s for " + seconds(s.openDuration()));
    OpenLoop open =
        onFreshServer(
            target,
            "open",
            client ->
                Scenarios.openLoopCreates(
                    client, "open", s.rate(), s.openDuration(), s.maxInFlight()));

    step(target, "closed-loop creates, " + s.clients() + " clients");
    ClosedLoop creates =
        onFreshServer(
            target,
            "closed",
            client -> Scenarios.closedLoopCreates(client, "closed", s.clients(), s.duration()));

    step(target, "gets, " + s.clients() + " clients over " + s.getObjects() + " objects");
    ClosedLoop gets =
        onFreshServer(
            target,
            "get",
            client -> {
              Scenarios.fill(client, "get", "g-", s.getObjects(), s.clients());
              return Scenarios.gets(client, "get", "g-", s.getObjects(), s.clients(), s.duration());
            });

    List<Lists> lists = new ArrayList<>();
    for (int size : s.listSizes()) {
      step(target, "lists of " + size + ", " + s.listClients() + " clients");
      lists.add(
          onFreshServer(
              target,
              "list",
              client -> {
                Scenarios.fill(client, "list", "l-", size, s.clients());
                return Scenarios.lists(client, "list", size, s.listClients(), s.duration());
              }));
    }

    step(target, "watch, " + s.watchers() + " watchers, " + s.watchEvents() + " creates");
    Watches watch =
        onFreshServer(
            target,
            "watch",
            client ->
                Scenarios.watches(client, "watch", s.watchers(), s.watchEvents(), s.clients()));
    return new TargetResult(target, open, creates, gets, List.copyOf(lists), watch);
  }

  @FunctionalInterface
  private interface Scenario<T> {
    T run(LoadClient client) throws IOException, InterruptedException;
  }

  private <T> T onFreshServer(TargetKind target, String namespace, Scenario<T> scenario)
      throws IOException, InterruptedException {
    try (Target server = Target.start(target, settings.tmpDir());
        LoadClient client = new LoadClient(server, settings.kind())) {
      client.createNamespace(namespace);
      return scenario.run(client);
    }
  }

  private void step(TargetKind target, String what) {
    double seconds = (System.nanoTime() - began) / 1e9;
    progress.printf(Locale.ROOT, "[%6.1f s] %-13s %s%n", seconds, target.label(), what);
    progress.flush();
  }

  static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
