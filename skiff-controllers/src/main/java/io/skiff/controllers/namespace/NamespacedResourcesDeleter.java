package io.skiff.controllers.namespace;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceSpec;
import io.fabric8.kubernetes.api.model.NamespaceStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.ResourceType;
import io.skiff.api.errors.StatusError;
import io.skiff.client.KubeClient;
import io.skiff.client.KubeObjects;
import io.skiff.client.ListOptions;
import io.skiff.client.Resources;
import io.skiff.clock.Clock;
import io.skiff.controllers.runtime.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Empties a terminating namespace and then releases it (upstream's {@code
 * namespacedResourcesDeleter}): marks it {@code Terminating}, deletes every object of every
 * namespaced resource in it, reports progress in its conditions, and once nothing is left removes
 * the {@code kubernetes} finalizer through {@code /finalize}, upon which the API server deletes the
 * namespace.
 */
public final class NamespacedResourcesDeleter {

  private static final System.Logger log =
      System.getLogger(NamespacedResourcesDeleter.class.getName());

  /** The spec finalizer this deleter owns. */
  public static final String FINALIZER = "kubernetes";

  /** How long objects held by finalizers are given before the namespace is looked at again. */
  static final long FINALIZER_ESTIMATE_SECONDS = 15;

  private final KubeClient client;
  private final Clock clock;
  private final List<ResourceType> namespaced;

  public NamespacedResourcesDeleter(KubeClient client, ResourceRegistry registry, Clock clock) {
    this.client = client;
    this.clock = clock;
    this.namespaced = deletableNamespacedTypes(registry);
  }

  /** Every namespaced resource whose objects can be listed and deleted. */
  static List<ResourceType> deletableNamespacedTypes(ResourceRegistry registry) {
    return registry.all().stream()
        .filter(t -> t.namespaced() && t.verbs().contains("delete") && t.verbs().contains("list"))
        .toList();
  }

  /**
   * One pass over the namespace {@code name}: nothing happens unless it is being deleted.
   *
   * @return 0 when done (finalized, gone, or not being deleted); otherwise the seconds to wait
   *     before the next pass, content remaining (pods terminating, objects held by finalizers)
   * @throws StatusError when an API call failed
   * @throws ContentDeletionException when some content could not be deleted
   */
  public long delete(String name) {
    Resources<Namespace> namespaces = client.resources(Namespace.class);
    Optional<Namespace> found = namespaces.get(null, name);
    if (found.isEmpty() || !terminating(found.get())) {
      return 0;
    }
    Namespace ns;
    try {
      ns = retryOnConflict(found.get(), this::ensureTerminatingPhase);
    } catch (StatusError e) {
      if (e.code() == 404) {
        return 0;
      }
      throw e;
    }
    if (!terminating(ns) || finalized(ns)) {
      return 0;
    }
    long estimate = deleteAllContent(ns);
    if (estimate > 0) {
      return estimate;
    }
    try {
      retryOnConflict(ns, this::finalizeNamespace);
    } catch (StatusError e) {
      // Another deleter with the same finalizer may have finished first.
      if (e.code() != 404) {
        throw e;
      }
    }
    return 0;
  }

  private static boolean terminating(Namespace ns) {
    String ts = ns.getMetadata().getDeletionTimestamp();
    return ts != null && !ts.isEmpty();
  }

  private static boolean finalized(Namespace ns) {
    return ns.getSpec() == null
        || ns.getSpec().getFinalizers() == null
        || ns.getSpec().getFinalizers().isEmpty();
  }

  /** Applies {@code fn}, re-reading and retrying while it conflicts, as long as the uid holds. */
  private Namespace retryOnConflict(Namespace ns, UnaryOperator<Namespace> fn) {
    Namespace latest = ns;
    while (true) {
      try {
        return fn.apply(latest);
      } catch (StatusError e) {
        if (e.code() != 409) {
          throw e;
        }
      }
      String uid = latest.getMetadata().getUid();
      String name = latest.getMetadata().getName();
      latest =
          client
              .resources(Namespace.class)
              .get(null, name)
              .orElseThrow(() -> StatusError.notFound(namespaceType(), name));
      if (!Objects.equals(uid, latest.getMetadata().getUid())) {
        throw new IllegalStateException("namespace uid has changed across retries");
      }
    }
  }

  private ResourceType namespaceType() {
    return client.resources(Namespace.class).type();
  }

  private Namespace ensureTerminatingPhase(Namespace ns) {
    if (!terminating(ns)
        || (ns.getStatus() != null && "Terminating".equals(ns.getStatus().getPhase()))) {
      return ns;
    }
    Namespace copy = KubeObjects.deepCopy(ns);
    if (copy.getStatus() == null) {
      copy.setStatus(new NamespaceStatus());
    }
    copy.getStatus().setPhase("Terminating");
    return client.resources(Namespace.class).updateStatus(copy);
  }

  /** Writes the spec finalizers but this deleter's, sorted, through {@code /finalize}. */
  private Namespace finalizeNamespace(Namespace ns) {
    Namespace copy = KubeObjects.deepCopy(ns);
    TreeSet<String> rest =
        new TreeSet<>(finalized(copy) ? List.of() : copy.getSpec().getFinalizers());
    rest.remove(FINALIZER);
    NamespaceSpec spec = copy.getSpec() == null ? new NamespaceSpec() : copy.getSpec();
    spec.setFinalizers(new ArrayList<>(rest));
    copy.setSpec(spec);
    copy.setStatus(null);
    return client.resources(Namespace.class).updateSubresource(copy, "finalize");
  }

