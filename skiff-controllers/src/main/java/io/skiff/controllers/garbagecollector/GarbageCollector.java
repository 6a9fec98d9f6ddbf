package io.skiff.controllers.garbagecollector;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.ResourceType;
import io.skiff.api.errors.StatusError;
import io.skiff.api.patch.PatchType;
import io.skiff.client.KubeClient;
import io.skiff.client.Resources;
import io.skiff.client.informer.ResourceEventHandler;
import io.skiff.client.informer.SharedInformerFactory;
import io.skiff.client.workqueue.RateLimiter;
import io.skiff.client.workqueue.WorkQueue;
import io.skiff.clock.Clock;
import io.skiff.controllers.garbagecollector.GraphBuilder.Event;
import io.skiff.controllers.garbagecollector.GraphBuilder.EventType;
import io.skiff.controllers.runtime.Controller;
import io.skiff.controllers.runtime.ControllerContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The garbage collector (upstream's {@code pkg/controller/garbagecollector}): deletes objects whose
 * owners are all gone, and carries out the two deletions that wait on dependents.
 *
 * <ul>
 *   <li><b>Background</b> (the default): the owner goes at once; the collector then deletes each
 *       dependent whose owner references all dangle (the owner is gone or has another uid), level
 *       by level (Deployment → ReplicaSets → Pods). A dependent with another, existing owner only
 *       loses the dangling reference.
 *   <li><b>Foreground</b> ({@code foregroundDeletion} finalizer): the owner stays, marked, until
 *       its dependents with {@code blockOwnerDeletion: true} are gone; dependents that have
 *       dependents of their own are themselves deleted in the foreground. Then the collector
 *       removes the finalizer and the owner goes.
 *   <li><b>Orphan</b> ({@code orphan} finalizer): the collector removes the owner's reference from
 *       every dependent, then the finalizer; the dependents stay, ownerless.
 * </ul>
 *
 * <p>It follows every kind that can be listed, watched and deleted, except Events (as upstream
 * ignores them): the graph needs to see owners and dependents of any kind. Lookups that decide a
 * deletion go to the API server, not to caches; writes carry the object's uid as a precondition
 * ({@code metadata.uid} in patches, {@code preconditions.uid} in deletes), so an object replaced by
 * a namesake is never touched.
 *
 * <p>Threads: one applies graph events; {@code workers} take nodes off the attempt-to-delete queue
 * and as many off the attempt-to-orphan queue (upstream's {@code --concurrent-gc-syncs}, 20).
 */
public final class GarbageCollector implements Controller {

  public static final String NAME = "garbagecollector";

  private static final System.Logger log = System.getLogger(GarbageCollector.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ABSENT_OWNER_CACHE_SIZE = 500;
  // client-go's retry.DefaultBackoff: the finalizer removal is retried this often on conflict.
  private static final int FINALIZER_UPDATE_ATTEMPTS = 4;

  /** What the collector follows: everything deletable, watchable and listable but Events. */
  static List<ResourceType> monitoredTypes(ResourceRegistry registry) {
    List<ResourceType> types = new ArrayList<>();
    for (ResourceType t : registry.all()) {
      if (t.verbs().containsAll(Set.of("delete", "list", "watch"))
          && !t.plural().equals("events")) {
        types.add(t);
      }
    }
    return types;
  }

  private final KubeClient client;
  private final ResourceRegistry registry;
  private final WorkQueue<Node> attemptToDelete;
  private final WorkQueue<Node> attemptToOrphan;
  private final AbsentOwnerCache absentOwners = new AbsentOwnerCache(ABSENT_OWNER_CACHE_SIZE);
  private final GraphBuilder graph;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopping;

  /** A collector fed by {@code ctx}'s informers, one per monitored kind. */
  public GarbageCollector(ControllerContext ctx) {
    this(ctx.client(), ResourceRegistry.builtin(), ctx.clock());
    monitor(ctx.informers());
  }

  /** A collector whose graph is fed through {@link #graph()}; for tests. */
  GarbageCollector(KubeClient client, ResourceRegistry registry, Clock clock) {
    this.client = client;
    this.registry = registry;
    this.attemptToDelete = new WorkQueue<>(clock, RateLimiter.defaultControllerRateLimiter(clock));
    this.attemptToOrphan = new WorkQueue<>(clock, RateLimiter.defaultControllerRateLimiter(clock));
    this.graph = new GraphBuilder(attemptToDelete, attemptToOrphan, absentOwners);
  }

  @Override
  public String name() {
    return NAME;
  }

  GraphBuilder graph() {
    return graph;
  }

  /**
   * Whether an informer has shown the object with {@code uid} to the graph (upstream's
   * GraphHasUID): tests wait for it before deleting an owner, as the graph only knows the
   * dependents it has seen.
   */
  public boolean hasObserved(String uid) {
    return graph.node(uid).filter(Node::isObserved).isPresent();
  }

  WorkQueue<Node> attemptToDeleteQueue() {
    return attemptToDelete;
  }

  WorkQueue<Node> attemptToOrphanQueue() {
    return attemptToOrphan;
  }

  private void monitor(SharedInformerFactory informers) {
    for (ResourceType t : monitoredTypes(registry)) {
      monitor(informers, t, t.type());
    }
  }

  private <T extends HasMetadata> void monitor(
      SharedInformerFactory informers, ResourceType type, Class<T> kind) {
    informers.informerFor(kind).addEventHandler(eventsOf(type));
  }

  /** Turns an informer's notifications into graph events of {@code type}. */
  <T extends HasMetadata> ResourceEventHandler<T> eventsOf(ResourceType type) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        graph.enqueue(
            new Event(EventType.ADD, ObjectIdentity.of(type, object), object, null, false));
      }

      @Override
      public void onUpdate(T oldObject, T newObject) {
        ObjectIdentity before = ObjectIdentity.of(type, oldObject);
        ObjectIdentity now = ObjectIdentity.of(type, newObject);
        if (!before.uid().equals(now.uid())) {
          // A relist found a namesake: to the graph, one object went and another came.
          graph.enqueue(new Event(EventType.DELETE, before, oldObject, null, false));
          graph.enqueue(new Event(EventType.ADD, now, newObject, null, false));
          return;
        }
        graph.enqueue(new Event(EventType.UPDATE, now, newObject, oldObject, false));
      }

      @Override
      public void onDelete(T object) {
        graph.enqueue(
            new Event(EventType.DELETE, ObjectIdentity.of(type, object), object, null, false));
      }
    };
  }

  // ---- running ----

  @Override
  public synchronized void run(int workers) {
    if (!threads.isEmpty()) {
      throw new IllegalStateException(NAME + " is already running");
    }
    // What the informers' first lists delivered is in the graph before any worker judges a
    // node by its dependents.
    graph.processPending();
    threads.add(Thread.ofVirtual().name("skiff-gc-graph").start(this::buildGraph));
    for (int i = 0; i < workers; i++) {
      threads.add(
          Thread.ofVirtual()
              .name("skiff-gc-delete-" + i)
              .start(() -> work(this::processAttemptToDelete)));
      threads.add(
          Thread.ofVirtual()
              .name("skiff-gc-orphan-" + i)
              .start(() -> work(this::processAttemptToOrphan)));
    }
    log.log(System.Logger.Level.INFO, "started the garbage collector with {0} workers", workers);
  }

  @Override
  public void shutDown() throws InterruptedException {
    List<Thread> running;
    synchronized (this) {
      stopping = true;
      running = List.copyOf(threads);
    }
    attemptToDelete.shutDown();
    attemptToOrphan.shutDown();
    for (Thread t : running) {
      t.interrupt();
    }
    for (Thread t : running) {
      t.join();
    }
  }

  private void buildGraph() {
    while (!stopping) {
      try {
        graph.processNext();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private interface Step {
    boolean run() throws InterruptedException;
  }

  private void work(Step step) {
    try {
      while (step.run()) {
        // one node per call
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Takes one node off the attempt-to-delete queue (waiting for one) and handles it.
   *
   * @return false once the queue is shut down
   */
  boolean processAttemptToDelete() throws InterruptedException {
    Optional<Node> next = attemptToDelete.get();
    if (next.isEmpty()) {
      return false;
    }
    Node n = next.get();
    try {
      if (attemptToDeleteWorker(n)) {
        attemptToDelete.forget(n);
      } else {
        attemptToDelete.addRateLimited(n);
      }
    } finally {
      attemptToDelete.done(n);
    }
    return true;
  }

  /**
   * Takes one node off the attempt-to-orphan queue (waiting for one) and handles it.
   *
   * @return false once the queue is shut down
   */
  boolean processAttemptToOrphan() throws InterruptedException {
    Optional<Node> next = attemptToOrphan.get();
    if (next.isEmpty()) {
      return false;
    }
    Node owner = next.get();
    try {
      if (attemptToOrphanWorker(owner)) {
        attemptToOrphan.forget(owner);
      } else {
        attemptToOrphan.addRateLimited(owner);
      }
    } finally {
      attemptToOrphan.done(owner);
    }
    return true;
  }

  // ---- attempt to delete ----

  /** What a look at a node found that needs no retry though nothing was deleted. */
  private enum Outcome {
    HANDLED,
    /** The object is gone: the graph learns so from a virtual delete event. */
    VIRTUAL_DELETE_QUEUED,
    /** A cluster-scoped object names a namespaced owner: retrying cannot help. */
    INVALID_OWNER_SCOPE
  }

  /**
   * @return true to forget the node, false to retry it with backoff
   */
  private boolean attemptToDeleteWorker(Node n) {
    if (!n.isObserved()) {
      Optional<Node> inGraph = graph.node(n.identity().uid());
      if (inGraph.isEmpty() || inGraph.get() != n) {
        // Removed or replaced while it waited in the queue.
        return true;
      }
    }
    Outcome outcome;
    try {
      outcome = attemptToDeleteItem(n);
    } catch (StatusError | UnknownKindException e) {
      log.log(System.Logger.Level.DEBUG, "garbage collection of " + n + " failed: " + e);
      return false;
    } catch (RuntimeException e) {
      log.log(System.Logger.Level.WARNING, "garbage collection of " + n + " failed", e);
      return false;
    }
    if (outcome != Outcome.HANDLED) {
      return true;
    }
    // A virtual node whose object exists is looked at again until an informer shows it, so that
    // one created and deleted between two watches cannot stay in the graph for ever.
    return n.isObserved();
  }

  /**
   * Deletes the node's object if all its owners are gone, with the propagation its own finalizers
   * or its owners' foreground deletion call for; drops references to owners that are gone or
   * waiting on their dependents from an object that has other owners.
   */
  private Outcome attemptToDeleteItem(Node item) {
    if (item.isBeingDeleted() && !item.isDeletingDependents()) {
      // Being deleted is a one-way trip: its dependents are handled when it is gone.
      return Outcome.HANDLED;
    }
    Optional<HasMetadata> found = get(item.identity());
    if (found.isEmpty() || !item.identity().uid().equals(found.get().getMetadata().getUid())) {
      graph.enqueueVirtualDelete(item.identity());
      return Outcome.VIRTUAL_DELETE_QUEUED;
    }
    HasMetadata latest = found.get();
    if (item.isDeletingDependents()) {
      processDeletingDependentsItem(item);
      return Outcome.HANDLED;
    }
    List<OwnerReference> refs = GraphBuilder.ownerReferences(latest.getMetadata());
    if (refs.isEmpty()) {
      return Outcome.HANDLED;
    }
    List<OwnerReference> solid = new ArrayList<>();
    List<OwnerReference> dangling = new ArrayList<>();
    List<OwnerReference> waiting = new ArrayList<>();
    for (OwnerReference ref : refs) {
      Optional<HasMetadata> owner;
      try {
        owner = liveOwner(ref, item);
      } catch (InvalidOwnerScopeException e) {
        log.log(
            System.Logger.Level.INFO,
            "{0} is cluster-scoped, but refers to a namespaced owner {1}",
            item,
            ref.getKind() + "/" + ref.getName());
        return Outcome.INVALID_OWNER_SCOPE;
      }
      if (owner.isEmpty()) {
        dangling.add(ref);
      } else if (GraphBuilder.beingDeleted(owner.get().getMetadata())
          && GraphBuilder.has(owner.get().getMetadata(), GraphBuilder.FOREGROUND)) {
        waiting.add(ref);
      } else {
        solid.add(ref);
      }
    }
    if (!solid.isEmpty()) {
      if (dangling.isEmpty() && waiting.isEmpty()) {
        return Outcome.HANDLED;
      }
      // References to owners waiting in the foreground go too, or those owners would wait on
      // an object that is not going to be deleted.
      List<String> uids = new ArrayList<>();
      dangling.forEach(r -> uids.add(r.getUid()));
      waiting.forEach(r -> uids.add(r.getUid()));
      patch(item.identity(), deleteOwnerReferencesPatch(item.identity().uid(), uids));
      return Outcome.HANDLED;
    }
    if (!waiting.isEmpty() && item.dependentsCount() > 0) {
      for (Node dep : item.dependents()) {
        if (dep.isDeletingDependents()) {
          // An owner and a dependent both deleting in the foreground may wait on each other:
          // this item stops blocking its owners (upstream's cycle breaker, false positives too).
          patch(item.identity(), unblockOwnerReferencesPatch(item));
          break;
        }
      }
      // The owner waits for this item, which has dependents of its own: they go first.
      delete(item.identity(), "Foreground");
      return Outcome.HANDLED;
    }
    ObjectMeta meta = latest.getMetadata();
    String policy =
        GraphBuilder.has(meta, GraphBuilder.ORPHAN)
            ? "Orphan"
            : GraphBuilder.has(meta, GraphBuilder.FOREGROUND) ? "Foreground" : "Background";
    delete(item.identity(), policy);
    return Outcome.HANDLED;
  }

  /**
   * An owner deleting in the foreground: its finalizer goes once no dependent blocks it; until then
   * its blocking dependents are queued for deletion.
   */
  private void processDeletingDependentsItem(Node item) {
    List<Node> blocking = item.blockingDependents();
    if (blocking.isEmpty()) {
      removeFinalizer(item, GraphBuilder.FOREGROUND);
      return;
    }
    for (Node dep : blocking) {
      if (!dep.isDeletingDependents()) {
        attemptToDelete.add(dep);
      }
    }
  }

  /**
   * The owner {@code ref} names, as the API server has it now; empty if it does not exist or has
   * another uid (a dangling reference).
   */
  private Optional<HasMetadata> liveOwner(OwnerReference ref, Node item) {
    ObjectIdentity clusterKey = ObjectIdentity.of(ref, "");
    if (absentOwners.has(clusterKey)) {
      return Optional.empty();
    }
    ObjectIdentity namespacedKey = ObjectIdentity.of(ref, item.identity().namespace());
    if (absentOwners.has(namespacedKey)) {
      return Optional.empty();
    }
    ResourceType type = type(ref.getApiVersion(), ref.getKind());
    if (type.namespaced() && item.identity().namespace().isEmpty()) {
      throw new InvalidOwnerScopeException();
    }
    ObjectIdentity key = type.namespaced() ? namespacedKey : clusterKey;
    Optional<? extends HasMetadata> owner =
        resources(type).get(type.namespaced() ? item.identity().namespace() : null, ref.getName());
    if (owner.isEmpty() || !owner.get().getMetadata().getUid().equals(ref.getUid())) {
      absentOwners.add(key);
      return Optional.empty();
    }
    return Optional.of(owner.get());
  }

  // ---- attempt to orphan ----

  /**
   * Removes the owner's reference from each of its dependents, then its {@code orphan} finalizer.
   *
   * @return true when done, false to retry
   */
  private boolean attemptToOrphanWorker(Node owner) {
    List<String> failures = new ArrayList<>();
    for (Node dep : owner.dependents()) {
      try {
        patch(
            dep.identity(),
            deleteOwnerReferencesPatch(dep.identity().uid(), List.of(owner.identity().uid())));
      } catch (StatusError e) {
        if (e.code() != 404) {
          failures.add(dep + ": " + e.getMessage());
        }
      } catch (UnknownKindException e) {
        failures.add(dep + ": " + e.getMessage());
      }
    }
    if (!failures.isEmpty()) {
      log.log(
          System.Logger.Level.INFO,
          "failed to orphan dependents of owner {0}, got errors: {1}",
          owner,
          failures);
      return false;
    }
    try {
      removeFinalizer(owner, GraphBuilder.ORPHAN);
      return true;
    } catch (StatusError | UnknownKindException e) {
      log.log(
          System.Logger.Level.INFO,
          "removing the orphan finalizer of {0} failed: {1}",
          owner,
          e.getMessage());
      return false;
    }
  }

  // ---- the API ----

  /**
   * Removes {@code finalizer} from the object with a JSON merge patch that carries the
   * resourceVersion read, re-reading on conflict.
   */
  private void removeFinalizer(Node n, String finalizer) {
    for (int attempt = 1; ; attempt++) {
      Optional<HasMetadata> current = get(n.identity());
      if (current.isEmpty()) {
        return;
      }
      ObjectMeta meta = current.get().getMetadata();
      if (!GraphBuilder.has(meta, finalizer)) {
        return;
      }
      List<String> rest = new ArrayList<>(meta.getFinalizers());
      rest.removeIf(finalizer::equals);
      ObjectNode patch = JSON.createObjectNode();
      ObjectNode m = patch.putObject("metadata");
      m.put("resourceVersion", meta.getResourceVersion());
      if (rest.isEmpty()) {
        m.putNull("finalizers");
      } else {
        ArrayNode list = m.putArray("finalizers");
        rest.forEach(list::add);
      }
      try {
        ResourceType type = type(n.identity().apiVersion(), n.identity().kind());
        resources(type)
            .patch(
                namespace(type, n.identity()),
                n.identity().name(),
                PatchType.MERGE_PATCH,
                patch.toString());
        return;
      } catch (StatusError e) {
        if (e.code() != 409 || attempt >= FINALIZER_UPDATE_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private Optional<HasMetadata> get(ObjectIdentity id) {
    ResourceType type = type(id.apiVersion(), id.kind());
    return resources(type).get(namespace(type, id), id.name()).map(HasMetadata.class::cast);
  }

  private void patch(ObjectIdentity id, String strategicMergePatch) {
    ResourceType type = type(id.apiVersion(), id.kind());
    resources(type)
        .patch(
            namespace(type, id), id.name(), PatchType.STRATEGIC_MERGE_PATCH, strategicMergePatch);
  }

  private void delete(ObjectIdentity id, String propagationPolicy) {
    ResourceType type = type(id.apiVersion(), id.kind());
    DeleteOptions options =
        new DeleteOptionsBuilder()
            .withNewPreconditions()
            .withUid(id.uid())
            .endPreconditions()
            .withPropagationPolicy(propagationPolicy)
            .build();
    log.log(System.Logger.Level.DEBUG, "deleting {0} with propagation {1}", id, propagationPolicy);
    resources(type).delete(namespace(type, id), id.name(), options);
  }

  private ResourceType type(String apiVersion, String kind) {
    return registry
        .byKind(apiVersion, kind)
        .orElseThrow(() -> new UnknownKindException(apiVersion, kind));
  }

  private Resources<? extends HasMetadata> resources(ResourceType type) {
    return client.resources(type.type());
  }

  private static String namespace(ResourceType type, ObjectIdentity id) {
    return type.namespaced() ? id.namespace() : null;
  }

  // ---- patches ----

  /**
   * {@code {"metadata":{"ownerReferences":[{"$patch":"delete","uid":…},…],"uid":"<item uid>"}}}:
   * removes the references by uid, only from the object with {@code itemUid}.
   */
  static String deleteOwnerReferencesPatch(String itemUid, List<String> ownerUids) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode meta = root.putObject("metadata");
    ArrayNode refs = meta.putArray("ownerReferences");
    for (String uid : ownerUids) {
      refs.addObject().put("$patch", "delete").put("uid", uid);
    }
    meta.put("uid", itemUid);
    return root.toString();
  }

  /**
   * The item's blocking references, each with {@code blockOwnerDeletion: false}, only for the
   * object with the item's uid.
   */
  static String unblockOwnerReferencesPatch(Node item) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode meta = root.putObject("metadata");
    ArrayNode refs = meta.putArray("ownerReferences");
    for (OwnerReference ref : item.owners()) {
      if (Boolean.TRUE.equals(ref.getBlockOwnerDeletion())) {
        ObjectNode r = refs.addObject();
        r.put("apiVersion", ref.getApiVersion());
        r.put("kind", ref.getKind());
        r.put("name", ref.getName());
        r.put("uid", ref.getUid());
        if (ref.getController() != null) {
          r.put("controller", ref.getController());
        }
        r.put("blockOwnerDeletion", false);
      }
    }
    meta.put("uid", item.identity().uid());
    return root.toString();
  }

  /** An owner reference to a kind this API server does not serve; retried, as upstream does. */
  static final class UnknownKindException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnknownKindException(String apiVersion, String kind) {
      super("unable to get REST mapping for " + apiVersion + "/" + kind);
    }
  }

  private static final class InvalidOwnerScopeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidOwnerScopeException() {
      super("cluster-scoped objects cannot refer to namespaced owners", null, false, false);
    }
  }
}
