package io.skiff.apiserver.registry;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Preconditions;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import io.skiff.api.ResourceType;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.defaults.Defaulter;
import io.skiff.api.errors.StatusError;
import io.skiff.api.selector.FieldSelector;
import io.skiff.api.selector.LabelSelector;
import io.skiff.api.validation.FieldError;
import io.skiff.api.validation.ValidationException;
import io.skiff.api.validation.Validator;
import io.skiff.apiserver.cache.WatchCache;
import io.skiff.client.ModelCopy;
import io.skiff.clock.Clock;
import io.skiff.store.CompactedException;
import io.skiff.store.ConflictException;
import io.skiff.store.FutureRevisionException;
import io.skiff.store.KeyExistsException;
import io.skiff.store.KeyNotFoundException;
import io.skiff.store.KeyValue;
import io.skiff.store.ListResult;
import io.skiff.store.Store;
import io.skiff.store.StoreException;
import io.skiff.store.Watch;
import io.skiff.store.WatchEvent;
import io.skiff.store.WatchListener;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The storage of one resource: what upstream's generic registry store does over etcd, here over a
 * {@link Store}. Objects are stored as their JSON without {@code resourceVersion}, which is the
 * key's store revision and is filled in on every read, so that the two can never disagree.
 */
public final class ResourceStorage {

  /** Upstream's alphabet for generated name suffixes (no vowels, no look-alikes). */
  private static final char[] NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789".toCharArray();

  private static final int MAX_PAGE = 10_000;

  /** The namespaces upstream's NamespaceLifecycle admission refuses to delete. */
  private static final Set<String> IMMORTAL_NAMESPACES =
      Set.of("default", "kube-system", "kube-public");

  private final ResourceType type;
  private final Store store;
  private final ObjectCodec codec;
  private final Clock clock;
  private final Strategy strategy;
  private final DefaultTolerationSeconds tolerations;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param tolerations the DefaultTolerationSeconds admission, which upstream runs on every create
   *     and update of a pod (not of its subresources), before the strategy
   */
  ResourceStorage(
      ResourceType type,
      Store store,
      ObjectCodec codec,
      Clock clock,
      DefaultTolerationSeconds tolerations) {
    this.type = type;
    this.store = store;
    this.codec = codec;
    this.clock = clock;
    this.strategy = new Strategy(type, clock);
    this.tolerations = tolerations;
  }

  public ResourceType type() {
    return type;
  }

  /** One page of a list. */
  public record Page(List<HasMetadata> items, long revision, String continueToken) {}

  // ---- reads ----

  public HasMetadata get(String namespace, String name) {
    return read(namespace, name).orElseThrow(() -> StatusError.notFound(type, name));
  }

  Optional<HasMetadata> read(String namespace, String name) {
    return stored(namespace, name).map(this::decode);
  }

  /**
   * {@link #read} for a caller that never changes what it gets: the watch cache's own object when
   * it holds the version the store has, so that nothing is decoded. As consistent as a read of the
   * store, which says what the current version is.
   */
  Optional<HasMetadata> readShared(String namespace, String name, WatchCache cache) {
    return stored(namespace, name)
        .map(kv -> cache.peek(type, kv.key(), kv.modRevision()).orElseGet(() -> decode(kv)));
  }

  /** The stored value of {@code namespace}/{@code name}; empty for a name no key can have. */
  private Optional<KeyValue> stored(String namespace, String name) {
    try {
      return store.get(type.key(namespace, name));
    } catch (io.skiff.store.InvalidRequestException e) {
      return Optional.empty();
    }
  }

