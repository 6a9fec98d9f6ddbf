package io.skiff.bench.apiserver;

import io.skiff.bench.apiserver.Results.ClosedLoop;
import io.skiff.bench.apiserver.Results.Latency;
import io.skiff.bench.apiserver.Results.Lists;
import io.skiff.bench.apiserver.Results.OpenLoop;
import io.skiff.bench.apiserver.Results.TargetResult;
import io.skiff.bench.apiserver.Results.Watches;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/** The side-by-side table, the targets of the issue and the consistency checks. */
final class Report {

  /** The targets: p99 create latency at 1,000 creates/s, and create throughput vs mock. */
  static final double P99_TARGET_MS = 10;

  static final int P99_TARGET_RATE = 1000;
  static final double THROUGHPUT_TARGET_RATIO = 3;

  private static final int LABEL = 44;
  private static final int COLUMN = 15;

  private final Bench.Settings settings;
  private final List<TargetResult> results;
  private final TargetResult mock;

  Report(Bench.Settings settings, List<TargetResult> results) {
    this.settings = settings;
    this.results = results;
    this.mock =
        results.stream().filter(r -> r.target() == TargetKind.MOCK).findFirst().orElse(null);
  }

  void print(PrintStream out) {
    out.println();
    header(out);
    OpenLoop o0 = results.getFirst().openLoop();
    section(
        out,
        "create, open loop "
            + o0.rate()
            + "/s for "
            + Bench.seconds(o0.duration())
            + " (latency from intended send)");
    latencyRows(out, r -> r.openLoop().latency(), true);
    number(out, "  achieved (creates/s)", r -> r.openLoop().perSecond(), true);
    text(
        out,
        "  ok / failed / not sent",
        r -> r.openLoop().succeeded() + "/" + r.openLoop().failed() + "/" + r.openLoop().notSent());

    section(out, "create, closed loop, " + settings.clients() + " clients");
    number(out, "  creates/s", r -> r.creates().perSecond(), true);
    latencyRows(out, r -> r.creates().latency(), false);
    text(out, "  ok / failed", r -> r.creates().succeeded() + "/" + r.creates().failed());

    section(
        out,
        "get by name, " + settings.clients() + " clients, " + settings.getObjects() + " objects");
    number(out, "  gets/s", r -> r.gets().perSecond(), true);
    latencyRows(out, r -> r.gets().latency(), false);
    text(out, "  ok / failed", r -> r.gets().succeeded() + "/" + r.gets().failed());

    for (int i = 0; i < settings.listSizes().size(); i++) {
      int index = i;
      Function<TargetResult, Lists> list = r -> r.lists().get(index);
      section(
          out,
          "list of "
              + settings.listSizes().get(i)
              + " objects, whole, "
              + settings.listClients()
              + " clients");
      number(out, "  lists/s", r -> list.apply(r).perSecond(), true);
      number(out, "  objects/s", r -> list.apply(r).perSecond() * list.apply(r).size(), true);
      number(out, "  body (KiB)", r -> list.apply(r).bytesPerList() / 1024, false);
      number(out, "  p99 (ms)", r -> list.apply(r).latency().p99(), false);
      text(out, "  ok / failed", r -> list.apply(r).succeeded() + "/" + list.apply(r).failed());
    }

    section(
        out,
        "watch, "
            + settings.watchers()
            + " watchers, "
            + settings.watchEvents()
            + " creates from "
            + settings.clients()
            + " clients");
    number(out, "  events delivered/s", r -> r.watch().perSecond(), true);
    number(out, "  delivery p50 (ms)", r -> r.watch().delivery().p50(), false);
    number(out, "  delivery p99 (ms)", r -> r.watch().delivery().p99(), false);
    text(out, "  delivered / expected", r -> r.watch().delivered() + "/" + r.watch().expected());

    out.println();
    targets(out);
    out.println();
    checks(out);
  }

  private void header(PrintStream out) {
    StringBuilder line = new StringBuilder(pad("", LABEL));
    for (TargetResult r : results) {
      line.append(cell(r.target().label()));
    }
    for (TargetResult r : ratioResults()) {
      line.append(cell(shortName(r.target()) + "/mock"));
    }
    out.println(line);
  }

  private void section(PrintStream out, String title) {
    out.println(title);
  }

  private void latencyRows(
      PrintStream out, Function<TargetResult, Latency> latency, boolean withTail) {
    number(out, "  p50 (ms)", r -> latency.apply(r).p50(), false);
    number(out, "  p99 (ms)", r -> latency.apply(r).p99(), false);
    if (withTail) {
      number(out, "  p99.9 (ms)", r -> latency.apply(r).p999(), false);
      number(out, "  max (ms)", r -> latency.apply(r).max(), false);
    }
  }

  private void number(
      PrintStream out, String label, ToDoubleFunction<TargetResult> value, boolean rate) {
    StringBuilder line = new StringBuilder(pad(label, LABEL));
    for (TargetResult r : results) {
      line.append(cell(format(value.applyAsDouble(r), rate)));
    }
    if (mock != null) {
      double base = value.applyAsDouble(mock);
      for (TargetResult r : ratioResults()) {
        line.append(cell(ratio(value.applyAsDouble(r), base)));
      }
    }
    out.println(line.toString().stripTrailing());
  }

  private void text(PrintStream out, String label, Function<TargetResult, String> value) {
    StringBuilder line = new StringBuilder(pad(label, LABEL));
    for (TargetResult r : results) {
      line.append(cell(value.apply(r)));
    }
    out.println(line.toString().stripTrailing());
  }

