package io.skiff.apiserver.inprocess;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.skiff.api.ResourceType;
import io.skiff.api.apply.FieldManager;
import io.skiff.api.codec.MalformedBodyException;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.errors.StatusError;
import io.skiff.api.patch.PatchException;
import io.skiff.api.patch.PatchType;
import io.skiff.api.patch.Patches;
import io.skiff.api.selector.FieldSelector;
import io.skiff.api.selector.LabelSelector;
import io.skiff.api.selector.SelectorException;
import io.skiff.apiserver.cache.CachedObject;
import io.skiff.apiserver.cache.CachedReads;
import io.skiff.apiserver.cache.ListRead;
import io.skiff.apiserver.cache.WatchFeed;
import io.skiff.apiserver.cache.WatchRequest;
import io.skiff.apiserver.registry.Registry;
import io.skiff.apiserver.registry.ResourceStorage;
import io.skiff.apiserver.registry.SelectableFields;
import io.skiff.apiserver.registry.WriteOptions;
import io.skiff.apiserver.rest.Scales;
import io.skiff.client.KubeObjects;
import io.skiff.client.ListOptions;
import io.skiff.client.ListPage;
import io.skiff.client.Watch;
import io.skiff.client.Watcher;
import io.skiff.client.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The client transport for control loops in the API server's process: every verb goes to the same
 * {@link Registry} the HTTP handlers use (namespace admission, strategies, defaulting, validation,
 * storage), with the same errors, but objects are handed over as they are: no HTTP, no JSON. Only
 * patches meet JSON, because patches are defined on the JSON form: they are applied with the same
 * skiff-api patch classes the HTTP side uses, to the object's tree.
 *
 * <p>Objects passed in are never changed and objects handed out are fresh: lists and watches are
 * served from the watch cache, as over HTTP, and every object taken from it is a copy of the
 * cache's; the storage decodes a new object for every other read; what it would otherwise keep (the
 * object to create, a status to write) is copied first.
 */
public final class InProcessTransport implements Transport {

  private final Registry registry;
  private final ObjectCodec codec;
  private final Set<InProcessWatch> watches = ConcurrentHashMap.newKeySet();

  public InProcessTransport(Registry registry) {
    this.registry = registry;
    this.codec = registry.codec();
  }

  // ---- reads ----

  @Override
  public HasMetadata get(ResourceType type, String namespace, String name) {
    return call(() -> storage(type, "get").get(namespace, name));
  }

  @Override
  public ListPage<HasMetadata> list(ResourceType type, String namespace, ListOptions options) {
    return call(
        () -> {
          ResourceStorage storage = storage(type, "list");
          LabelSelector labels = LabelSelector.parse(options.labelSelector());
          FieldSelector fields = fieldSelector(type, options.fieldSelector());
          ListRead read =
              ListRead.of(
                  options.resourceVersion(),
                  options.resourceVersionMatch(),
                  options.limit(),
                  options.continueToken());
          CachedReads.Page page =
              registry
                  .reads()
                  .list(
                      storage,
                      namespace,
                      labels,
                      fields,
                      options.limit(),
                      options.continueToken(),
                      read);
          List<HasMetadata> items = new ArrayList<>(page.items().size());
          for (CachedObject item : page.items()) {
            items.add(item.take());
          }
          return new ListPage<>(items, page.revision(), page.continueToken());
        });
  }

  @Override
  public Watch watch(
      ResourceType type,
      String namespace,
      ListOptions options,
      long fromResourceVersion,
      Watcher<HasMetadata> watcher) {
    return call(
        () -> {
          ResourceStorage storage = storage(type, "watch");
          LabelSelector labels = LabelSelector.parse(options.labelSelector());
          FieldSelector fields = fieldSelector(type, options.fieldSelector());
          CachedReads reads = registry.reads();
          // From 0: the latest state first, as synthetic ADDED events (consistent, as upstream's
          // watch without a resourceVersion); else every change after the version given.
          WatchRequest request =
              new WatchRequest(
                  namespace,
                  labels,
                  fields,
                  fromResourceVersion == 0 ? "" : String.valueOf(fromResourceVersion),
                  null,
                  false,
                  reads.watchTimeout(0));
          WatchFeed feed = reads.watch(storage, request);
          InProcessWatch watch =
              new InProcessWatch(type.qualifiedResource(), feed, watcher, watches::remove);
          watches.add(watch);
          watch.start();
          return watch;
        });
  }