  /**
   * Lists objects of {@code namespace} (all namespaces when null) matching both selectors.
   *
   * @param limit at most this many items (0: all); a continue token is returned when more remain
   */
  public Page list(
      String namespace,
      LabelSelector labels,
      FieldSelector fields,
      int limit,
      String continueToken,
      long atRevision) {
    String prefix = namespace == null ? type.keyPrefix() : type.keyPrefix(namespace);
    long revision = atRevision;
    String after = null;
    if (continueToken != null && !continueToken.isEmpty()) {
      ContinueToken token = ContinueToken.decode(continueToken);
      revision = token.revision();
      after = token.lastKey();
    }
    List<HasMetadata> items = new ArrayList<>();
    String lastKey = null;
    boolean more = false;
    try {
      // Filtering happens after reading, so pages are read until the limit is met by matches.
      while (true) {
        int want = limit > 0 ? Math.min(MAX_PAGE, limit - items.size()) : MAX_PAGE;
        ListResult page = store.list(prefix, want, after, revision);
        revision = page.revision();
        for (KeyValue kv : page.items()) {
          HasMetadata obj = decode(kv);
          lastKey = kv.key();
          if (matches(obj, labels, fields)) {
            items.add(obj);
          }
        }
        if (!page.more()) {
          more = false;
          break;
        }
        after = page.continueAfter();
        if (limit > 0 && items.size() >= limit) {
          more = true;
          break;
        }
      }
    } catch (CompactedException e) {
      throw StatusError.expired(
          "The provided continue parameter is too old to display a consistent list result. You"
              + " can start a new list without the continue parameter, or use the continue token"
              + " in this response to retrieve the remainder of the results. Continuing with the"
              + " provided token results in an inconsistent list - objects that were created,"
              + " modified, or deleted between the time the first chunk was returned and now may"
              + " show up in the list.");
    } catch (FutureRevisionException e) {
      throw tooLargeResourceVersion(e.requestedRevision(), e.currentRevision());
    }
    String token = more ? new ContinueToken(revision, lastKey).encode() : null;
    return new Page(items, revision, token);
  }

  /**
   * Upstream's TooLargeResourceVersionError: a read asked for a revision the store has not reached;
   * clients retry after the second it suggests.
   */
  public static StatusError tooLargeResourceVersion(long requested, long current) {
    return StatusError.of(
        504,
        "Timeout",
        "Too large resource version: " + requested + ", current: " + current,
        new StatusDetailsBuilder()
            .addNewCause()
            .withReason("ResourceVersionTooLarge")
            .withMessage("Too large resource version")
            .endCause()
            .withRetryAfterSeconds(1)
            .build());
  }

  // ---- writes ----

  public HasMetadata create(String namespace, HasMetadata obj, WriteOptions options) {
    ObjectMeta meta = meta(obj);
    scopeNamespace(meta, namespace);
    boolean generated =
        (meta.getName() == null || meta.getName().isEmpty())
            && meta.getGenerateName() != null
            && !meta.getGenerateName().isEmpty();
    meta.setUid(UUID.randomUUID().toString());
    meta.setCreationTimestamp(timestamp(clock.now()));
    meta.setResourceVersion(null);
    meta.setDeletionTimestamp(null);
    meta.setDeletionGracePeriodSeconds(null);
    meta.setSelfLink(null);
    // Upstream names the object before PrepareForCreate, which may use the name (a Job's labels).
    if (generated) {
      meta.setName(meta.getGenerateName() + suffix());
    }
    admit(obj);
    strategy.prepareForCreate(obj);
    Defaulter.apply(obj);
    for (int attempt = 0; ; attempt++) {
      if (generated && attempt > 0) {
        String taken = meta.getName();
        meta.setName(meta.getGenerateName() + suffix());
        strategy.renamed(obj, taken);
      }
      check(obj, Validator.validateCreate(obj));
      if (options.dryRun()) {
        return obj;
      }
      try {
        KeyValue kv = store.create(type.key(meta.getNamespace(), meta.getName()), encode(obj));
        meta.setResourceVersion(String.valueOf(kv.modRevision()));
        return obj;
      } catch (KeyExistsException e) {
        if (generated && attempt < 3) {
          continue;
        }
        throw StatusError.alreadyExists(type, meta.getName());
      } catch (StoreException e) {
        throw storeFailure(e);
      }
    }
  }

