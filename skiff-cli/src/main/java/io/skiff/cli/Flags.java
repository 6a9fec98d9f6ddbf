package io.skiff.cli;

import io.skiff.node.GoDuration;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** What {@code skiff up} and {@code skiff controller-manager} read alike. */
final class Flags {

  private Flags() {}

  /**
   * A Go duration flag, as the Kubernetes components read theirs.
   *
   * @throws ParameterException naming the flag, in Go's words
   */
  static Duration duration(CommandSpec command, String flag, String text) {
    try {
      return GoDuration.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), flag + ": " + e.getMessage());
    }
  }

  /** {@code -v}: info-level logs and the stack traces of failures. */
  static final class Verbose {
    @Option(
        names = {"-v", "--verbose"},
        description = "Log at info level and show stack traces of failures.")
    boolean verbose;

    /** Before anything logs: slf4j-simple reads its level when the first logger is made. */
    void applyToLogging() {
      if (verbose) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
      }
    }
  }

  /** kube-controller-manager's flag, for the node lifecycle controller wherever it runs. */
  static final class NodeMonitorGracePeriod {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(
        names = "--node-monitor-grace-period",
        paramLabel = "DURATION",
        defaultValue = "50s",
        description =
            "A node whose lease is older turns Unknown and gets the unreachable taint."
                + " Default: 50s")
    String text;

    Duration duration() {
      return Flags.duration(command, "--node-monitor-grace-period", text);
    }
  }
}