  @Override
  public Scale getScale(ResourceType type, String namespace, String name) {
    return call(
        () -> {
          ResourceStorage storage = subresource(type, "scale");
          return Scales.toScale(storage.get(namespace, name));
        });
  }

  // ---- writes ----

  @Override
  public HasMetadata create(ResourceType type, String namespace, HasMetadata object) {
    return call(
        () -> {
          ResourceStorage storage = storage(type, "create");
          checkKind(type, object);
          // The storage fills in and returns the object it is given; the caller's stays as it was.
          return registry.create(
              storage, namespace, KubeObjects.deepCopy(object), WriteOptions.DEFAULT);
        });
  }

  @Override
  public HasMetadata update(
      ResourceType type, String namespace, String name, HasMetadata object, boolean status) {
    return call(
        () -> {
          if (!status) {
            ResourceStorage storage = storage(type, "update");
            checkKind(type, object);
            // The storage reads the object into a new one; it only scopes the given one's
            // namespace, which for a cluster-scoped kind would clear the caller's.
            HasMetadata given =
                !type.namespaced()
                        && object.getMetadata() != null
                        && object.getMetadata().getNamespace() != null
                    ? KubeObjects.deepCopy(object)
                    : object;
            return storage.update(namespace, name, given, WriteOptions.DEFAULT);
          }
          return writeSubresource(type, namespace, name, object, "status");
        });
  }

  @Override
  public HasMetadata updateSubresource(
      ResourceType type, String namespace, String name, HasMetadata object, String subresource) {
    return call(
        () -> {
          if (!subresource.equals("status") && !subresource.equals("finalize")) {
            subresource(type, subresource);
            throw StatusError.methodNotAllowed(
                "the server does not allow this method on the requested resource");
          }
          return writeSubresource(type, namespace, name, object, subresource);
        });
  }

  /** PUT to {@code status} or {@code finalize}, as the HTTP handler does it. */
  private HasMetadata writeSubresource(
      ResourceType type, String namespace, String name, HasMetadata object, String subresource) {
    ResourceStorage storage = subresource(type, subresource);
    checkKind(type, object);
    // The storage builds the next version out of the object it is given: give it a copy.
    HasMetadata next = KubeObjects.deepCopy(object);
    String wanted = next.getMetadata() == null ? null : next.getMetadata().getResourceVersion();
    boolean unconditional = wanted == null || wanted.isEmpty();
    boolean status = subresource.equals("status");
    return storage.replace(
        namespace,
        name,
        current -> {
          if (!unconditional && !wanted.equals(current.getMetadata().getResourceVersion())) {
            throw StatusError.conflict(type, name);
          }
          return next;
        },
        new WriteOptions(false, status, !status),
        unconditional);
  }

  @Override
  public HasMetadata patch(
      ResourceType type,
      String namespace,
      String name,
      PatchType patchType,
      String body,
      boolean status) {
    return call(
        () -> {
          ResourceStorage storage = status ? subresource(type, "status") : storage(type, "patch");
          if (patchType == PatchType.APPLY_PATCH) {
            // This transport sends no fieldManager, which an apply requires, as over HTTP.
            FieldManager.checkOptions("PatchOptions", null, null, true);
          }
          JsonNode patch;
          try {
            patch = codec.parseAny(body.getBytes(StandardCharsets.UTF_8));
          } catch (MalformedBodyException e) {
            throw StatusError.badRequest(e.getMessage());
          }
          return storage.guaranteedUpdate(
              namespace,
              name,
              current -> {
                JsonNode patched =
                    Patches.apply(
                        patchType, codec.toTree(current), patch, type.apiVersion(), type.kind());
                return toObject(type, patched);
              },
              new WriteOptions(false, status),
              true);
        });
  }