  /**
   * Replaces an object (PUT). An empty resourceVersion means "whatever is there now", as every
   * built-in kind allows unconditional updates.
   */
  public HasMetadata update(String namespace, String name, HasMetadata obj, WriteOptions options) {
    ObjectMeta meta = meta(obj);
    scopeNamespace(meta, namespace);
    if (meta.getName() == null || meta.getName().isEmpty()) {
      meta.setName(name);
    }
    if (!name.equals(meta.getName())) {
      throw StatusError.badRequest(
          "the name of the object ("
              + meta.getName()
              + ") does not match the name on the URL ("
              + name
              + ")");
    }
    String wanted = meta.getResourceVersion();
    return replace(
        namespace,
        name,
        current -> {
          if (wanted != null
              && !wanted.isEmpty()
              && !wanted.equals(current.getMetadata().getResourceVersion())) {
            throw StatusError.conflict(type, name);
          }
          return codec.decodeStored(codec.encode(obj), type.type());
        },
        options,
        wanted == null || wanted.isEmpty());
  }

  /**
   * {@link #guaranteedUpdate} for a {@code next} that reads the current object, never changes it,
   * and returns a new one: each attempt then decodes the stored object once, not twice.
   */
  public HasMetadata replace(
      String namespace,
      String name,
      UnaryOperator<HasMetadata> next,
      WriteOptions options,
      boolean retryOnConflict) {
    return guaranteedUpdate(namespace, name, next, false, options, retryOnConflict);
  }

  /**
   * Reads the object, lets {@code mutate} make the next version from a copy, and writes it with
   * compare-and-swap, retrying from a fresh read when another write got in first (upstream's
   * GuaranteedUpdate). {@code mutate} may throw a {@link StatusError} to refuse.
   */
  public HasMetadata guaranteedUpdate(
      String namespace,
      String name,
      UnaryOperator<HasMetadata> mutate,
      WriteOptions options,
      boolean retryOnConflict) {
    return guaranteedUpdate(namespace, name, mutate, true, options, retryOnConflict);
  }

  private HasMetadata guaranteedUpdate(
      String namespace,
      String name,
      UnaryOperator<HasMetadata> mutate,
      boolean mutateChangesCurrent,
      WriteOptions options,
      boolean retryOnConflict) {
    String key = type.key(namespace, name);
    for (int attempt = 0; ; attempt++) {
      KeyValue kv = current(key, name);
      HasMetadata old = decode(kv);
      // A copy for a mutate that changes what it is given: the strategies and validation compare
      // the next version with the old one, which must be as stored.
      HasMetadata next = mutate.apply(mutateChangesCurrent ? ModelCopy.deep(old) : old);
      ObjectMeta meta = meta(next);
      ObjectMeta oldMeta = old.getMetadata();
      // Upstream's Store.Update: a version the new object claims must be the stored one. A patch
      // that carries the resourceVersion its author read (fabric8's edit() does) is how clients
      // ask for optimistic locking; only an absent one means "whatever is there now".
      String claimed = meta.getResourceVersion();
      if (claimed != null && !claimed.isEmpty() && !claimed.equals(oldMeta.getResourceVersion())) {
        throw StatusError.conflict(type, name);
      }
      meta.setName(oldMeta.getName());
      meta.setNamespace(oldMeta.getNamespace());
      // A uid the new object carries stays, for validation to refuse a different one (422): that
      // is how a patch with metadata.uid acts as a precondition (the garbage collector's are).
      if (meta.getUid() == null || meta.getUid().isEmpty()) {
        meta.setUid(oldMeta.getUid());
      }
      meta.setCreationTimestamp(oldMeta.getCreationTimestamp());
      meta.setDeletionTimestamp(oldMeta.getDeletionTimestamp());
      meta.setDeletionGracePeriodSeconds(oldMeta.getDeletionGracePeriodSeconds());
      meta.setResourceVersion(oldMeta.getResourceVersion());
      meta.setSelfLink(null);
      if (options.namespaceFinalize()) {
        strategy.prepareForFinalizeUpdate((Namespace) next, (Namespace) old);
      } else if (options.status()) {
        strategy.prepareForStatusUpdate(next, old);
      } else {
        admit(next);
        strategy.prepareForUpdate(next, old);
      }
      Defaulter.apply(next);
      check(
          next,
          options.namespaceFinalize()
              ? Validator.validateNamespaceFinalize((Namespace) next, (Namespace) old)
              : options.status()
                  ? Validator.validateStatusUpdate(next, old)
                  : Validator.validateUpdate(next, old));
      byte[] bytes = encode(next);
      if (Arrays.equals(bytes, kv.value())) {
        // Upstream skips writes that change nothing: no new resourceVersion, no watch event.
        return next;
      }
      if (options.dryRun()) {
        return next;
      }
      try {
        if (Strategy.shouldDeleteDuringUpdate(next)) {
          // The last finalizer is gone from an object being deleted: it goes now.
          store.delete(key, kv.modRevision());
          return next;
        }
        KeyValue written = store.update(key, bytes, kv.modRevision());
        meta.setResourceVersion(String.valueOf(written.modRevision()));
        return next;
      } catch (ConflictException e) {
        if (retryOnConflict && attempt < 20) {
          // Below, the object was stamped with the version this attempt read; a mutate that
          // returns the same object again must claim only what it claimed before.
          meta.setResourceVersion(claimed);
          continue;
        }
        throw StatusError.conflict(type, name);
      } catch (KeyNotFoundException e) {
        throw StatusError.notFound(type, name);
      } catch (StoreException e) {
        throw storeFailure(e);
      }
    }
  }

