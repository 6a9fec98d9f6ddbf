package io.skiff.apiserver.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.skiff.api.ResourceType;
import io.skiff.api.apply.ApplyConfig;
import io.skiff.api.apply.FieldManager;
import io.skiff.api.codec.MalformedBodyException;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.codec.ParsedBody;
import io.skiff.api.codec.protobuf.ProtobufDecoder;
import io.skiff.api.errors.StatusError;
import io.skiff.api.patch.PatchException;
import io.skiff.api.patch.PatchType;
import io.skiff.api.patch.Patches;
import io.skiff.api.selector.FieldSelector;
import io.skiff.api.selector.LabelSelector;
import io.skiff.api.selector.SelectorException;
import io.skiff.api.table.IncludeObject;
import io.skiff.api.table.Tables;
import io.skiff.apiserver.cache.CachedObject;
import io.skiff.apiserver.cache.CachedReads;
import io.skiff.apiserver.cache.ListRead;
import io.skiff.apiserver.cache.WatchRequest;
import io.skiff.apiserver.registry.Registry;
import io.skiff.apiserver.registry.ResourceStorage;
import io.skiff.apiserver.registry.WriteOptions;
import io.skiff.clock.Clock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Kubernetes REST verbs on served resources: get, list, watch, create, update, patch, delete
 * and deletecollection, on objects and their {@code status} and {@code scale} subresources.
 * Transport-free: {@link Http} feeds it parsed requests and writes what it returns.
 */
public final class ResourceHandler {

  private static final long MAX_BODY = 3L * 1024 * 1024;

  private final Registry registry;
  private final ObjectCodec codec;
  private final Tables tables = Tables.builtin();
  private final Clock clock;
  private final FieldManager fieldManager;

  public ResourceHandler(Registry registry, Clock clock) {
    this.registry = registry;
    this.codec = registry.codec();
    this.clock = clock;
    this.fieldManager = new FieldManager(codec, clock::now);
  }

  /**
   * A request as the handler needs it.
   *
   * @param userAgent names the manager of a write that sends no {@code fieldManager}; may be null
   */
  public record Call(
      String method,
      String path,
      String query,
      String accept,
      String contentType,
      byte[] body,
      String userAgent) {}

  /** A complete response, or a watch to stream. */
  public sealed interface Answer permits Reply, Streamed {}

  /** A complete response body. */
  public record Reply(int status, byte[] body, List<String> warnings) implements Answer {}

  /** A watch: the transport streams its events until it ends or the client goes. */
  public record Streamed(WatchStream stream) implements Answer {}

