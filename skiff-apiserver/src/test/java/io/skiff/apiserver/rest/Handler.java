package io.skiff.apiserver.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.apiserver.registry.Registry;
import io.skiff.clock.Clock;
import io.skiff.store.Store;
import io.skiff.store.memory.MemoryStore;
import java.nio.charset.StandardCharsets;

/** A {@link ResourceHandler} over a fresh memory store, called without HTTP. */
final class Handler implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  final Store store;
  final ResourceHandler handler;

  Handler() {
    this(Clock.system());
  }

  Handler(Clock clock) {
    this(clock, new MemoryStore());
  }

  Handler(Clock clock, Store store) {
    this.store = store;
    Registry registry = new Registry(ResourceRegistry.builtin(), store, new ObjectCodec(), clock);
    registry.bootstrap();
    handler = new ResourceHandler(registry, clock);
  }

  /** The reply's status and parsed body. */
  record Result(int status, JsonNode body) {
    Result expect(int code) {
      assertThat(status).as(body.toString()).isEqualTo(code);
      return this;
    }

    String message() {
      return body.path("message").asText();
    }
  }

  Result call(String method, String pathAndQuery, String contentType, String body) {
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    String query = q < 0 ? null : pathAndQuery.substring(q + 1);
    ResourceHandler.Answer answer =
        handler
            .handle(
                new ResourceHandler.Call(
                    method,
                    path,
                    query,
                    null,
                    contentType,
                    body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8),
                    null))
            .orElseThrow();
    ResourceHandler.Reply reply = (ResourceHandler.Reply) answer;
    try {
      return new Result(reply.status(), JSON.readTree(reply.body()));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  Result get(String path) {
    return call("GET", path, null, null);
  }

  Result post(String path, String json) {
    return call("POST", path, "application/json", json);
  }

  Result put(String path, String json) {
    return call("PUT", path, "application/json", json);
  }

  Result delete(String path, String json) {
    return call("DELETE", path, json == null ? null : "application/json", json);
  }

  /** Single quotes stand for double ones, to keep JSON in Java strings readable. */
  static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  static String configMap(String name) {
    return json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'" + name + "'}}");
  }

  static String deployment(String name) {
    return json(
        "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'"
            + name
            + "'},'spec':{'selector':{'matchLabels':{'app':'a'}},'template':{'metadata':"
            + "{'labels':{'app':'a'}},'spec':{'containers':[{'name':'c','image':'nginx'}]}}}}");
  }

  @Override
  public void close() {
    store.close();
  }
}
