package io.skiff.node;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HostPathVolumeSource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeStatus;
import io.fabric8.kubernetes.api.model.Preconditions;
import io.fabric8.kubernetes.api.model.Quantity;
import io.skiff.api.errors.StatusError;
import io.skiff.client.KubeClient;
import io.skiff.client.KubeObjects;
import io.skiff.client.Resources;
import io.skiff.client.events.EventRecorder;
import io.skiff.client.informer.ResourceEventHandler;
import io.skiff.client.informer.SharedInformer;
import io.skiff.client.workqueue.RateLimiter;
import io.skiff.client.workqueue.WorkQueue;
import io.skiff.clock.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The storage of the simulation: a dynamic provisioner and the PersistentVolume controller's binder
 * in one. Every PersistentVolumeClaim is bound at once to a new PersistentVolume {@code pvc-<claim
 * uid>} of the claim's size, access modes and class (the default class {@value #DEFAULT_CLASS} when
 * it names none, as upstream's DefaultStorageClass admission and its retroactive assignment give),
 * with reclaim policy Delete; when the claim goes, so does its volume.
 *
 * <p>Volumes this binder did not provision are looked after as upstream's controller does for a
 * volume it cannot provision or delete: one without a claim is {@code Available}, one whose claim
 * is gone is {@code Released} (reclaim Retain) or deleted (reclaim Delete). A claim that names a
 * volume itself ({@code spec.volumeName}) is left to wait for it: static binding is not simulated.
 * See {@code docs/simulation.md}.
 */
final class VolumeBinder implements AutoCloseable {

  private static final System.Logger log = System.getLogger(VolumeBinder.class.getName());

  /** What kind's default StorageClass is called; the claims of a simulated cluster get it too. */
  static final String DEFAULT_CLASS = "standard";

  /** The provisioner that the volumes and the claims' annotations name. */
  static final String PROVISIONER = "skiff.io/simulated";

  static final String BIND_COMPLETED = "pv.kubernetes.io/bind-completed";
  static final String BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller";
  static final String PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";
  static final String BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner";
  static final String STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner";

  /** Where the simulated volumes would live on a node, one directory each. */
  static final String VOLUME_ROOT = "/var/lib/skiff/volumes/";

  private static final int WORKERS = 2;
  private static final int WRITE_ATTEMPTS = 5;

  private sealed interface Key permits ClaimKey, VolumeKey {}

  private record ClaimKey(String namespace, String name) implements Key {}

  private record VolumeKey(String name) implements Key {}

  private final Resources<PersistentVolumeClaim> claims;
  private final Resources<PersistentVolume> volumes;
  private final SharedInformer<PersistentVolumeClaim> claimInformer;
  private final SharedInformer<PersistentVolume> volumeInformer;
  private final WorkQueue<Key> queue;
  private final EventRecorder events;
  private final List<Thread> workers = new ArrayList<>();
  private final AtomicInteger inHand = new AtomicInteger();
  private volatile boolean closed;

  VolumeBinder(KubeClient client, Clock clock, EventRecorder events) {
    Objects.requireNonNull(clock, "clock");
    this.events = Objects.requireNonNull(events, "events");
    this.claims = client.resources(PersistentVolumeClaim.class);
    this.volumes = client.resources(PersistentVolume.class);
    this.claimInformer = new SharedInformer<>(claims, clock, Duration.ZERO);
    this.volumeInformer = new SharedInformer<>(volumes, clock, Duration.ZERO);
    this.queue = new WorkQueue<>(clock, RateLimiter.defaultControllerRateLimiter(clock));
  }

  /** Starts the informers and the workers; the caller waits for {@link #hasSynced()}. */
  void start() {
    claimInformer.addEventHandler(
        ResourceEventHandler.of(
            c -> queue.add(claimKey(c)),
            (o, c) -> queue.add(claimKey(c)),
            c -> {
              // A volume hears nothing of its claim's end but through this.
              queue.add(new VolumeKey(volumeNameFor(c)));
              String bound = nz(c.getSpec() == null ? null : c.getSpec().getVolumeName());
              if (!bound.isEmpty()) {
                queue.add(new VolumeKey(bound));
              }
            }));
    volumeInformer.addEventHandler(
        ResourceEventHandler.of(
            v -> queue.add(volumeKey(v)),
            (o, v) -> queue.add(volumeKey(v)),
            v -> {
              queue.add(volumeKey(v));
              // As upstream's deleteVolume: the bound claim hears of it here, and becomes Lost.
              ObjectReference ref = v.getSpec() == null ? null : v.getSpec().getClaimRef();
              if (ref != null && ref.getName() != null) {
                queue.add(new ClaimKey(ref.getNamespace(), ref.getName()));
              }
            }));
    claimInformer.start();
    volumeInformer.start();
    for (int i = 0; i < WORKERS; i++) {
      workers.add(Thread.ofVirtual().name("skiff-volume-binder-" + i).start(this::work));
    }
  }

