package io.skiff.apiserver.discovery;

import io.skiff.api.openapi.OpenApi;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * {@code /openapi/v2}, {@code /openapi/v3} and {@code /openapi/v3/<group-version>}, negotiated and
 * cached as kube-openapi's handler and handler3 do it. Documents are built on first request (the
 * schemas take a while to load) and kept: the served resources never change in a running server.
 */
final class OpenApiEndpoints {

  static final String JSON = "application/json";

  /**
   * What kube-openapi answers for both protobuf Accept forms. kubectl asks with the {@code @} form,
   * but Go's mime parser rejects {@code @}, so a response carrying it fails in kubectl 1.27/1.28.
   */
  static final String V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

  private static final String V2_PROTOBUF_SUBTYPE =
      "com.github.proto-openapi.spec.v2.v1.0+protobuf";
  private static final String V2_PROTOBUF_SUBTYPE_DEPRECATED =
      "com.github.proto-openapi.spec.v2@v1.0+protobuf";

  /** A rendered document and its ETag (unquoted). */
  private record Rendered(byte[] body, String etag) {
    static Rendered of(byte[] body) {
      return new Rendered(body, Http.sha512Hex(body));
    }
  }

  /** One media type the v2 endpoint can produce, in kube-openapi's order of preference. */
  private record Offer(String subType, String contentType, Supplier<Rendered> document) {}

  private final OpenApi openApi;
  private final List<Offer> v2Offers;
  private final ConcurrentMap<String, Rendered> v3Documents = new ConcurrentHashMap<>();
  private Rendered v2Json;
  private Rendered v2Protobuf;
  private Rendered v3Index;

  OpenApiEndpoints(OpenApi openApi) {
    this.openApi = openApi;
    this.v2Offers =
        List.of(
            new Offer("json", JSON, this::v2Json),
            new Offer(V2_PROTOBUF_SUBTYPE_DEPRECATED, V2_PROTOBUF, this::v2Protobuf),
            new Offer(V2_PROTOBUF_SUBTYPE, V2_PROTOBUF, this::v2Protobuf));
  }

  /** The first clause of the Accept header that names a type on offer wins; none gives 406. */
  Answer v2(String accept, String ifNoneMatch) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Vary", "Accept");
    for (MediaRange clause : clauses(accept)) {
      for (Offer offer : v2Offers) {
        if (clause.matches("application", offer.subType())) {
          return serve(offer.contentType(), offer.document().get(), headers, ifNoneMatch);
        }
      }
    }
    return Answer.notAcceptable(headers);
  }

  /** The v3 index is JSON whatever the Accept header says, as upstream serves it. */
  Answer v3Index(String ifNoneMatch) {
    return serve(JSON, v3IndexDocument(), new LinkedHashMap<>(), ifNoneMatch);
  }

  /**
   * One group-version document. With a {@code hash} parameter (the index's links carry one) the
   * answer may be cached forever, and a hash that no longer matches is redirected to the current
   * link, as handler3 does for a client holding a stale index.
   */
  Optional<Answer> v3Document(String path, String query, String accept, String ifNoneMatch) {
    Rendered rendered = v3Documents.get(path);
    if (rendered == null) {
      // Unknown paths are not remembered: any client could otherwise grow the map without bound.
      Optional<byte[]> body = openApi.v3Document(path);
      if (body.isEmpty()) {
        return Optional.empty();
      }
      rendered = v3Documents.computeIfAbsent(path, p -> Rendered.of(body.get()));
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Vary", "Accept");
    for (MediaRange clause : clauses(accept)) {
      // The protobuf forms of v3 are not served; a client listing JSON after them still gets JSON.
      if (!clause.matches("application", "json")) {
        continue;
      }
      headers.put("ETag", Http.quote(rendered.etag()));
      Optional<String> hash = Http.queryParam(query, "hash").filter(h -> !h.isEmpty());
      if (hash.isPresent()) {
        if (!hash.get().equals(rendered.etag())) {
          // Go's http.Redirect writes no body once a Content-Type is set, as handler3 has done.
          headers.put("Location", "/openapi/v3/" + path + "?hash=" + rendered.etag());
          return Optional.of(Answer.movedPermanently(JSON, headers));
        }
        // Upstream adds an Expires a year ahead; immutable already tells caches the same.
        headers.put("Cache-Control", "public, immutable");
      }
      return Optional.of(serve(JSON, rendered, headers, ifNoneMatch));
    }
    return Optional.of(Answer.notAcceptable(headers));
  }

  private static Answer serve(
      String contentType, Rendered doc, Map<String, String> headers, String ifNoneMatch) {
    String etag = Http.quote(doc.etag());
    headers.put("ETag", etag);
    if (Http.noneMatchHits(ifNoneMatch, etag)) {
      return Answer.notModified(headers);
    }
    return Answer.ok(contentType, doc.body(), headers);
  }

  /** kube-openapi treats a missing Accept header as {@code *}{@code /*}. */
  private static List<MediaRange> clauses(String accept) {
    return MediaRange.parse(accept == null || accept.isEmpty() ? "*/*" : accept);
  }

  private synchronized Rendered v2Json() {
    if (v2Json == null) {
      v2Json = Rendered.of(openApi.v2Json());
    }
    return v2Json;
  }

  private synchronized Rendered v2Protobuf() {
    if (v2Protobuf == null) {
      v2Protobuf = Rendered.of(openApi.v2Protobuf());
    }
    return v2Protobuf;
  }

  private synchronized Rendered v3IndexDocument() {
    if (v3Index == null) {
      v3Index = Rendered.of(openApi.v3Index());
    }
    return v3Index;
  }
}
