package io.skiff.apiserver.cache;

import io.skiff.api.errors.StatusError;

/**
 * How a list reads, from its {@code resourceVersion}, {@code resourceVersionMatch}, {@code limit}
 * and {@code continue}: upstream's table in "API concepts" and its cacher's choice of serving from
 * the cache or from storage.
 *
 * @param revision the revision of {@link Mode#EXACT} and {@link Mode#NOT_OLDER_THAN}
 */
public record ListRead(Mode mode, long revision) {

  /** Where a list is read from. */
  public enum Mode {
    /** {@code resourceVersion} unset: the latest state, from the cache once it has caught up. */
    CONSISTENT,
    /** {@code resourceVersion=0}: any state the cache has, without waiting; no paging. */
    ANY,
    /** A state no older than the revision, from the cache once it has got there. */
    NOT_OLDER_THAN,
    /** The state at exactly the revision, from the store (as upstream does). */
    EXACT,
    /** The next page of a paged list, from the store at the token's revision. */
    CONTINUE
  }

  /**
   * @throws StatusError 400 for a resourceVersion that is no number, or one next to a continue
   */
  public static ListRead of(
      String resourceVersion, String resourceVersionMatch, int limit, String continueToken) {
    String rv = resourceVersion == null ? "" : resourceVersion;
    String match = resourceVersionMatch == null ? "" : resourceVersionMatch;
    if (continueToken != null && !continueToken.isEmpty()) {
      if (!rv.isEmpty() && !rv.equals("0")) {
        throw StatusError.badRequest(
            "specifying resource version is not allowed when using continue");
      }
      return new ListRead(Mode.CONTINUE, 0);
    }
    if (rv.isEmpty()) {
      return new ListRead(Mode.CONSISTENT, 0);
    }
    long revision = parseRevision(rv);
    if (match.equals("Exact")) {
      return new ListRead(Mode.EXACT, revision);
    }
    if (revision == 0) {
      return new ListRead(Mode.ANY, 0);
    }
    // The legacy form without a match reads exactly there when paged, else not older than there.
    if (match.isEmpty() && limit > 0) {
      return new ListRead(Mode.EXACT, revision);
    }
    return new ListRead(Mode.NOT_OLDER_THAN, revision);
  }

  /** A resourceVersion as a revision. */
  public static long parseRevision(String rv) {
    try {
      long v = Long.parseLong(rv);
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw StatusError.badRequest("invalid resource version \"" + rv + "\"");
    }
  }
}