  // ---- content ----

  /**
   * What one resource still has in the namespace after a pass.
   *
   * @param error why that is wrong, when nothing explains it (no finalizer, no grace period)
   */
  private record Remaining(
      long estimateSeconds, int count, Map<String, Integer> byFinalizer, String error) {
    static final Remaining NONE = new Remaining(0, 0, Map.of(), null);
  }

  /**
   * Deletes the namespace's content, records progress in its conditions.
   *
   * @return 0 when nothing is left, else the seconds to wait
   */
  private long deleteAllContent(Namespace ns) {
    String namespace = ns.getMetadata().getName();
    Instant deletedAt = Times.parse(ns.getMetadata().getDeletionTimestamp());
    NamespaceConditions conditions = new NamespaceConditions(clock.now());
    List<String> errors = new ArrayList<>();
    long estimate = 0;
    Map<String, Integer> remainingByResource = new TreeMap<>();
    Map<String, Integer> remainingByFinalizer = new TreeMap<>();
    for (ResourceType type : namespaced) {
      Remaining r;
      try {
        r = deleteAllContentOf(type, namespace, deletedAt);
      } catch (StatusError e) {
        // As upstream, one resource failing does not stop the others from being emptied.
        r = new Remaining(0, 0, Map.of(), e.getMessage());
      }
      if (r.error() != null) {
        errors.add(r.error());
        conditions.deleteContentFailed(r.error());
      }
      estimate = Math.max(estimate, r.estimateSeconds());
      if (r.count() > 0) {
        remainingByResource.put(type.plural() + "." + type.group(), r.count());
        r.byFinalizer().forEach((f, n) -> remainingByFinalizer.merge(f, n, Integer::sum));
      }
    }
    conditions.contentTotals(remainingByResource, remainingByFinalizer);
    Namespace withConditions = KubeObjects.deepCopy(ns);
    if (withConditions.getStatus() == null) {
      withConditions.setStatus(new NamespaceStatus());
    }
    if (conditions.update(withConditions.getStatus())) {
      try {
        client.resources(Namespace.class).updateStatus(withConditions);
      } catch (StatusError e) {
        log.log(
            System.Logger.Level.INFO,
            "couldn''t update status condition for namespace \"{0}\": {1}",
            namespace,
            e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      throw new ContentDeletionException(String.join(", ", errors));
    }
    return estimate;
  }

  private Remaining deleteAllContentOf(ResourceType type, String namespace, Instant deletedAt) {
    Resources<? extends HasMetadata> objects = client.resources(type.type());
    long estimate = estimateGracefulTermination(type, namespace, deletedAt);
    // Background, so that the garbage collector does not put the orphan finalizer on anything:
    // everything in the namespace goes.
    DeleteOptions background =
        new DeleteOptionsBuilder().withPropagationPolicy("Background").build();
    for (HasMetadata item : objects.list(namespace, ListOptions.all()).items()) {
      try {
        objects.delete(namespace, item.getMetadata().getName(), background);
      } catch (StatusError e) {
        if (e.code() != 404 && e.code() != 405) {
          throw e;
        }
      }
    }
    List<? extends HasMetadata> left = objects.list(namespace, ListOptions.all()).items();
    if (left.isEmpty()) {
      return Remaining.NONE;
    }
    Map<String, Integer> byFinalizer = new TreeMap<>();
    for (HasMetadata item : left) {
      List<String> finalizers = item.getMetadata().getFinalizers();
      if (finalizers != null) {
        finalizers.forEach(f -> byFinalizer.merge(f, 1, Integer::sum));
      }
    }
    if (estimate != 0) {
      return new Remaining(estimate, left.size(), byFinalizer, null);
    }
    if (!byFinalizer.isEmpty()) {
      return new Remaining(FINALIZER_ESTIMATE_SECONDS, left.size(), byFinalizer, null);
    }
    return new Remaining(
        0,
        left.size(),
        byFinalizer,
        "unexpected items still remain in namespace: "
            + namespace
            + " for gvr: {"
            + type.group()
            + " "
            + type.version()
            + " "
            + type.plural()
            + "}");
  }

  /**
   * For pods: the longest grace period of the pods still running, unless the namespace has been
   * terminating for longer than that already.
   */
  private long estimateGracefulTermination(ResourceType type, String namespace, Instant deletedAt) {
    if (!type.group().isEmpty() || !type.plural().equals("pods")) {
      return 0;
    }
    long estimate = 0;
    for (Pod pod : client.resources(Pod.class).list(namespace, ListOptions.all()).items()) {
      String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
        continue;
      }
      Long grace = pod.getSpec() == null ? null : pod.getSpec().getTerminationGracePeriodSeconds();
      if (grace != null && grace > estimate) {
        estimate = grace;
      }
    }
    if (deletedAt != null
        && Duration.between(deletedAt, clock.now()).compareTo(Duration.ofSeconds(estimate)) >= 0) {
      return 0;
    }
    return estimate;
  }

  /** Content that could not be deleted: the namespace is tried again with backoff. */
  public static final class ContentDeletionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private ContentDeletionException(String message) {
      super(message);
    }
  }
}