  @Override
  public Scale updateScale(ResourceType type, String namespace, String name, Scale scale) {
    return call(
        () -> {
          ResourceStorage storage = subresource(type, "scale");
          HasMetadata updated =
              storage.guaranteedUpdate(
                  namespace,
                  name,
                  current -> Scales.applyScale(current, scale, type),
                  WriteOptions.DEFAULT,
                  !Scales.hasResourceVersion(scale));
          return Scales.toScale(updated);
        });
  }

  @Override
  public void createSubresource(
      ResourceType type, String namespace, String name, String subresource, HasMetadata body) {
    call(
        () -> {
          subresource(type, subresource);
          switch (body) {
            case Binding b when "binding".equals(subresource) ->
                registry.pods().bind(namespace, name, KubeObjects.deepCopy(b), false);
            case Eviction e when "eviction".equals(subresource) ->
                registry.pods().evict(namespace, name, KubeObjects.deepCopy(e), false);
            default ->
                throw StatusError.methodNotAllowed(
                    "the server does not allow this method on the requested resource");
          }
          return null;
        });
  }

  @Override
  public void delete(ResourceType type, String namespace, String name, DeleteOptions options) {
    call(() -> storage(type, "delete").delete(namespace, name, options, false));
  }

  /**
   * Ends every open watch. The registry and its store stay; they are not this transport's. With the
   * watch cache's mutation detector on (tests), fails if a reader changed a cached object.
   */
  @Override
  public void close() {
    for (InProcessWatch w : List.copyOf(watches)) {
      w.close();
    }
    watches.clear();
    registry.watchCache().checkNoMutations();
  }

  // ---- as the HTTP handler does it ----

  /**
   * Runs a verb, turning the failures the HTTP handler turns into Status answers into the same
   * StatusErrors.
   */
  private <R> R call(Supplier<R> verb) {
    try {
      return verb.get();
    } catch (StatusError e) {
      throw e;
    } catch (SelectorException e) {
      throw StatusError.badRequest(e.getMessage());
    } catch (PatchException e) {
      throw e.toStatusError();
    } catch (RuntimeException e) {
      throw internal(e);
    }
  }

  private static StatusError internal(RuntimeException e) {
    StatusError error = StatusError.internal(String.valueOf(e.getMessage()));
    error.initCause(e);
    return error;
  }

  private ResourceStorage storage(ResourceType type, String verb) {
    ResourceStorage storage = registry.storage(type);
    if (storage == null) {
      throw StatusError.notFoundPath();
    }
    if (!type.verbs().contains(verb)) {
      throw StatusError.methodNotAllowed(
          "the server does not allow this method on the requested resource");
    }
    return storage;
  }

  /** The storage behind a subresource; 404 for a kind without it, as its URL would be. */
  private ResourceStorage subresource(ResourceType type, String subresource) {
    ResourceStorage storage = registry.storage(type);
    if (storage == null || !type.hasSubresource(subresource)) {
      throw StatusError.notFoundPath();
    }
    return storage;
  }

  private static FieldSelector fieldSelector(ResourceType type, String selector) {
    return FieldSelector.parse(selector).requireFields(SelectableFields.supported(type.kind()));
  }

  /** The HTTP handler refuses a body whose kind or apiVersion is not the endpoint's. */
  private static void checkKind(ResourceType type, HasMetadata object) {
    String kind = object.getKind();
    String apiVersion = object.getApiVersion();
    if ((kind != null && !kind.equals(type.kind()))
        || (apiVersion != null && !apiVersion.equals(type.apiVersion()))) {
      throw StatusError.badRequest(
          "the API version in the data ("
              + (apiVersion == null ? "" : apiVersion)
              + ") does not match the expected API version ("
              + type.apiVersion()
              + ")");
    }
  }

  /**
   * Binds a patched tree. The HTTP handler's default field validation (Warn) only adds warnings,
   * which this transport has no channel for, so unknown fields are dropped silently.
   */
  private HasMetadata toObject(ResourceType type, JsonNode patched) {
    if (!patched.isObject()) {
      throw StatusError.badRequest("request body must be a JSON object");
    }
    try {
      return codec.toObject(patched, type.type());
    } catch (MalformedBodyException e) {
      throw StatusError.badRequest(e.getMessage());
    }
  }
}