  /** Handles {@code call}, or empty if its path names no served resource. */
  public Optional<Answer> handle(Call call) {
    Optional<ApiPath> parsed = ApiPath.parse(call.path(), registry.resources());
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(dispatch(parsed.get(), call, new Query(call.query())));
    } catch (StatusError e) {
      return Optional.of(error(e));
    } catch (SelectorException e) {
      return Optional.of(error(StatusError.badRequest(e.getMessage())));
    } catch (PatchException e) {
      return Optional.of(error(e.toStatusError()));
    }
  }

  /** What a request is, from its method, path and query; empty if it names no served resource. */
  public Optional<RequestInfo> requestInfo(String method, String path, String query) {
    return ApiPath.parse(path, registry.resources())
        .map(
            p -> {
              Query q = new Query(query);
              return new RequestInfo(
                  verb(method, p, q),
                  p.type().group(),
                  p.type().version(),
                  p.type().plural(),
                  p.subresource() == null ? "" : p.subresource(),
                  p.namespace(),
                  p.name(),
                  q.get("dryRun", ""));
            });
  }

  public Reply error(StatusError e) {
    return new Reply(e.code(), codec.encode(e.status()), List.of());
  }

  private Answer dispatch(ApiPath p, Call call, Query q) {
    ResourceStorage storage = registry.storage(p.type());
    String verb = verb(call.method(), p, q);
    if (!p.type().verbs().contains(verb) && p.subresource() == null) {
      throw StatusError.methodNotAllowed(
          "the server does not allow this method on the requested resource");
    }
    if ("finalize".equals(p.subresource()) && !verb.equals("update")) {
      // Upstream's namespaces/finalize only implements update.
      throw StatusError.methodNotAllowed(
          "the server does not allow this method on the requested resource");
    }
    if (call.body() != null && call.body().length > MAX_BODY) {
      throw StatusError.requestEntityTooLarge("the request body is too large");
    }
    return switch (verb) {
      case "get" -> get(p, storage, call);
      case "list" -> list(p, storage, call, q);
      case "watch" -> new Streamed(watch(p, storage, call, q));
      case "create" -> create(p, storage, call, q, RequestOptions.writeDryRun(q, "CreateOptions"));
      case "update" -> update(p, storage, call, q, RequestOptions.writeDryRun(q, "UpdateOptions"));
      case "patch" -> patch(p, storage, call, q, RequestOptions.writeDryRun(q, "PatchOptions"));
      case "delete" -> delete(p, storage, call, q);
      case "deletecollection" -> deleteCollection(p, storage, call, q);
      case "post-to-object" -> postToSubresource(p, call, q);
      default ->
          throw StatusError.methodNotAllowed(
              "the server does not allow this method on the requested resource");
    };
  }

  private static String verb(String method, ApiPath p, Query q) {
    boolean named = p.name() != null;
    return switch (method) {
      case "GET", "HEAD" -> named ? "get" : q.flag("watch") ? "watch" : "list";
      case "POST" -> named ? "post-to-object" : "create";
      case "PUT" -> named ? "update" : "put-to-collection";
      case "PATCH" -> named ? "patch" : "patch-collection";
      case "DELETE" -> named ? "delete" : "deletecollection";
      default -> "unknown";
    };
  }

  // ---- reads ----

  private Reply get(ApiPath p, ResourceStorage storage, Call call) {
    HasMetadata obj = storage.get(p.namespace(), p.name());
    if ("scale".equals(p.subresource())) {
      return ok(Scales.toScale(obj));
    }
    return object(200, obj, call, List.of());
  }

  private Reply list(ApiPath p, ResourceStorage storage, Call call, Query q) {
    RequestOptions.validateList(q, false);
    LabelSelector labels = LabelSelector.parse(q.get("labelSelector"));
    FieldSelector fields =
        FieldSelector.parse(q.get("fieldSelector")).requireFields(supported(p.type()));
    int limit = parseInt(q.get("limit"), 0);
    ListRead read = RequestOptions.listRead(q, limit);
    CachedReads.Page page =
        registry
            .reads()
            .list(storage, p.namespace(), labels, fields, limit, q.get("continue"), read);
    if (wantsTable(call.accept())) {
      List<HasMetadata> objects = new ArrayList<>(page.items().size());
      for (CachedObject item : page.items()) {
        objects.add(item.object());
      }
      ObjectNode table =
          tables.table(
              objects,
              p.type().type(),
              includeObject(q),
              true,
              String.valueOf(page.revision()),
              clock.now(),
              codec::toTree);
      if (page.continueToken() != null) {
        ((ObjectNode) table.get("metadata")).put("continue", page.continueToken());
      }
      return new Reply(200, codec.encode(table), List.of());
    }
    ObjectNode head = codec.mapper().createObjectNode();
    head.put("kind", p.type().listKind());
    head.put("apiVersion", p.type().apiVersion());
    ObjectNode meta = head.putObject("metadata");
    meta.put("resourceVersion", String.valueOf(page.revision()));
    if (page.continueToken() != null) {
      meta.put("continue", page.continueToken());
    }
    return new Reply(200, listBody(codec.encode(head), page.items()), List.of());
  }

  /**
   * The list's JSON: its head with the items appended, each item's JSON as the cache encoded it
   * once for every reader, byte for byte what encoding the whole list as one tree would give.
   */
  private static byte[] listBody(byte[] head, List<CachedObject> items) {
    byte[] open = ",\"items\":[".getBytes(StandardCharsets.US_ASCII);
    int size = head.length - 1 + open.length + Math.max(0, items.size() - 1) + 2;
    for (CachedObject item : items) {
      size += item.json().length;
    }
    byte[] body = new byte[size];
    int at = put(body, 0, head, head.length - 1);
    at = put(body, at, open, open.length);
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        body[at++] = ',';
      }
      byte[] json = items.get(i).json();
      at = put(body, at, json, json.length);
    }
    body[at++] = ']';
    body[at] = '}';
    return body;
  }

  private static int put(byte[] to, int at, byte[] from, int length) {
    System.arraycopy(from, 0, to, at, length);
    return at + length;
  }

  private WatchStream watch(ApiPath p, ResourceStorage storage, Call call, Query q) {
    RequestOptions.validateList(q, true);
    LabelSelector labels = LabelSelector.parse(q.get("labelSelector"));
    FieldSelector fields =
        FieldSelector.parse(q.get("fieldSelector")).requireFields(supported(p.type()));
    String rv = q.get("resourceVersion", "");
    if (!rv.isEmpty()) {
      ListRead.parseRevision(rv);
    }
    CachedReads reads = registry.reads();
    WatchRequest request =
        new WatchRequest(
            p.namespace(),
            labels,
            fields,
            rv,
            RequestOptions.sendInitialEvents(q),
            q.flag("allowWatchBookmarks"),
            reads.watchTimeout(parseInt(q.get("timeoutSeconds"), 0)));
    boolean table = wantsTable(call.accept());
    return new WatchStream(
        () -> reads.watch(storage, request),
        table ? tables : null,
        includeObject(q),
        codec,
        clock,
        p.type());
  }

  // ---- writes ----

  private Reply create(ApiPath p, ResourceStorage storage, Call call, Query q, boolean dryRun) {
    if (p.subresource() != null) {
      throw StatusError.methodNotAllowed(
          "the server does not allow this method on the requested resource");
    }
    FieldManager.checkOptions("CreateOptions", q.get("fieldManager"), null, false);
    List<String> warnings = new ArrayList<>();
    Decoded d = decode(p.type(), call, q, warnings);
    fieldManager.recordCreate(p.type(), d.object(), d.managedFields(), manager(call, q));
    HasMetadata created =
        registry.create(storage, p.namespace(), d.object(), new WriteOptions(dryRun, false));
    return object(201, created, call, warnings);
  }

  /** POST to a pod's {@code binding} or {@code eviction}: an action answered with a Status. */
  private Reply postToSubresource(ApiPath p, Call call, Query q) {
    boolean dryRun = RequestOptions.writeDryRun(q, "CreateOptions");
    String sub = p.subresource();
    if ("binding".equals(sub)) {
      registry.pods().bind(p.namespace(), p.name(), decodeAction(call, Binding.class), dryRun);
    } else if ("eviction".equals(sub)) {
      registry.pods().evict(p.namespace(), p.name(), decodeAction(call, Eviction.class), dryRun);
    } else {
      throw StatusError.methodNotAllowed(
          "the server does not allow this method on the requested resource");
    }
    ObjectNode s = codec.mapper().createObjectNode();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Success");
    s.put("code", 201);
    return new Reply(201, codec.encode(s), List.of());
  }

  private <T extends HasMetadata> T decodeAction(Call call, Class<T> kind) {
    requireJson(call);
    try {
      JsonNode tree = codec.parse(call.body() == null ? new byte[0] : call.body(), kind).tree();
      JsonNode k = tree.get("kind");
      if (k != null && !k.asText().equals(kind.getSimpleName())) {
        throw StatusError.badRequest("not a " + kind.getSimpleName() + " object: " + k.asText());
      }
      return codec.toObject(tree, kind);
    } catch (MalformedBodyException e) {
      throw StatusError.badRequest(e.getMessage());
    }
  }

  private Reply update(ApiPath p, ResourceStorage storage, Call call, Query q, boolean dryRun) {
    FieldManager.checkOptions("UpdateOptions", q.get("fieldManager"), null, false);
    String manager = manager(call, q);
    List<String> warnings = new ArrayList<>();
    if ("scale".equals(p.subresource())) {
      JsonNode scale = parseBody(call);
      HasMetadata updated =
          storage.guaranteedUpdate(
              p.namespace(),
              p.name(),
              current -> {
                HasMetadata before = copy(current, p.type());
                HasMetadata next = Scales.applyScale(current, scale, p.type());
                fieldManager.recordScale(p.type(), before, next, manager);
                return next;
              },
              new WriteOptions(dryRun, false),
              !scale.path("metadata").hasNonNull("resourceVersion"));
      return ok(Scales.toScale(updated));
    }
    Decoded d = decode(p.type(), call, q, warnings);
    HasMetadata obj = d.object();
    boolean status = "status".equals(p.subresource());
    boolean finalize = "finalize".equals(p.subresource());
    HasMetadata updated;
    if (status || finalize) {
      String wanted = obj.getMetadata() == null ? null : obj.getMetadata().getResourceVersion();
      updated =
          storage.replace(
              p.namespace(),
              p.name(),
              current -> {
                if (wanted != null
                    && !wanted.isEmpty()
                    && !wanted.equals(current.getMetadata().getResourceVersion())) {
                  throw StatusError.conflict(p.type(), p.name());
                }
                fieldManager.recordUpdate(p.type(), current, obj, null, manager, "status");
                return obj;
              },
              new WriteOptions(dryRun, status, finalize),
              wanted == null || wanted.isEmpty());
    } else {
      updated = replace(p, storage, obj, d.managedFields(), manager, dryRun);
    }
    return object(200, updated, call, warnings);
  }

  /**
   * A PUT of the main resource, as {@link ResourceStorage#update} does it, with the write recorded
   * in managedFields against the version it replaces.
   */
  private HasMetadata replace(
      ApiPath p,
      ResourceStorage storage,
      HasMetadata obj,
      JsonNode requestedManagedFields,
      String manager,
      boolean dryRun) {
    if (obj.getMetadata() == null) {
      obj.setMetadata(new ObjectMeta());
    }
    ObjectMeta meta = obj.getMetadata();
    if (!p.type().namespaced()) {
      meta.setNamespace(null);
    } else if (meta.getNamespace() == null || meta.getNamespace().isEmpty()) {
      meta.setNamespace(p.namespace());
    } else if (!meta.getNamespace().equals(p.namespace())) {
      throw StatusError.badRequest(
          "the namespace of the provided object does not match the namespace sent on the request");
    }
    if (meta.getName() == null || meta.getName().isEmpty()) {
      meta.setName(p.name());
    }
    if (!p.name().equals(meta.getName())) {
      throw StatusError.badRequest(
          "the name of the object ("
              + meta.getName()
              + ") does not match the name on the URL ("
              + p.name()
              + ")");
    }
    String wanted = meta.getResourceVersion();
    boolean unconditional = wanted == null || wanted.isEmpty();
    return storage.replace(
        p.namespace(),
        p.name(),
        current -> {
          if (!unconditional && !wanted.equals(current.getMetadata().getResourceVersion())) {
            throw StatusError.conflict(p.type(), p.name());
          }
          HasMetadata next = copy(obj, p.type());
          fieldManager.recordUpdate(p.type(), current, next, requestedManagedFields, manager, "");
          return next;
        },
        new WriteOptions(dryRun, false),
        unconditional);
  }

  private Reply patch(ApiPath p, ResourceStorage storage, Call call, Query q, boolean dryRun) {
    PatchType patchType =
        PatchType.fromContentType(call.contentType())
            .orElseThrow(
                () ->
                    StatusError.unsupportedMediaType(
                        List.of(
                            "application/json-patch+json",
                            "application/merge-patch+json",
                            "application/apply-patch+yaml",
                            "application/strategic-merge-patch+json")));
    FieldManager.checkOptions(
        "PatchOptions", q.get("fieldManager"), q.get("force"), patchType == PatchType.APPLY_PATCH);
    if (patchType == PatchType.APPLY_PATCH) {
      return apply(p, storage, call, q, dryRun);
    }
    JsonNode patch = parseBody(call);
    boolean scale = "scale".equals(p.subresource());
    boolean status = "status".equals(p.subresource());
    String mode = q.get("fieldValidation", "Warn");
    String manager = manager(call, q);
    List<String> warnings = new ArrayList<>();
    HasMetadata updated =
        storage.guaranteedUpdate(
            p.namespace(),
            p.name(),
            current -> {
              if (scale) {
                HasMetadata before = copy(current, p.type());
                JsonNode patchedScale =
                    Patches.apply(
                        patchType,
                        codec.toTree(Scales.toScale(current)),
                        patch,
                        "autoscaling/v1",
                        "Scale");
                HasMetadata next = Scales.applyScale(current, patchedScale, p.type());
                fieldManager.recordScale(p.type(), before, next, manager);
                return next;
              }
              JsonNode patched =
                  Patches.apply(
                      patchType,
                      codec.toTree(current),
                      patch,
                      p.type().apiVersion(),
                      p.type().kind());
              HasMetadata next = toObject(p.type(), patched, mode, warnings);
              fieldManager.recordUpdate(
                  p.type(),
                  current,
                  next,
                  patched.path("metadata").get("managedFields"),
                  manager,
                  status ? "status" : "");
              return next;
            },
            new WriteOptions(dryRun, status),
            true);
    if (scale) {
      return ok(Scales.toScale(updated));
    }
    return object(200, updated, call, warnings);
  }

  /**
   * Server-side apply: merges the body into the object, creating it (201) when it does not exist,
   * except through {@code /status}.
   */
  private Reply apply(ApiPath p, ResourceStorage storage, Call call, Query q, boolean dryRun) {
    if ("scale".equals(p.subresource())) {
      throw StatusError.unsupportedMediaType(
          List.of(
              "application/json-patch+json",
              "application/merge-patch+json",
              "application/strategic-merge-patch+json"));
    }
    ApplyConfig config = ApplyConfig.parse(call.body() == null ? new byte[0] : call.body());
    String manager = q.get("fieldManager");
    boolean force = FieldManager.parseForce(q.get("force"));
    String mode = q.get("fieldValidation", "Warn");
    boolean status = "status".equals(p.subresource());
    String subresource = status ? "status" : "";
    for (int attempt = 0; ; attempt++) {
      List<List<String>> warnings = new ArrayList<>(List.of(List.of()));
      try {
        HasMetadata updated =
            storage.guaranteedUpdate(
                p.namespace(),
                p.name(),
                current -> {
                  FieldManager.Result r =
                      fieldManager.apply(
                          p.type(),
                          current,
                          config,
                          manager,
                          force,
                          subresource,
                          p.namespace(),
                          p.name(),
                          mode);
                  warnings.set(0, r.warnings());
                  return r.object();
                },
                new WriteOptions(dryRun, status),
                true);
        return object(200, updated, call, warnings.getFirst());
      } catch (StatusError e) {
        if (e.code() != 404 || status || !"NotFound".equals(e.reason())) {
          throw e;
        }
      }
      FieldManager.Result r =
          fieldManager.apply(
              p.type(), null, config, manager, force, "", p.namespace(), p.name(), mode);
      try {
        HasMetadata created =
            registry.create(storage, p.namespace(), r.object(), new WriteOptions(dryRun, false));
        return object(201, created, call, r.warnings());
      } catch (StatusError e) {
        // Created meanwhile by someone else: apply to theirs, as upstream's update-or-create does.
        if (e.code() != 409 || !"AlreadyExists".equals(e.reason()) || attempt >= 3) {
          throw e;
        }
      }
    }
  }

  private static String manager(Call call, Query q) {
    return FieldManager.managerFor(q.get("fieldManager"), call.userAgent());
  }

  /** A fresh copy, for a read-modify-write that may run again on a conflict. */
  private HasMetadata copy(HasMetadata obj, ResourceType type) {
    return codec.decodeStored(codec.encode(obj), type.type());
  }

  /** Binds a patched tree, enforcing fieldValidation as upstream does for patches (422). */
  private HasMetadata toObject(
      ResourceType type, JsonNode patched, String mode, List<String> warnings) {
    try {
      ParsedBody parsed = codec.parse(codec.mapper().writeValueAsBytes(patched), type.type());
      List<String> problems = parsed.strictErrors();
      if (!problems.isEmpty()) {
        if (mode.equals("Strict")) {
          String detail = "strict decoding error: " + String.join(", ", problems);
          throw StatusError.invalid(
              "",
              "",
              "",
              List.of("patch: Invalid value: \"" + patched + "\": " + detail),
              List.of(
                  new StatusError.Cause(
                      "FieldValueInvalid",
                      "Invalid value: \"" + patched + "\": " + detail,
                      "patch")));
        }
        if (mode.equals("Warn")) {
          warnings.addAll(problems);
        }
      }
      return codec.toObject(parsed.tree(), type.type());
    } catch (MalformedBodyException e) {
      throw StatusError.badRequest(e.getMessage());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw StatusError.badRequest(e.getMessage());
    }
  }

  private Reply delete(ApiPath p, ResourceStorage storage, Call call, Query q) {
    DeleteOptions options = RequestOptions.deleteOptions(deleteOptions(call), q);
    ResourceStorage.Deletion d =
        storage.delete(p.namespace(), p.name(), options, RequestOptions.isDryRun(options));
    if (!d.removed() && Boolean.FALSE.equals(options.getOrphanDependents())) {
      // Upstream answers 202 only here, lest clients that expect 200 for the other pending
      // deletions (pods with a grace period, finalizers) break.
      return object(202, d.object(), call, List.of());
    }
    if (!d.removed() || returnsDeletedObject(p.type())) {
      return object(200, d.object(), call, List.of());
    }
    return ok(successStatus(p.type(), d.object()));
  }

  private Reply deleteCollection(ApiPath p, ResourceStorage storage, Call call, Query q) {
    RequestOptions.validateList(q, false);
    LabelSelector labels = LabelSelector.parse(q.get("labelSelector"));
    FieldSelector fields =
        FieldSelector.parse(q.get("fieldSelector")).requireFields(supported(p.type()));
    DeleteOptions options = RequestOptions.deleteOptions(deleteOptions(call), q);
    boolean dryRun = RequestOptions.isDryRun(options);
    ResourceStorage.Page page = storage.list(p.namespace(), labels, fields, 0, null, 0);
    ObjectNode list = codec.mapper().createObjectNode();
    list.put("kind", p.type().listKind());
    list.put("apiVersion", p.type().apiVersion());
    list.putObject("metadata");
    var items = list.putArray("items");
    for (HasMetadata item : page.items()) {
      try {
        ResourceStorage.Deletion d =
            storage.delete(
                item.getMetadata().getNamespace(), item.getMetadata().getName(), options, dryRun);
        items.add(codec.toTree(d.object()));
      } catch (StatusError e) {
        if (e.code() != 404) {
          throw e;
        }
      }
    }
    return new Reply(200, codec.encode(list), List.of());
  }

  private static boolean returnsDeletedObject(ResourceType t) {
    return t.group().isEmpty()
        && (t.plural().equals("pods")
            || t.plural().equals("namespaces")
            || t.plural().equals("persistentvolumes")
            || t.plural().equals("persistentvolumeclaims"));
  }

  private ObjectNode successStatus(ResourceType type, HasMetadata obj) {
    ObjectNode s = codec.mapper().createObjectNode();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Success");
    ObjectNode details = s.putObject("details");
    details.put("name", obj.getMetadata().getName());
    if (!type.group().isEmpty()) {
      details.put("group", type.group());
    }
    details.put("kind", type.plural());
    details.put("uid", obj.getMetadata().getUid());
    return s;
  }

  /** The DeleteOptions in the body, or null when there is no body. */
  private DeleteOptions deleteOptions(Call call) {
    if (call.body() == null || call.body().length == 0) {
      return null;
    }
    try {
      return codec.toObject(
          codec.parse(call.body(), DeleteOptions.class).tree(), DeleteOptions.class);
    } catch (MalformedBodyException e) {
      throw StatusError.badRequest(e.getMessage());
    }
  }

  // ---- bodies ----

  /**
   * A decoded create or update body, and its {@code metadata.managedFields} as sent (which the
   * object cannot tell apart from none when it is an empty list, the request to reset them).
   */
  private record Decoded(HasMetadata object, JsonNode managedFields) {}

  /** Decodes a create or update body, enforcing {@code fieldValidation} (default Warn). */
  private Decoded decode(ResourceType type, Call call, Query q, List<String> warnings) {
    byte[] body = call.body();
    if (ProtobufDecoder.isProtobuf(call.contentType())) {
      // kubectl 1.32+ sends typed objects (create namespace, configmap, ...) as protobuf; they
      // become the JSON a JSON client would have sent, and take the same path from there.
      try {
        body = ProtobufDecoder.get().toJsonBytes(body, type.apiVersion(), type.kind());
      } catch (MalformedBodyException e) {
        throw StatusError.badRequest(cannotHandle(type, e.getMessage()));
      }
    } else {
      requireJson(call);
    }
    String mode = q.get("fieldValidation", "Warn");
    ParsedBody parsed;
    try {
      parsed = codec.parse(body, type.type());
    } catch (MalformedBodyException e) {
      throw StatusError.badRequest(cannotHandle(type, e.getMessage()));
    }
    JsonNode kind = parsed.tree().get("kind");
    JsonNode apiVersion = parsed.tree().get("apiVersion");
    if ((kind != null && !kind.asText().equals(type.kind()))
        || (apiVersion != null && !apiVersion.asText().equals(type.apiVersion()))) {
      throw StatusError.badRequest(
          "the API version in the data ("
              + (apiVersion == null ? "" : apiVersion.asText())
              + ") does not match the expected API version ("
              + type.apiVersion()
              + ")");
    }
    List<String> problems = parsed.strictErrors();
    if (!problems.isEmpty()) {
      switch (mode) {
        case "Strict" ->
            throw StatusError.badRequest(
                cannotHandle(type, "strict decoding error: " + String.join(", ", problems)));
        case "Ignore" -> {}
        default -> warnings.addAll(problems);
      }
    }
    try {
      return new Decoded(
          codec.toObject(parsed.tree(), type.type()),
          parsed.tree().path("metadata").get("managedFields"));
    } catch (MalformedBodyException e) {
      throw StatusError.badRequest(cannotHandle(type, e.getMessage()));
    }
  }

  private static String cannotHandle(ResourceType type, String why) {
    return type.kind()
        + " in version \""
        + type.version()
        + "\" cannot be handled as a "
        + type.kind()
        + ": "
        + why;
  }

  private JsonNode parseBody(Call call) {
    try {
      return codec.parseAny(call.body() == null ? new byte[0] : call.body());
    } catch (MalformedBodyException e) {
      throw StatusError.badRequest(e.getMessage());
    }
  }

  private static void requireJson(Call call) {
    String ct = call.contentType();
    if (ct != null
        && !ct.isEmpty()
        && !ct.startsWith("application/json")
        && !ct.startsWith("*/*")) {
      throw StatusError.unsupportedMediaType(List.of("application/json"));
    }
  }

  // ---- responses ----

  private Reply object(int status, HasMetadata obj, Call call, List<String> warnings) {
    if (wantsTable(call.accept())) {
      ObjectNode table =
          tables.table(
              List.of(obj),
              obj.getClass(),
              IncludeObject.METADATA,
              true,
              obj.getMetadata().getResourceVersion(),
              clock.now(),
              codec::toTree);
      return new Reply(status, codec.encode(table), warnings);
    }
    return new Reply(status, codec.encode(obj), warnings);
  }

  private Reply ok(Object body) {
    return new Reply(200, codec.encode(body), List.of());
  }

  static boolean wantsTable(String accept) {
    return accept != null && accept.contains("as=Table");
  }

  private static IncludeObject includeObject(Query q) {
    return IncludeObject.parse(q.get("includeObject"));
  }

  private static java.util.Set<String> supported(ResourceType type) {
    return io.skiff.apiserver.registry.SelectableFields.supported(type.kind());
  }

  private static int parseInt(String s, int otherwise) {
    if (s == null || s.isEmpty()) {
      return otherwise;
    }
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw StatusError.badRequest("invalid value \"" + s + "\": not an integer");
    }
  }
}
