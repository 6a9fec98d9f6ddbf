package io.skiff.apiserver.discovery;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.openapi.OpenApi;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * API discovery ({@code /api}, {@code /apis} and below) and the OpenAPI endpoints, the documents
 * kubectl reads before anything else.
 *
 * <p>{@code /api} and {@code /apis} answer in the aggregated form ({@code APIGroupDiscoveryList},
 * every resource in one response) when the Accept header negotiates it, and in the legacy form
 * otherwise; kubectl tells them apart by the response's Content-Type and then, for the legacy form,
 * fetches one {@code APIResourceList} per group-version. Both forms describe the same resources.
 *
 * <p>Thread-safe; the discovery documents are rendered once, at construction.
 */
public final class Discovery {

  /** The Content-Type of aggregated discovery, version {@code v2} (kubectl 1.30 and later). */
  public static final String AGGREGATED_V2 = aggregatedType("v2");

  /** The Content-Type of aggregated discovery, version {@code v2beta1} (kubectl 1.26–1.29). */
  public static final String AGGREGATED_V2BETA1 = aggregatedType("v2beta1");

  private static final String JSON = "application/json";
  private static final List<String> AGGREGATED_VERSIONS = List.of("v2", "v2beta1");

  private final DiscoveryDocuments documents;
  private final OpenApiEndpoints openApi;
  private final String coreEtag;
  private final String groupsEtag;

  /** A server whose {@code /api} reports an empty server address (kubectl never reads it). */
  public Discovery(ResourceRegistry registry, OpenApi openApi, ObjectMapper mapper) {
    this(registry, openApi, mapper, "");
  }

  /**
   * @param serverAddress the {@code host:port} that {@code /api} reports for clients of any address
   *     ({@code serverAddressByClientCIDRs}); upstream reports its advertised address
   */
  public Discovery(
      ResourceRegistry registry, OpenApi openApi, ObjectMapper mapper, String serverAddress) {
    this.documents = new DiscoveryDocuments(registry, mapper, serverAddress);
    this.openApi = new OpenApiEndpoints(openApi);
    // Upstream hashes the v2 document and answers both versions with that ETag (Vary: Accept
    // keeps caches apart).
    this.coreEtag = Http.quote(Http.sha512Hex(documents.aggregatedCore("v2")));
    this.groupsEtag = Http.quote(Http.sha512Hex(documents.aggregatedGroups("v2")));
  }

  /** {@link #answer(String, String, String, String)} without a cache validator. */
  public Optional<Answer> answer(String path, String query, String acceptHeader) {
    return answer(path, query, acceptHeader, null);
  }

  /**
   * The answer to a GET of {@code path}, or empty if the path is none of these endpoints (the
   * router then answers 404).
   *
   * @param path the request path, without the query
   * @param query the raw query string without {@code ?}, or null
   * @param acceptHeader the Accept header, or null
   * @param ifNoneMatch the If-None-Match header, or null; a match gives a 304
   */
  public Optional<Answer> answer(
      String path, String query, String acceptHeader, String ifNoneMatch) {
    if (path == null) {
      return Optional.empty();
    }
    switch (path) {
      case "/openapi/v2" -> {
        return Optional.of(openApi.v2(acceptHeader, ifNoneMatch));
      }
      case "/openapi/v3" -> {
        return Optional.of(openApi.v3Index(ifNoneMatch));
      }
      default -> {
        if (path.startsWith("/openapi/v3/")) {
          return openApi.v3Document(
              path.substring("/openapi/v3/".length()), query, acceptHeader, ifNoneMatch);
        }
      }
    }
    return discovery(stripTrailingSlash(path), acceptHeader, ifNoneMatch);
  }

  private Optional<Answer> discovery(String path, String accept, String ifNoneMatch) {
    if (path.equals("/api")) {
      return Optional.of(
          aggregatedVersion(accept)
              .map(v -> aggregated(v, documents.aggregatedCore(v), coreEtag, ifNoneMatch))
              .orElseGet(() -> json(documents.apiVersions())));
    }
    if (path.equals("/apis")) {
      return Optional.of(
          aggregatedVersion(accept)
              .map(v -> aggregated(v, documents.aggregatedGroups(v), groupsEtag, ifNoneMatch))
              .orElseGet(() -> json(documents.apiGroupList())));
    }
    if (path.startsWith("/api/")) {
      String version = path.substring("/api/".length());
      return version.contains("/")
          ? Optional.empty()
          : documents.apiResourceList(version).map(Discovery::json);
    }
    if (path.startsWith("/apis/")) {
      String[] parts = path.substring("/apis/".length()).split("/", -1);
      return switch (parts.length) {
        case 1 -> documents.apiGroup(parts[0]).map(Discovery::json);
        case 2 -> documents.apiResourceList(parts[0] + "/" + parts[1]).map(Discovery::json);
        default -> Optional.empty();
      };
    }
    return Optional.empty();
  }

  /**
   * The aggregated discovery version the Accept header asks for, or empty for the legacy form.
   * Upstream walks the clauses in goautoneg order and takes the first JSON one it can honour: one
   * without a conversion asks for the legacy form, one converting to {@code APIGroupDiscoveryList}
   * of a served version asks for that, and any other conversion (a Table, say) is passed over. When
   * nothing fits it falls back to the legacy form rather than answering 406.
   */
  static Optional<String> aggregatedVersion(String accept) {
    if (accept == null || accept.isEmpty()) {
      return Optional.empty();
    }
    for (MediaRange clause : MediaRange.parse(accept)) {
      // Only JSON is served; upstream would also offer YAML and protobuf for such clauses.
      boolean json =
          clause.type().equals("application")
                  && (clause.subType().equals("json") || clause.subType().equals("*"))
              || clause.type().equals("*") && clause.subType().equals("*");
      if (!json) {
        continue;
      }
      if (!clause.param("stream").isEmpty() && !clause.param("stream").equals("watch")) {
        continue;
      }
      if (!clause.param("sv").isEmpty()) {
        continue;
      }
      boolean converts =
          clause.params().containsKey("g")
              || clause.params().containsKey("v")
              || clause.params().containsKey("as");
      if (!converts) {
        return Optional.empty();
      }
      if (clause.param("g").equals(DiscoveryDocuments.AGGREGATED_GROUP)
          && clause.param("as").equals(DiscoveryDocuments.AGGREGATED_KIND)
          && AGGREGATED_VERSIONS.contains(clause.param("v"))) {
        return Optional.of(clause.param("v"));
      }
    }
    return Optional.empty();
  }

  /**
   * Upstream's aggregated handler: public caching keyed on Accept, and 304 only for an
   * If-None-Match that is exactly the quoted ETag.
   */
  private static Answer aggregated(String version, byte[] body, String etag, String ifNoneMatch) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("ETag", etag);
    headers.put("Vary", "Accept");
    headers.put("Cache-Control", "public");
    if (etag.equals(ifNoneMatch)) {
      return Answer.notModified(headers);
    }
    return Answer.ok(aggregatedType(version), body, headers);
  }

  private static Answer json(byte[] body) {
    return Answer.ok(JSON, body, Map.of());
  }

  /** The media type with the conversion parameters in the order upstream writes them. */
  private static String aggregatedType(String version) {
    return JSON
        + ";g="
        + DiscoveryDocuments.AGGREGATED_GROUP
        + ";v="
        + version
        + ";as="
        + DiscoveryDocuments.AGGREGATED_KIND;
  }

  private static String stripTrailingSlash(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
