package io.skiff.apiserver.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Status;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.errors.StatusError;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Lets a request through to the API only with a valid bearer token. Anonymous requests may read the
 * health endpoints and {@code /version}, the paths upstream's {@code system:public-info-viewer}
 * role opens to everyone; an invalid token is refused everywhere, as upstream refuses it rather
 * than treating the request as anonymous.
 *
 * <p>Upstream answers an anonymous request for any other path 403 after authorizing {@code
 * system:anonymous}; Skiff has no authorization, so it answers 401, which is what kubectl explains
 * as "You must be logged in to the server".
 */
public final class Authentication extends Handler.Wrapper {

  static final Set<String> PUBLIC_PATHS =
      Set.of("/livez", "/readyz", "/healthz", "/version", "/version/");

  private final TokenAuthenticator tokens;
  private final byte[] unauthorized;

  public Authentication(TokenAuthenticator tokens, ObjectCodec codec, Handler next) {
    super(next);
    this.tokens = tokens;
    this.unauthorized = upstreamBody(StatusError.unauthorized().status(), codec);
  }

  /**
   * The Status as kube-apiserver writes it: fields in metav1.Status's order, and without details,
   * which upstream's NewUnauthorized does not set.
   */
  private static byte[] upstreamBody(Status status, ObjectCodec codec) {
    ObjectNode tree = codec.mapper().valueToTree(status);
    ObjectNode ordered = codec.mapper().createObjectNode();
    for (String field :
        List.of("kind", "apiVersion", "metadata", "status", "message", "reason", "code")) {
      if (tree.has(field)) {
        ordered.set(field, tree.get(field));
      }
    }
    return codec.encode(ordered);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    TokenAuthenticator.Outcome outcome =
        tokens.authenticate(request.getHeaders().get(HttpHeader.AUTHORIZATION));
    if (outcome == TokenAuthenticator.Outcome.AUTHENTICATED
        || (outcome == TokenAuthenticator.Outcome.ANONYMOUS
            && PUBLIC_PATHS.contains(Request.getPathInContext(request)))) {
      return super.handle(request, response, callback);
    }
    response.setStatus(401);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache, private");
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, unauthorized.length);
    response.write(true, ByteBuffer.wrap(unauthorized), callback);
    return true;
  }
}