  /**
   * Compare-and-swap of {@code mutate}'s result with no strategy, defaulting or validation: for
   * subresources whose handler owns the transition, as upstream's BindingREST writes the pod
   * straight to storage (a pod update could neither set {@code spec.nodeName} nor touch status).
   * Retries from a fresh read on conflict; {@code mutate} may throw a {@link StatusError}.
   */
  HasMetadata rawUpdate(String namespace, String name, UnaryOperator<HasMetadata> mutate) {
    String key = type.key(namespace, name);
    for (int attempt = 0; ; attempt++) {
      KeyValue kv = current(key, name);
      HasMetadata next = mutate.apply(decode(kv));
      try {
        KeyValue written = store.update(key, encode(next), kv.modRevision());
        next.getMetadata().setResourceVersion(String.valueOf(written.modRevision()));
        return next;
      } catch (ConflictException e) {
        if (attempt < 20) {
          continue;
        }
        throw StatusError.conflict(type, name);
      } catch (KeyNotFoundException e) {
        throw StatusError.notFound(type, name);
      } catch (StoreException e) {
        throw storeFailure(e);
      }
    }
  }

  /** What a DELETE did: removed the object at once, or marked it for deletion. */
  public record Deletion(HasMetadata object, boolean removed) {}

  /**
   * Deletes an object with upstream's semantics: the propagation policy becomes the {@code orphan}
   * or {@code foregroundDeletion} finalizer; an object with finalizers is only marked (deletion
   * timestamp set, generation bumped); pods on a node get their grace period.
   */
  public Deletion delete(String namespace, String name, DeleteOptions options, boolean dryRun) {
    DeleteOptions opts = options == null ? new DeleteOptions() : options;
    if (type.kind().equals("Namespace") && type.group().isEmpty()) {
      return deleteNamespace(name, opts, dryRun);
    }
    return deleteObject(namespace, name, opts, dryRun);
  }

