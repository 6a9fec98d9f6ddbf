package io.skiff.e2e;

import org.junit.jupiter.api.Assumptions;

/**
 * What the e2e tests need from the machine (kubectl binaries): missing means a failure on CI
 * ({@code CI=true}) and a skipped test elsewhere, so that a developer without kubectl can still
 * build.
 */
final class Prerequisites {

  private Prerequisites() {}

  static boolean onCi() {
    return "true".equals(System.getenv("CI"));
  }

  /** Fails (on CI) or aborts (elsewhere) the running test unless {@code present}. */
  static void require(boolean present, String missing) {
    if (present) {
      return;
    }
    if (onCi()) {
      throw new AssertionError(missing + "; CI (CI=true) must have it");
    }
    Assumptions.abort(missing + " (a failure when CI=true)");
  }
}