  /** The informers whose caches must be filled before the binder's view is whole. */
  List<SharedInformer<?>> informers() {
    return List.of(claimInformer, volumeInformer);
  }

  /** Whether nothing is queued or being worked on now. */
  boolean idle() {
    return queue.length() == 0 && inHand.get() == 0;
  }

  @Override
  public void close() {
    closed = true;
    queue.shutDown();
    claimInformer.stop();
    volumeInformer.stop();
    WorkLoop.stop(workers);
  }

  private static ClaimKey claimKey(PersistentVolumeClaim c) {
    return new ClaimKey(c.getMetadata().getNamespace(), c.getMetadata().getName());
  }

  private static VolumeKey volumeKey(PersistentVolume v) {
    return new VolumeKey(v.getMetadata().getName());
  }

  private void work() {
    WorkLoop.run(queue, this::sync, () -> closed, inHand, log);
  }

  private void sync(Key key) {
    switch (key) {
      case ClaimKey k -> syncClaim(k);
      case VolumeKey k -> syncVolume(k.name());
    }
  }

  // ---- claims ----

  private void syncClaim(ClaimKey key) {
    PersistentVolumeClaim claim =
        claimInformer.lister().get(key.namespace(), key.name()).orElse(null);
    if (claim == null || claim.getMetadata().getDeletionTimestamp() != null) {
      // The volume follows from its own sync: its claim is gone or going.
      return;
    }
    String volumeName = nz(claim.getSpec().getVolumeName());
    String mine = volumeNameFor(claim);
    if (!volumeName.isEmpty() && !volumeName.equals(mine)) {
      // Bound by hand to a volume of the user's: static binding is not simulated.
      return;
    }
    PersistentVolume volume = volumeInformer.lister().get(null, mine).orElse(null);
    if (volume == null && !volumeName.isEmpty()) {
      // Bound before: the volume may be newer than this cache, or deleted under the claim.
      volume = volumes.get(null, mine).orElse(null);
      if (volume == null) {
        markLost(claim);
        return;
      }
    }
    boolean provisioned = false;
    if (volume == null) {
      volume = provision(claim);
      provisioned = true;
    }
    if (!claimedBy(volume, claim)) {
      // Only made by hand: the name is the claim's uid. Not ours to take.
      return;
    }
    volume = setPhase(volume, "Bound");
    claim = bindClaim(claim, volume);
    if (claim != null && provisioned) {
      events.event(
          claim,
          "Normal",
          "ProvisioningSucceeded",
          "Successfully provisioned volume " + mine + " using " + PROVISIONER);
    }
  }

  /** Upstream's syncBoundClaim for a claim whose volume is gone: Lost, without capacity. */
  private void markLost(PersistentVolumeClaim claim) {
    if (claim.getStatus() != null && "Lost".equals(claim.getStatus().getPhase())) {
      return;
    }
    PersistentVolumeClaim next = KubeObjects.deepCopy(claim);
    PersistentVolumeClaimStatus s =
        next.getStatus() == null ? new PersistentVolumeClaimStatus() : next.getStatus();
    s.setPhase("Lost");
    s.setAccessModes(null);
    s.setCapacity(null);
    next.setStatus(s);
    try {
      claims.updateStatus(next);
    } catch (StatusError e) {
      if (e.code() == 404) {
        return;
      }
      throw e;
    }
    events.event(
        claim,
        "Warning",
        "ClaimLost",
        "Bound claim has lost its PersistentVolume. Data on the volume is lost!");
  }

  static String volumeNameFor(PersistentVolumeClaim claim) {
    return "pvc-" + claim.getMetadata().getUid();
  }

  private static boolean claimedBy(PersistentVolume volume, PersistentVolumeClaim claim) {
    ObjectReference ref = volume.getSpec() == null ? null : volume.getSpec().getClaimRef();
    return ref != null && Objects.equals(ref.getUid(), claim.getMetadata().getUid());
  }