  private Deletion deleteObject(String namespace, String name, DeleteOptions opts, boolean dryRun) {
    String key = type.key(namespace, name);
    for (int attempt = 0; ; attempt++) {
      KeyValue kv = current(key, name);
      HasMetadata obj = decode(kv);
      ObjectMeta meta = obj.getMetadata();
      checkPreconditions(opts.getPreconditions(), meta, name);
      long grace;
      Long pending = meta.getDeletionGracePeriodSeconds();
      if (meta.getDeletionTimestamp() != null && pending != null && pending > 0) {
        // Upstream's BeforeDelete: a graceful deletion under way can only be shortened; any
        // other DELETE leaves it (and the object) as it is, for the kubelet to finish.
        Long asked = opts.getGracePeriodSeconds();
        if (asked == null || asked >= pending) {
          return new Deletion(obj, false);
        }
        grace = Math.max(0, asked);
        Instant end = Instant.parse(meta.getDeletionTimestamp());
        meta.setDeletionTimestamp(timestamp(end.minusSeconds(pending).plusSeconds(grace)));
        meta.setDeletionGracePeriodSeconds(grace);
      } else {
        grace = gracePeriod(obj, opts);
      }
      Set<String> finalizers =
          new LinkedHashSet<>(meta.getFinalizers() == null ? List.of() : meta.getFinalizers());
      applyPropagation(opts, finalizers);
      boolean keep = !finalizers.isEmpty() || grace > 0;
      if (dryRun) {
        return new Deletion(obj, !keep);
      }
      try {
        if (!keep) {
          store.delete(key, kv.modRevision());
          return new Deletion(obj, true);
        }
        if (meta.getDeletionTimestamp() == null) {
          meta.setDeletionTimestamp(timestamp(clock.now().plusSeconds(grace)));
          meta.setDeletionGracePeriodSeconds(grace);
          if (meta.getGeneration() != null && meta.getGeneration() > 0) {
            meta.setGeneration(meta.getGeneration() + 1);
          }
        }
        meta.setFinalizers(finalizers.isEmpty() ? null : new ArrayList<>(finalizers));
        byte[] bytes = encode(obj);
        if (!Arrays.equals(bytes, kv.value())) {
          KeyValue written = store.update(key, bytes, kv.modRevision());
          meta.setResourceVersion(String.valueOf(written.modRevision()));
        }
        return new Deletion(obj, false);
      } catch (ConflictException e) {
        if (attempt < 20) {
          continue;
        }
        throw StatusError.conflict(type, name);
      } catch (KeyNotFoundException e) {
        throw StatusError.notFound(type, name);
      } catch (StoreException e) {
        throw storeFailure(e);
      }
    }
  }

  /**
   * Upstream's namespace REST Delete: the first DELETE only starts termination (deletion timestamp,
   * phase Terminating, the propagation finalizers); the namespace controller then empties the
   * namespace and removes its {@code kubernetes} finalizer through {@code /finalize}, whereupon the
   * namespace goes. A DELETE while spec finalizers remain changes nothing.
   */
  private Deletion deleteNamespace(String name, DeleteOptions opts, boolean dryRun) {
    if (IMMORTAL_NAMESPACES.contains(name)) {
      // Upstream's NamespaceLifecycle admission.
      throw StatusError.forbidden(type, name, "this namespace may not be deleted");
    }
    String key = type.key(null, name);
    for (int attempt = 0; ; attempt++) {
      KeyValue kv = current(key, name);
      Namespace ns = (Namespace) decode(kv);
      ObjectMeta meta = ns.getMetadata();
      checkPreconditions(opts.getPreconditions(), meta, name);
      if (meta.getDeletionTimestamp() != null) {
        List<String> specFinalizers = ns.getSpec() == null ? null : ns.getSpec().getFinalizers();
        if (specFinalizers != null && !specFinalizers.isEmpty()) {
          return new Deletion(ns, false);
        }
        return deleteObject(null, name, opts, dryRun);
      }
      meta.setDeletionTimestamp(timestamp(clock.now()));
      if (ns.getStatus() == null) {
        ns.setStatus(new NamespaceStatus());
      }
      ns.getStatus().setPhase("Terminating");
      meta.setFinalizers(namespacePropagationFinalizers(opts, meta.getFinalizers()));
      if (dryRun) {
        return new Deletion(ns, false);
      }
      try {
        KeyValue written = store.update(key, encode(ns), kv.modRevision());
        meta.setResourceVersion(String.valueOf(written.modRevision()));
        return new Deletion(ns, false);
      } catch (ConflictException e) {
        if (attempt < 20) {
          continue;
        }
        throw StatusError.conflict(type, name);
      } catch (KeyNotFoundException e) {
        throw StatusError.notFound(type, name);
      } catch (StoreException e) {
        throw storeFailure(e);
      }
    }
  }

  /**
   * The {@code orphan} and {@code foregroundDeletion} finalizers a namespace's first DELETE leaves:
   * as asked by orphanDependents, else by propagationPolicy, else as they were.
   */
  private static List<String> namespacePropagationFinalizers(
      DeleteOptions opts, List<String> current) {
    Set<String> finalizers = new LinkedHashSet<>(current == null ? List.of() : current);
    boolean orphan = finalizers.contains("orphan");
    boolean foreground = finalizers.contains("foregroundDeletion");
    if (opts.getOrphanDependents() != null) {
      orphan = opts.getOrphanDependents();
      foreground = !opts.getOrphanDependents();
    } else if (opts.getPropagationPolicy() != null) {
      orphan = opts.getPropagationPolicy().equals("Orphan");
      foreground = opts.getPropagationPolicy().equals("Foreground");
    }
    set(finalizers, "orphan", orphan);
    set(finalizers, "foregroundDeletion", foreground);
    return finalizers.isEmpty() ? null : new ArrayList<>(finalizers);
  }

