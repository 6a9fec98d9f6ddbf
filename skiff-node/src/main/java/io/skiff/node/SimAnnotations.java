package io.skiff.node;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code sim.skiff.io/} annotations that inject timing and failures into one pod (documented in
 * {@code docs/simulation.md}). A value that does not parse is ignored and reported.
 *
 * @param startDelay extra time before each container starts, after its image is there
 * @param readyDelay time after a container starts before it is ready (at least its readiness
 *     probe's initialDelaySeconds)
 * @param neverReady containers start but never become ready
 * @param crashAfter containers exit after running this long (with {@code exitCode}, default 1)
 * @param runTime containers exit after running this long (with {@code exitCode}, default 0)
 * @param exitCode the exit code of {@code crashAfter} or {@code runTime}
 * @param shutdownTime how long containers take to stop when the pod is deleted
 * @param problems what could not be parsed, as event messages
 */
record SimAnnotations(
    Duration startDelay,
    Duration readyDelay,
    boolean neverReady,
    Duration crashAfter,
    Duration runTime,
    Integer exitCode,
    Duration shutdownTime,
    List<String> problems) {

  static final String PREFIX = "sim.skiff.io/";
  static final String START_DELAY = PREFIX + "start-delay";
  static final String READY_DELAY = PREFIX + "ready-delay";
  static final String NEVER_READY = PREFIX + "never-ready";
  static final String CRASH_AFTER = PREFIX + "crash-after";
  static final String RUN_TIME = PREFIX + "run-time";
  static final String EXIT_CODE = PREFIX + "exit-code";
  static final String SHUTDOWN_TIME = PREFIX + "shutdown-time";

  /** On a Node: {@code stopped} stops its heartbeats until the annotation goes. */
  static final String HEARTBEAT = PREFIX + "heartbeat";

  static final SimAnnotations NONE =
      new SimAnnotations(null, null, false, null, null, null, null, List.of());

  static SimAnnotations of(HasMetadata obj) {
    Map<String, String> a = obj.getMetadata().getAnnotations();
    if (a == null || a.isEmpty()) {
      return NONE;
    }
    boolean any = false;
    for (String key : a.keySet()) {
      if (key.startsWith(PREFIX)) {
        any = true;
        break;
      }
    }
    if (!any) {
      return NONE;
    }
    List<String> problems = new ArrayList<>();
    Integer exit = null;
    String exitText = a.get(EXIT_CODE);
    if (exitText != null) {
      try {
        exit = Integer.parseInt(exitText.trim());
        if (exit < 0 || exit > 255) {
          problems.add(invalid(EXIT_CODE, exitText, "an exit code is 0 to 255"));
          exit = null;
        }
      } catch (NumberFormatException e) {
        problems.add(invalid(EXIT_CODE, exitText, "not an integer"));
      }
    }
    String never = a.get(NEVER_READY);
    boolean neverReady = false;
    if (never != null) {
      switch (never.trim().toLowerCase(Locale.ROOT)) {
        case "true" -> neverReady = true;
        case "false" -> neverReady = false;
        default -> problems.add(invalid(NEVER_READY, never, "want true or false"));
      }
    }
    return new SimAnnotations(
        duration(a, START_DELAY, problems),
        duration(a, READY_DELAY, problems),
        neverReady,
        duration(a, CRASH_AFTER, problems),
        duration(a, RUN_TIME, problems),
        exit,
        duration(a, SHUTDOWN_TIME, problems),
        List.copyOf(problems));
  }

  private static Duration duration(Map<String, String> a, String key, List<String> problems) {
    String text = a.get(key);
    if (text == null) {
      return null;
    }
    try {
      return GoDuration.parse(text);
    } catch (IllegalArgumentException e) {
      problems.add(invalid(key, text, e.getMessage()));
      return null;
    }
  }

  private static String invalid(String key, String value, String why) {
    return "Ignored annotation " + key + "=\"" + value + "\": " + why;
  }
}
