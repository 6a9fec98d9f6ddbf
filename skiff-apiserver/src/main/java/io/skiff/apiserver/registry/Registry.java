package io.skiff.apiserver.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.ResourceType;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.errors.StatusError;
import io.skiff.apiserver.cache.CachedReads;
import io.skiff.apiserver.cache.WatchCache;
import io.skiff.apiserver.cache.WatchCacheConfig;
import io.skiff.clock.Clock;
import io.skiff.store.Store;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every resource's storage, plus the admission that spans resources: objects are only created in
 * namespaces that exist and are not terminating (upstream's NamespaceLifecycle).
 */
public final class Registry {

  /** The namespaces a cluster has from the start. */
  public static final List<String> SYSTEM_NAMESPACES =
      List.of("default", "kube-system", "kube-public", "kube-node-lease");

  private final ResourceRegistry resources;
  private final Map<ResourceType, ResourceStorage> storages = new LinkedHashMap<>();
  private final ResourceStorage namespaces;
  private final ObjectCodec codec;
  private final PodSubresources podSubresources;
  private final WatchCache watchCache;
  private final CachedReads reads;

  public Registry(ResourceRegistry resources, Store store, ObjectCodec codec, Clock clock) {
    this(resources, store, codec, clock, WatchCacheConfig.defaults());
  }

  public Registry(
      ResourceRegistry resources,
      Store store,
      ObjectCodec codec,
      Clock clock,
      WatchCacheConfig cacheConfig) {
    this(resources, store, codec, clock, cacheConfig, DefaultTolerationSeconds.DEFAULT);
  }

  /**
   * @param cacheConfig how the watch cache, which serves lists and watches, keeps history
   * @param tolerations the NoExecute tolerations pods get unless they say otherwise
   */
  public Registry(
      ResourceRegistry resources,
      Store store,
      ObjectCodec codec,
      Clock clock,
      WatchCacheConfig cacheConfig,
      DefaultTolerationSeconds tolerations) {
    this.resources = resources;
    this.codec = codec;
    this.watchCache = new WatchCache(store, codec, clock, cacheConfig);
    this.reads = new CachedReads(watchCache);
    for (ResourceType t : resources.all()) {
      storages.put(t, new ResourceStorage(t, store, codec, clock, tolerations));
    }
    this.namespaces = storage(resources.byResource("", "v1", "namespaces").orElseThrow());
    this.podSubresources = new PodSubresources(resources, storages, clock);
  }

  /** Pod binding and eviction. */
  public PodSubresources pods() {
    return podSubresources;
  }

  public ResourceRegistry resources() {
    return resources;
  }

  public ObjectCodec codec() {
    return codec;
  }

  /** The watch cache; nothing is loaded until a resource is first listed or watched. */
  public WatchCache watchCache() {
    return watchCache;
  }

  /** Lists and watches, from the watch cache where upstream would serve them from it. */
  public CachedReads reads() {
    return reads;
  }

  public ResourceStorage storage(ResourceType type) {
    return storages.get(type);
  }

  public Optional<ResourceStorage> storage(String group, String version, String plural) {
    return resources.byResource(group, version, plural).map(storages::get);
  }

  /** Creates the system namespaces that are missing; idempotent, run at every start. */
  public void bootstrap() {
    for (String name : SYSTEM_NAMESPACES) {
      if (namespaces.read(null, name).isEmpty()) {
        Namespace ns =
            new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build();
        try {
          namespaces.create(null, ns, WriteOptions.DEFAULT);
        } catch (StatusError e) {
          if (e.code() != 409) {
            throw e;
          }
        }
      }
    }
  }

  /**
   * Creates {@code obj} after namespace admission.
   *
   * @throws StatusError 404 when the namespace does not exist, 403 when it is terminating
   */
  public HasMetadata create(
      ResourceStorage storage, String namespace, HasMetadata obj, WriteOptions options) {
    if (storage.type().namespaced()) {
      admitNamespace(storage.type(), namespace, obj);
    }
    return storage.create(namespace, obj, options);
  }

  private void admitNamespace(ResourceType type, String namespace, HasMetadata obj) {
    // Upstream's NamespaceLifecycle reads an informer's namespace; this reads the store's version,
    // and decodes it only if the watch cache does not hold that version (every create asks).
    Optional<HasMetadata> ns = namespaces.readShared(null, namespace, watchCache);
    if (ns.isEmpty()) {
      throw StatusError.notFound(namespaces.type(), namespace);
    }
    if (ns.get().getMetadata().getDeletionTimestamp() != null) {
      String name = obj.getMetadata() == null ? "" : obj.getMetadata().getName();
      throw StatusError.forbidden(
          type,
          name == null ? "" : name,
          "unable to create new content in namespace "
              + namespace
              + " because it is being terminated");
    }
  }
}