  private static void set(Set<String> finalizers, String finalizer, boolean present) {
    if (present) {
      finalizers.add(finalizer);
    } else {
      finalizers.remove(finalizer);
    }
  }

  private void checkPreconditions(Preconditions p, ObjectMeta meta, String name) {
    if (p == null) {
      return;
    }
    if (p.getUid() != null && !p.getUid().equals(meta.getUid())) {
      throw StatusError.conflict(
          type,
          name,
          "Precondition failed: UID in precondition: "
              + p.getUid()
              + ", UID in object meta: "
              + meta.getUid());
    }
    if (p.getResourceVersion() != null
        && !p.getResourceVersion().equals(meta.getResourceVersion())) {
      throw StatusError.conflict(
          type,
          name,
          "Precondition failed: ResourceVersion in precondition: "
              + p.getResourceVersion()
              + ", ResourceVersion in object meta: "
              + meta.getResourceVersion());
    }
  }

  /** Upstream's deletion finalizer decision: orphanDependents, then propagationPolicy. */
  private static void applyPropagation(DeleteOptions opts, Set<String> finalizers) {
    String policy = opts.getPropagationPolicy();
    if (opts.getOrphanDependents() != null) {
      policy = opts.getOrphanDependents() ? "Orphan" : "Background";
    }
    if (policy == null) {
      return;
    }
    switch (policy) {
      case "Orphan" -> {
        finalizers.remove("foregroundDeletion");
        finalizers.add("orphan");
      }
      case "Foreground" -> {
        finalizers.remove("orphan");
        finalizers.add("foregroundDeletion");
      }
      default -> {
        finalizers.remove("orphan");
        finalizers.remove("foregroundDeletion");
      }
    }
  }

