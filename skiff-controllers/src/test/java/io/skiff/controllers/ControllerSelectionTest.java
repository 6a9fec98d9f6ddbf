package io.skiff.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skiff.clock.ManualClock;
import io.skiff.controllers.nodelifecycle.NodeLifecycleController;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.ControllerSelection;
import io.skiff.controllers.testing.FakeKubeClient;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** kube-controller-manager's {@code --controllers} over the controllers Skiff runs. */
class ControllerSelectionTest {

  private static final List<String> ALL_REGISTERED =
      List.of(
          "nodelifecycle",
          "taint-eviction-controller",
          "disruption",
          "deployment",
          "replicaset",
          "replicationcontroller",
          "garbagecollector",
          "namespace",
          "podgc",
          "statefulset",
          "daemonset",
          "job",
          "cronjob",
          "ttl-after-finished");

  /** The names a manager made for {@code --controllers=<flag>} registers its controllers under. */
  private static List<String> registered(List<String> flag) {
    ManualClock clock = new ManualClock();
    ControllerContext ctx = ControllerContext.of(new FakeKubeClient(clock), clock);
    return Controllers.selected(
            ctx, NodeLifecycleController.DEFAULT_MONITOR_GRACE_PERIOD, Controllers.selection(flag))
        .names();
  }

  static Stream<Arguments> selections() {
    List<String> allButDeployment =
        ALL_REGISTERED.stream().filter(n -> !n.equals("deployment")).toList();
    return Stream.of(
        Arguments.of(List.of("*"), ALL_REGISTERED),
        Arguments.of(List.of("*", "-deployment-controller"), allButDeployment),
        Arguments.of(List.of("-deployment", "*"), allButDeployment),
        Arguments.of(List.of("*", "-deployment"), allButDeployment),
        // Without * only what is named runs; old and new names mean the same controller.
        Arguments.of(List.of("job-controller", "replicaset"), List.of("replicaset", "job")),
        Arguments.of(List.of("taint-eviction-controller"), List.of("taint-eviction-controller")),
        // The first entry that names a controller decides.
        Arguments.of(List.of("deployment", "-deployment-controller"), List.of("deployment")),
        Arguments.of(List.of("-deployment", "deployment"), List.of()),
        // --controllers= : nothing.
        Arguments.of(List.of(""), List.of()),
        Arguments.of(List.of(), List.of()));
  }

  @ParameterizedTest(name = "--controllers={0}")
  @MethodSource("selections")
  void upstreamsRulesPickTheControllers(List<String> flag, List<String> expected) {
    assertThat(registered(flag)).containsExactlyElementsOf(expected);
  }

  @Test
  void everyControllerRunsByDefault() {
    ManualClock clock = new ManualClock();
    assertThat(Controllers.all(ControllerContext.of(new FakeKubeClient(clock), clock)).names())
        .containsExactlyElementsOf(ALL_REGISTERED);
    assertThat(Controllers.NAMES)
        .hasSize(ALL_REGISTERED.size())
        .contains("node-lifecycle-controller", "pod-garbage-collector-controller")
        .allMatch(n -> n.endsWith("-controller"));
  }

  @Test
  void aliasesAreResolvedToCanonicalNames() {
    assertThat(Controllers.selection(List.of("*", "-podgc", "garbagecollector")).entries())
        .containsExactly("*", "-pod-garbage-collector-controller", "garbage-collector-controller");
  }

  @Test
  void anUnknownControllerIsRefusedWithUpstreamsText() {
    assertThatThrownBy(() -> Controllers.selection(List.of("*", "-endpoints-controller")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("\"endpoints-controller\" is not in the list of known controllers");
    assertThatThrownBy(() -> Controllers.selection(List.of("foo", "deployment", "-bar")))
        .hasMessage(
            "[\"foo\" is not in the list of known controllers,"
                + " \"bar\" is not in the list of known controllers]");
  }

  @Test
  void theDefaultSelectionEnablesAnyName() {
    assertThat(ControllerSelection.ALL.isEnabled("deployment-controller")).isTrue();
    assertThat(ControllerSelection.ALL.entries()).containsExactly("*");
  }
}
