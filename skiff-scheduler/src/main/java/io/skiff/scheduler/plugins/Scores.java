package io.skiff.scheduler.plugins;

/** Score arithmetic the plugins share, as upstream's plugin helpers. */
final class Scores {

  private Scores() {}

  /** The highest score a plugin gives a node. */
  static final long MAX_NODE_SCORE = 100;

  /**
   * Upstream's {@code DefaultNormalizeScore}: scales the first {@code n} scores so the highest is
   * 100 (integer arithmetic), or turns them around ({@code 100 - score}) when {@code reverse}.
   */
  static void defaultNormalize(long[] scores, int n, boolean reverse) {
    long max = 0;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, scores[i]);
    }
    if (max == 0) {
      if (reverse) {
        for (int i = 0; i < n; i++) {
          scores[i] = MAX_NODE_SCORE;
        }
      }
      return;
    }
    for (int i = 0; i < n; i++) {
      long s = MAX_NODE_SCORE * scores[i] / max;
      scores[i] = reverse ? MAX_NODE_SCORE - s : s;
    }
  }
}
