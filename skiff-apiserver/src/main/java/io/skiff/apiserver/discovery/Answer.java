package io.skiff.apiserver.discovery;

import java.util.Map;

/**
 * A complete HTTP answer to a discovery or OpenAPI request, for the router to write as is.
 *
 * @param status the HTTP status: 200, or 304 (If-None-Match matched), 301 (a stale OpenAPI v3
 *     hash), 406 (nothing in the Accept header can be served)
 * @param contentType the Content-Type header; empty when the answer has no body and upstream sends
 *     none (304, 406)
 * @param body the body; empty for 301, 304 and 406
 * @param headers further headers (ETag, Vary, Cache-Control, Location). They replace any header of
 *     the same name the router sets by default: upstream's handlers overwrite the {@code
 *     Cache-Control: no-cache, private} of its filter chain the same way.
 */
public record Answer(int status, String contentType, byte[] body, Map<String, String> headers) {

  private static final byte[] NONE = new byte[0];

  public Answer {
    headers = Map.copyOf(headers);
  }

  static Answer ok(String contentType, byte[] body, Map<String, String> headers) {
    return new Answer(200, contentType, body, headers);
  }

  static Answer notModified(Map<String, String> headers) {
    return new Answer(304, "", NONE, headers);
  }

  static Answer notAcceptable(Map<String, String> headers) {
    return new Answer(406, "", NONE, headers);
  }

  static Answer movedPermanently(String contentType, Map<String, String> headers) {
    return new Answer(301, contentType, NONE, headers);
  }
}
