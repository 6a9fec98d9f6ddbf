package io.skiff.client;

/**
 * What a list (or a watch) selects, as the query parameters of the same names.
 *
 * @param labelSelector the query-string form ({@code app=web,tier in (a,b)}); null or empty for
 *     everything
 * @param fieldSelector e.g. {@code metadata.name=x,spec.nodeName=n1}; null or empty for everything
 * @param limit at most this many items in the page; 0 for all
 * @param continueToken the {@link ListPage#continueToken()} of the previous page, or null
 * @param resourceVersion with {@code resourceVersionMatch=Exact}, the revision to read at; lists
 *     otherwise read the latest state. Watches ignore both and take their start revision apart.
 * @param resourceVersionMatch {@code Exact} or null
 */
public record ListOptions(
    String labelSelector,
    String fieldSelector,
    int limit,
    String continueToken,
    String resourceVersion,
    String resourceVersionMatch) {

  private static final ListOptions ALL = new ListOptions(null, null, 0, null, null, null);

  /** Everything, in one page, at the latest revision. */
  public static ListOptions all() {
    return ALL;
  }

  public static ListOptions labelSelector(String selector) {
    return ALL.withLabelSelector(selector);
  }

  public static ListOptions fieldSelector(String selector) {
    return ALL.withFieldSelector(selector);
  }

  public ListOptions withLabelSelector(String selector) {
    return new ListOptions(
        selector, fieldSelector, limit, continueToken, resourceVersion, resourceVersionMatch);
  }

  public ListOptions withFieldSelector(String selector) {
    return new ListOptions(
        labelSelector, selector, limit, continueToken, resourceVersion, resourceVersionMatch);
  }

  public ListOptions withLimit(int max) {
    return new ListOptions(
        labelSelector, fieldSelector, max, continueToken, resourceVersion, resourceVersionMatch);
  }

  public ListOptions withContinue(String token) {
    return new ListOptions(
        labelSelector, fieldSelector, limit, token, resourceVersion, resourceVersionMatch);
  }

  /** Reads at exactly {@code revision} ({@code resourceVersionMatch=Exact}). */
  public ListOptions atExactly(long revision) {
    return new ListOptions(
        labelSelector, fieldSelector, limit, continueToken, String.valueOf(revision), "Exact");
  }

  public ListOptions withResourceVersion(String version, String match) {
    return new ListOptions(labelSelector, fieldSelector, limit, continueToken, version, match);
  }
}
