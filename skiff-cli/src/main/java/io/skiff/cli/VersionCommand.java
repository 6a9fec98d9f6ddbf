package io.skiff.cli;

import io.skiff.apiserver.VersionInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code skiff version}: what this build is and which Kubernetes API it serves. */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    versionProvider = Skiff.VersionProvider.class,
    description = "Print the version of Skiff and of the Kubernetes API.")
final class VersionCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().println(line(VersionInfo.current()));
    return 0;
  }

  static String line(VersionInfo v) {
    String commit = v.gitCommit().length() > 12 ? v.gitCommit().substring(0, 12) : v.gitCommit();
    return "skiff "
        + VersionInfo.skiffVersion()
        + " (Kubernetes "
        + v.gitVersion()
        + ", commit "
        + commit
        + (v.gitTreeState().equals("dirty") ? "-dirty" : "")
        + ", built "
        + v.buildDate()
        + ", "
        + v.goVersion()
        + ", "
        + v.platform()
        + ")";
  }
}
