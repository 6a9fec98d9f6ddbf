package io.skiff.cli;

import io.skiff.clock.Clock;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/** The end of a foreground command, from its shutdown hook. */
final class Shutdown {

  /** How long shutdown may take before the process exits regardless. */
  static final Duration GRACE = Duration.ofSeconds(15);

  private Shutdown() {}

  /**
   * Runs {@code close}, or halts with status 1 if it takes longer than {@link #GRACE}. If the
   * command was {@code serving}, that is the stop the user asked for, and it ends the process with
   * status 0 rather than the JVM's 128 + signal number; any other exit (a failed start-up, a signal
   * during start-up, a lost lease) keeps its own status.
   */
  static void run(
      Clock clock, Runnable close, AtomicBoolean serving, PrintWriter out, PrintWriter err) {
    Clock.Timer watchdog =
        clock.schedule(
            GRACE,
            () -> {
              err.println("skiff: shutdown took longer than " + GRACE + "; exiting");
              err.flush();
              Runtime.getRuntime().halt(1);
            });
    close.run();
    watchdog.cancel();
    if (serving.get()) {
      out.println("skiff: stopped");
      out.flush();
      err.flush();
      Runtime.getRuntime().halt(0);
    }
  }
}