  /** Seconds a pod gets to stop: none unless it runs on a node and has not finished. */
  private static long gracePeriod(HasMetadata obj, DeleteOptions opts) {
    if (!(obj instanceof Pod pod)) {
      return 0;
    }
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      return 0;
    }
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if (node == null || node.isEmpty() || "Succeeded".equals(phase) || "Failed".equals(phase)) {
      return 0;
    }
    if (opts.getGracePeriodSeconds() != null) {
      return Math.max(0, opts.getGracePeriodSeconds());
    }
    Long spec = pod.getSpec().getTerminationGracePeriodSeconds();
    return spec == null ? 30 : Math.max(0, spec);
  }

  // ---- watch ----

  /**
   * Watches {@code namespace} (all when null) from {@code fromRevision}: every change after it, as
   * ADDED, MODIFIED and DELETED of the objects matching the selectors (an object that starts or
   * stops matching is ADDED or DELETED).
   *
   * @throws StatusError 410 Expired when that history has been compacted
   */
  public Watch watch(
      String namespace,
      LabelSelector labels,
      FieldSelector fields,
      long fromRevision,
      WatchSink sink) {
    String prefix = namespace == null ? type.keyPrefix() : type.keyPrefix(namespace);
    WatchListener listener =
        new WatchListener() {
          @Override
          public void onEvents(List<WatchEvent> events) {
            for (WatchEvent e : events) {
              deliver(e, labels, fields, sink);
            }
          }

          @Override
          public void onError(StoreException error) {
            sink.error(StatusError.expired("watch ended: " + error.getMessage()));
          }
        };
    try {
      return store.watch(prefix, fromRevision, listener);
    } catch (CompactedException e) {
      throw StatusError.expired(
          "too old resource version: " + fromRevision + " (" + e.compactedRevision() + ")");
    }
  }

  private void deliver(WatchEvent e, LabelSelector labels, FieldSelector fields, WatchSink sink) {
    HasMetadata prev = e.prevKv() == null ? null : decode(e.prevKv());
    boolean prevMatched = prev != null && matches(prev, labels, fields);
    switch (e.type()) {
      case CREATED -> {
        HasMetadata obj = decode(e.kv());
        if (matches(obj, labels, fields)) {
          sink.event("ADDED", obj);
        }
      }
      case UPDATED -> {
        HasMetadata obj = decode(e.kv());
        boolean matched = matches(obj, labels, fields);
        if (matched) {
          sink.event(prevMatched ? "MODIFIED" : "ADDED", obj);
        } else if (prevMatched) {
          // As upstream: the object as it was when it still matched, at the change's version.
          prev.getMetadata().setResourceVersion(String.valueOf(e.revision()));
          sink.event("DELETED", prev);
        }
      }
      case DELETED -> {
        if (prevMatched) {
          prev.getMetadata().setResourceVersion(String.valueOf(e.revision()));
          sink.event("DELETED", prev);
        }
      }
    }
  }

  public long currentRevision() {
    return store.currentRevision();
  }

  // ---- helpers ----

  private boolean matches(HasMetadata obj, LabelSelector labels, FieldSelector fields) {
    if (labels != null && !labels.matches(obj.getMetadata().getLabels())) {
      return false;
    }
    return fields == null || fields.isEverything() || fields.matches(SelectableFields.of(obj));
  }

  private void scopeNamespace(ObjectMeta meta, String namespace) {
    if (!type.namespaced()) {
      meta.setNamespace(null);
      return;
    }
    if (meta.getNamespace() == null || meta.getNamespace().isEmpty()) {
      meta.setNamespace(namespace);
    } else if (!meta.getNamespace().equals(namespace)) {
      throw StatusError.badRequest(
          "the namespace of the provided object does not match the namespace sent on the request");
    }
  }

  private void check(HasMetadata obj, List<FieldError> errors) {
    if (!errors.isEmpty()) {
      throw Statuses.invalid(Validator.invalid(obj, errors));
    }
  }

  private HasMetadata decode(KeyValue kv) {
    HasMetadata obj = codec.decodeStored(kv.value(), type.type());
    obj.getMetadata().setResourceVersion(String.valueOf(kv.modRevision()));
    return obj;
  }

  private byte[] encode(HasMetadata obj) {
    String rv = obj.getMetadata().getResourceVersion();
    obj.getMetadata().setResourceVersion(null);
    // fabric8 objects carry their kind from construction; the group/version is the endpoint's.
    obj.setApiVersion(type.apiVersion());
    try {
      return codec.encode(obj);
    } finally {
      obj.getMetadata().setResourceVersion(rv);
    }
  }

  /** The mutating admission of a create or update of the object itself. */
  private void admit(HasMetadata obj) {
    if (obj instanceof Pod pod) {
      tolerations.admit(pod);
    }
  }

  private static ObjectMeta meta(HasMetadata obj) {
    if (obj.getMetadata() == null) {
      obj.setMetadata(new ObjectMeta());
    }
    return obj.getMetadata();
  }

  private String suffix() {
    char[] out = new char[5];
    for (int i = 0; i < out.length; i++) {
      out[i] = NAME_CHARS[random.nextInt(NAME_CHARS.length)];
    }
    return new String(out);
  }

  /** RFC 3339 at second precision, as metav1.Time serializes. */
  static String timestamp(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** The stored key of an object that must exist, for a read-modify-write. */
  private KeyValue current(String key, String name) {
    try {
      return store.get(key).orElseThrow(() -> StatusError.notFound(type, name));
    } catch (StoreException e) {
      throw storeFailure(e);
    }
  }

  private static StatusError storeFailure(StoreException e) {
    return StatusError.internal(e.getMessage());
  }

  /** Bridges validation results to Status errors. */
  static final class Statuses {
    private Statuses() {}

    static StatusError invalid(ValidationException v) {
      return StatusError.invalid(
          v.kind(),
          v.group(),
          v.name(),
          v.errors().stream().map(FieldError::toString).distinct().toList(),
          v.errors().stream()
              .map(f -> new StatusError.Cause(f.reason(), f.body(), f.field()))
              .toList());
    }
  }
}