  private void targets(PrintStream out) {
    out.println("targets");
    for (TargetResult r : skiffResults()) {
      OpenLoop o = r.openLoop();
      String verdict;
      if (o.rate() < P99_TARGET_RATE) {
        verdict = "not measured (rate " + o.rate() + "/s < " + P99_TARGET_RATE + "/s)";
      } else {
        boolean met = o.latency().p99() <= P99_TARGET_MS && o.failed() == 0 && o.notSent() == 0;
        verdict = (met ? "met" : "MISSED") + " (" + format(o.latency().p99(), false) + " ms)";
      }
      out.printf(
          "  %-13s p99 create at %,d/s <= %.0f ms: %s%n",
          r.target().label(), P99_TARGET_RATE, P99_TARGET_MS, verdict);
    }
    if (mock == null) {
      out.println("  (no mock in this run: no throughput ratio)");
      return;
    }
    for (TargetResult r : skiffResults()) {
      double x = r.creates().perSecond() / mock.creates().perSecond();
      out.printf(
          "  %-13s closed-loop creates >= %.0fx mock: %s (%s)%n",
          r.target().label(),
          THROUGHPUT_TARGET_RATIO,
          x >= THROUGHPUT_TARGET_RATIO ? "met" : "MISSED",
          ratio(r.creates().perSecond(), mock.creates().perSecond()));
    }
  }

  /** Everything that would make a figure meaningless: failures, losses, short counts. */
  List<String> problems() {
    List<String> problems = new ArrayList<>();
    for (TargetResult r : results) {
      String t = r.target().label() + ": ";
      OpenLoop o = r.openLoop();
      if (o.failed() > 0) {
        problems.add(t + o.failed() + " open-loop creates failed (first: " + o.firstError() + ")");
      }
      if (o.stored() != o.succeeded()) {
        problems.add(
            t + o.succeeded() + " open-loop creates acknowledged, " + o.stored() + " listed");
      }
      closedProblems(problems, t + "closed-loop creates", r.creates());
      closedProblems(problems, t + "gets", r.gets());
      for (Lists l : r.lists()) {
        if (l.verifiedItems() != l.size()) {
          problems.add(t + "a list of " + l.size() + " returned " + l.verifiedItems() + " items");
        }
        if (l.failed() > 0) {
          problems.add(t + l.failed() + " lists failed (first: " + l.firstError() + ")");
        }
      }
      Watches w = r.watch();
      if (w.createsFailed() > 0 || w.delivered() != w.expected()) {
        problems.add(
            t
                + "watch: "
                + w.createsFailed()
                + " creates failed, "
                + w.delivered()
                + " of "
                + w.expected()
                + " events delivered (first error: "
                + w.firstError()
                + ")");
      }
    }
    return problems;
  }

  private static void closedProblems(List<String> problems, String what, ClosedLoop c) {
    if (c.failed() > 0) {
      problems.add(what + ": " + c.failed() + " failed (first: " + c.firstError() + ")");
    }
    if (c.stored() >= 0 && c.stored() != c.succeeded()) {
      problems.add(what + ": " + c.succeeded() + " acknowledged, " + c.stored() + " listed");
    }
  }

  /**
   * Servers that could not keep up with the open-loop rate: a measurement, not a fault, but their
   * open-loop latencies are lower bounds (the requests never sent would have waited longest).
   */
  List<String> notes() {
    List<String> notes = new ArrayList<>();
    for (TargetResult r : results) {
      OpenLoop o = r.openLoop();
      if (o.notSent() > 0) {
        notes.add(
            r.target().label()
                + " fell behind the open-loop rate: "
                + o.notSent()
                + " of "
                + o.planned()
                + " creates not sent by the cut-off; its open-loop latencies are lower bounds");
      }
    }
    return notes;
  }

  private void checks(PrintStream out) {
    notes().forEach(n -> out.println("note: " + n));
    List<String> problems = problems();
    if (problems.isEmpty()) {
      out.println(
          "checks: every request sent succeeded, every acknowledged create was listed afterwards,"
              + " every event reached every watcher");
      return;
    }
    out.println("checks FAILED (the figures above are suspect):");
    problems.forEach(p -> out.println("  " + p));
  }

  private List<TargetResult> skiffResults() {
    return results.stream().filter(r -> r.target() != TargetKind.MOCK).toList();
  }

  /** The Skiff targets that get a ratio column: none without the mock to divide by. */
  private List<TargetResult> ratioResults() {
    return mock == null ? List.of() : skiffResults();
  }

  private static String shortName(TargetKind kind) {
    return kind.label().substring(kind.label().indexOf('-') + 1);
  }

  private static String format(double value, boolean rate) {
    if (Double.isNaN(value)) {
      return "-";
    }
    if (rate || value >= 100) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    return String.format(Locale.ROOT, value >= 10 ? "%.1f" : "%.2f", value);
  }

  private static String ratio(double value, double base) {
    if (Double.isNaN(value) || Double.isNaN(base) || base == 0) {
      return "-";
    }
    double x = value / base;
    // Two significant digits below 0.1, so that a latency 400 times lower does not read 0.00x.
    String format = x >= 10 ? "%.1fx" : x >= 0.1 ? "%.2fx" : "%.2gx";
    return String.format(Locale.ROOT, format, x);
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
  }

  /** Right-aligned in its column, so that the digits line up. */
  private static String cell(String s) {
    return s.length() >= COLUMN - 1 ? " " + s : " ".repeat(COLUMN - s.length()) + s;
  }
}