  /** Creates the claim's volume, already pointing at the claim, as a provisioner does. */
  private PersistentVolume provision(PersistentVolumeClaim claim) {
    String name = volumeNameFor(claim);
    PersistentVolume pv = new PersistentVolume();
    ObjectMeta meta = new ObjectMeta();
    meta.setName(name);
    meta.setAnnotations(new LinkedHashMap<>(Map.of(PROVISIONED_BY, PROVISIONER)));
    pv.setMetadata(meta);
    PersistentVolumeSpec spec = new PersistentVolumeSpec();
    // Validation makes every claim request storage.
    Quantity request = claim.getSpec().getResources().getRequests().get("storage");
    Map<String, Quantity> capacity = new LinkedHashMap<>();
    capacity.put("storage", request);
    spec.setCapacity(capacity);
    spec.setAccessModes(new ArrayList<>(nonNull(claim.getSpec().getAccessModes())));
    spec.setClaimRef(reference(claim));
    spec.setPersistentVolumeReclaimPolicy("Delete");
    spec.setStorageClassName(storageClass(claim));
    spec.setVolumeMode(claim.getSpec().getVolumeMode());
    spec.setHostPath(new HostPathVolumeSource(VOLUME_ROOT + name, "DirectoryOrCreate"));
    pv.setSpec(spec);
    try {
      return volumes.create(pv);
    } catch (StatusError e) {
      if (e.code() != 409) {
        throw e;
      }
      // Made by an earlier attempt whose answer was lost, or by another simulator.
      return volumes.get(null, name).orElseThrow(() -> e);
    }
  }

  private static ObjectReference reference(PersistentVolumeClaim claim) {
    ObjectReference ref = new ObjectReference();
    ref.setKind("PersistentVolumeClaim");
    ref.setNamespace(claim.getMetadata().getNamespace());
    ref.setName(claim.getMetadata().getName());
    ref.setUid(claim.getMetadata().getUid());
    ref.setApiVersion("v1");
    ref.setResourceVersion(claim.getMetadata().getResourceVersion());
    return ref;
  }

  /** The claim's class, or the default one for a claim that names none. */
  private static String storageClass(PersistentVolumeClaim claim) {
    String cls = claim.getSpec().getStorageClassName();
    return cls == null ? DEFAULT_CLASS : cls;
  }

  /** Moves the volume to {@code phase} through /status, re-reading on conflicts. */
  private PersistentVolume setPhase(PersistentVolume volume, String phase) {
    PersistentVolume current = volume;
    for (int attempt = 0; ; attempt++) {
      if (current.getStatus() != null && phase.equals(current.getStatus().getPhase())) {
        return current;
      }
      PersistentVolume next = KubeObjects.deepCopy(current);
      PersistentVolumeStatus status =
          next.getStatus() == null ? new PersistentVolumeStatus() : next.getStatus();
      status.setPhase(phase);
      // The server stamps the time of the change.
      status.setLastPhaseTransitionTime(null);
      next.setStatus(status);
      try {
        return volumes.updateStatus(next);
      } catch (StatusError e) {
        if (e.code() != 409 || attempt >= WRITE_ATTEMPTS) {
          throw e;
        }
      }
      current = volumes.get(null, volume.getMetadata().getName()).orElseThrow();
    }
  }

  /**
   * Points the claim at the volume and marks it Bound with the volume's capacity and modes, as the
   * PV controller's bindClaimToVolume and updateClaimStatus do; null when the claim is gone.
   */
  private PersistentVolumeClaim bindClaim(PersistentVolumeClaim cached, PersistentVolume volume) {
    String volumeName = volume.getMetadata().getName();
    PersistentVolumeClaim claim = cached;
    for (int attempt = 0; ; attempt++) {
      try {
        if (!claimSpecBound(claim, volumeName)) {
          claim = claims.update(withBindingSpec(claim, volumeName));
        }
        if (!claimStatusBound(claim, volume)) {
          claim = claims.updateStatus(withBoundStatus(claim, volume));
        }
        return claim;
      } catch (StatusError e) {
        if (e.code() == 404) {
          return null;
        }
        if (e.code() != 409 || attempt >= WRITE_ATTEMPTS) {
          throw e;
        }
      }
      Optional<PersistentVolumeClaim> fresh =
          claims.get(cached.getMetadata().getNamespace(), cached.getMetadata().getName());
      if (fresh.isEmpty()
          || !fresh.get().getMetadata().getUid().equals(cached.getMetadata().getUid())) {
        return null;
      }
      claim = fresh.get();
    }
  }

  private static boolean claimSpecBound(PersistentVolumeClaim claim, String volumeName) {
    Map<String, String> a = nonNull(claim.getMetadata().getAnnotations());
    return volumeName.equals(claim.getSpec().getVolumeName())
        && claim.getSpec().getStorageClassName() != null
        && "yes".equals(a.get(BIND_COMPLETED))
        && "yes".equals(a.get(BOUND_BY_CONTROLLER));
  }

