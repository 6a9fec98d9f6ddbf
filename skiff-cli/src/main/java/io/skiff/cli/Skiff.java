package io.skiff.cli;

import io.skiff.apiserver.VersionInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code skiff} command. */
@Command(
    name = "skiff",
    mixinStandardHelpOptions = true,
    versionProvider = Skiff.VersionProvider.class,
    description = "Kubernetes workloads in one JVM.",
    subcommands = {
      UpCommand.class,
      ControllerManagerCommand.class,
      VersionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Skiff implements Runnable {

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The parser with Skiff's conventions; tests drive it without exiting the JVM. */
  static CommandLine commandLine() {
    return new CommandLine(new Skiff()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  /** {@code skiff --version}: the same line as {@code skiff version}. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {VersionCommand.line(VersionInfo.current())};
    }
  }
}