  private static PersistentVolumeClaim withBindingSpec(
      PersistentVolumeClaim claim, String volumeName) {
    PersistentVolumeClaim next = KubeObjects.deepCopy(claim);
    if (next.getSpec().getStorageClassName() == null) {
      next.getSpec().setStorageClassName(DEFAULT_CLASS);
    }
    next.getSpec().setVolumeName(volumeName);
    Map<String, String> a = new LinkedHashMap<>(nonNull(next.getMetadata().getAnnotations()));
    a.put(BIND_COMPLETED, "yes");
    a.put(BOUND_BY_CONTROLLER, "yes");
    a.putIfAbsent(BETA_STORAGE_PROVISIONER, PROVISIONER);
    a.putIfAbsent(STORAGE_PROVISIONER, PROVISIONER);
    next.getMetadata().setAnnotations(a);
    return next;
  }

  private static boolean claimStatusBound(PersistentVolumeClaim claim, PersistentVolume volume) {
    PersistentVolumeClaimStatus s = claim.getStatus();
    return s != null
        && "Bound".equals(s.getPhase())
        && Objects.equals(s.getCapacity(), volume.getSpec().getCapacity())
        && Objects.equals(s.getAccessModes(), volume.getSpec().getAccessModes());
  }

  private static PersistentVolumeClaim withBoundStatus(
      PersistentVolumeClaim claim, PersistentVolume volume) {
    PersistentVolumeClaim next = KubeObjects.deepCopy(claim);
    PersistentVolumeClaimStatus s =
        next.getStatus() == null ? new PersistentVolumeClaimStatus() : next.getStatus();
    s.setPhase("Bound");
    s.setCapacity(new LinkedHashMap<>(volume.getSpec().getCapacity()));
    s.setAccessModes(new ArrayList<>(nonNull(volume.getSpec().getAccessModes())));
    next.setStatus(s);
    return next;
  }

  // ---- volumes ----

  private void syncVolume(String name) {
    PersistentVolume volume = volumeInformer.lister().get(null, name).orElse(null);
    if (volume == null || volume.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    ObjectReference ref = volume.getSpec() == null ? null : volume.getSpec().getClaimRef();
    if (ref == null) {
      setPhase(volume, "Available");
      return;
    }
    Optional<PersistentVolumeClaim> claim = claimOf(ref);
    if (claim.isPresent()) {
      // The claim's side is the claim's sync; a claim still binding is queued again here.
      if (isOurs(volume)) {
        queue.add(claimKey(claim.get()));
      } else if (name.equals(claim.get().getSpec().getVolumeName())) {
        setPhase(volume, "Bound");
      }
      return;
    }
    String policy = nz(volume.getSpec().getPersistentVolumeReclaimPolicy());
    if (policy.equals("Delete")) {
      delete(volume);
    } else if (policy.equals("Retain")) {
      setPhase(volume, "Released");
    }
  }

  private static boolean isOurs(PersistentVolume volume) {
    return PROVISIONER.equals(nonNull(volume.getMetadata().getAnnotations()).get(PROVISIONED_BY));
  }

  /**
   * The claim a volume points at, if it still exists (same uid): from the cache, and when the cache
   * has no such claim, from the server, as upstream checks before releasing a volume, since a cache
   * that lags must not cost a volume.
   */
  private Optional<PersistentVolumeClaim> claimOf(ObjectReference ref) {
    Optional<PersistentVolumeClaim> cached =
        claimInformer.lister().get(ref.getNamespace(), ref.getName());
    if (cached.isPresent() && sameUid(cached.get(), ref)) {
      return cached;
    }
    Optional<PersistentVolumeClaim> live = claims.get(ref.getNamespace(), ref.getName());
    return live.filter(c -> sameUid(c, ref));
  }

  private static boolean sameUid(PersistentVolumeClaim claim, ObjectReference ref) {
    return ref.getUid() == null || ref.getUid().equals(claim.getMetadata().getUid());
  }

  private void delete(PersistentVolume volume) {
    DeleteOptions options = new DeleteOptions();
    Preconditions pre = new Preconditions();
    pre.setUid(volume.getMetadata().getUid());
    options.setPreconditions(pre);
    try {
      volumes.delete(null, volume.getMetadata().getName(), options);
    } catch (StatusError e) {
      // Gone already, or another volume of that name now: either way this one is done.
      if (e.code() != 404 && e.code() != 409) {
        throw e;
      }
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static <T> List<T> nonNull(List<T> l) {
    return l == null ? List.of() : l;
  }

  private static <K, V> Map<K, V> nonNull(Map<K, V> m) {
    return m == null ? Map.of() : m;
  }
}
