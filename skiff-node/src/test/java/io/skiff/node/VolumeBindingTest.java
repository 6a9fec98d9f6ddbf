package io.skiff.node;

import static io.skiff.node.SimCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.skiff.client.Resources;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulation's storage: claims bound at once to volumes provisioned for them, volumes deleted
 * with their claims, and upstream's phases for volumes the simulation did not make, against a real
 * registry on a manual clock.
 */
class VolumeBindingTest {

  private SimCluster cluster;
  private Resources<PersistentVolumeClaim> claims;
  private Resources<PersistentVolume> volumes;

  @BeforeEach
  void create() throws InterruptedException {
    cluster = new SimCluster();
    claims = cluster.client.resources(PersistentVolumeClaim.class);
    volumes = cluster.client.resources(PersistentVolume.class);
    cluster.start(cluster.options());
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private static PersistentVolumeClaim claim(String name, String storageClass, String size) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withStorageClassName(storageClass)
        .withNewResources()
        .addToRequests("storage", new Quantity(size))
        .endResources()
        .endSpec()
        .build();
  }

  private PersistentVolumeClaim claim(String name) {
    return claims.get("default", name).orElseThrow();
  }

  private Optional<PersistentVolume> volume(String name) {
    return volumes.get(null, name);
  }

  private PersistentVolumeClaim awaitBound(String name) {
    eventually(
        () ->
            claims
                .get("default", name)
                .map(c -> c.getStatus() != null && "Bound".equals(c.getStatus().getPhase()))
                .orElse(false));
    return claim(name);
  }

  @Test
  void aClaimIsBoundAtOnceToAVolumeMadeForIt() {
    PersistentVolumeClaim created = claims.create(claim("www-web-0", null, "1024Mi"));
    String uid = created.getMetadata().getUid();

    PersistentVolumeClaim bound = awaitBound("www-web-0");
    String pvName = "pvc-" + uid;
    assertThat(bound.getSpec().getVolumeName()).isEqualTo(pvName);
    assertThat(bound.getSpec().getStorageClassName()).isEqualTo("standard");
    assertThat(bound.getMetadata().getAnnotations())
        .containsEntry("pv.kubernetes.io/bind-completed", "yes")
        .containsEntry("pv.kubernetes.io/bound-by-controller", "yes")
        .containsEntry("volume.kubernetes.io/storage-provisioner", VolumeBinder.PROVISIONER)
        .containsEntry("volume.beta.kubernetes.io/storage-provisioner", VolumeBinder.PROVISIONER);
    assertThat(bound.getStatus().getCapacity()).containsEntry("storage", new Quantity("1Gi"));
    assertThat(bound.getStatus().getAccessModes()).containsExactly("ReadWriteOnce");

    PersistentVolume pv = volume(pvName).orElseThrow();
    assertThat(pv.getSpec().getCapacity()).containsEntry("storage", new Quantity("1Gi"));
    assertThat(pv.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
    assertThat(pv.getSpec().getPersistentVolumeReclaimPolicy()).isEqualTo("Delete");
    assertThat(pv.getSpec().getStorageClassName()).isEqualTo("standard");
    assertThat(pv.getSpec().getVolumeMode()).isEqualTo("Filesystem");
    assertThat(pv.getSpec().getHostPath().getPath()).isEqualTo("/var/lib/skiff/volumes/" + pvName);
    assertThat(pv.getSpec().getClaimRef())
        .extracting(r -> r.getKind(), r -> r.getNamespace(), r -> r.getName(), r -> r.getUid())
        .containsExactly("PersistentVolumeClaim", "default", "www-web-0", uid);
    assertThat(pv.getMetadata().getAnnotations())
        .containsEntry("pv.kubernetes.io/provisioned-by", VolumeBinder.PROVISIONER);
    assertThat(pv.getStatus().getPhase()).isEqualTo("Bound");
    assertThat(pv.getStatus().getLastPhaseTransitionTime()).isNotNull();

    eventually(
        () ->
            cluster
                .messages("www-web-0", "ProvisioningSucceeded")
                .equals(
                    List.of(
                        "Successfully provisioned volume "
                            + pvName
                            + " using "
                            + VolumeBinder.PROVISIONER)));
  }

  @Test
  void aClaimsOwnClassIsKept() {
    claims.create(claim("fast-data", "fast", "5Gi"));
    PersistentVolumeClaim bound = awaitBound("fast-data");
    assertThat(bound.getSpec().getStorageClassName()).isEqualTo("fast");
    assertThat(
            volume(bound.getSpec().getVolumeName()).orElseThrow().getSpec().getStorageClassName())
        .isEqualTo("fast");
  }

  @Test
  void theVolumeGoesWithItsClaim() {
    claims.create(claim("data", null, "1Gi"));
    String pvName = awaitBound("data").getSpec().getVolumeName();
    claims.delete("default", "data", null);
    eventually(() -> volume(pvName).isEmpty());
  }

  @Test
  void aVolumeWhoseClaimWentWhileTheSimulatorWasDownGoesWhenItIsBack() throws InterruptedException {
    claims.create(claim("data", null, "1Gi"));
    String pvName = awaitBound("data").getSpec().getVolumeName();
    cluster.sim.close();
    claims.delete("default", "data", null);
    cluster.clock.advance(Duration.ofMinutes(1));
    assertThat(volume(pvName)).isPresent();
    cluster.start(cluster.options());
    eventually(() -> volume(pvName).isEmpty());
  }

  @Test
  void aBoundClaimWhoseVolumeIsDeletedIsLost() {
    claims.create(claim("data", null, "1Gi"));
    String pvName = awaitBound("data").getSpec().getVolumeName();
    volumes.delete(null, pvName, null);
    eventually(() -> "Lost".equals(claim("data").getStatus().getPhase()));
    PersistentVolumeClaim lost = claim("data");
    assertThat(lost.getStatus().getCapacity()).isNullOrEmpty();
    assertThat(lost.getSpec().getVolumeName()).isEqualTo(pvName);
    eventually(
        () ->
            cluster
                .messages("data", "ClaimLost")
                .equals(
                    List.of(
                        "Bound claim has lost its PersistentVolume. Data on the volume is"
                            + " lost!")));
    assertThat(volume(pvName)).isEmpty();
  }

  @Test
  void aClaimThatNamesItsOwnVolumeIsLeftWaiting() {
    PersistentVolumeClaim wants = claim("static", "", "1Gi");
    wants.getSpec().setVolumeName("nfs-01");
    claims.create(wants);
    cluster.settle();
    PersistentVolumeClaim c = claim("static");
    assertThat(c.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(volumes.list(null, null).items()).isEmpty();
  }

  private static PersistentVolume manual(String name, String policy) {
    return new PersistentVolumeBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withCapacity(Map.of("storage", new Quantity("10Gi")))
        .withAccessModes("ReadWriteMany")
        .withPersistentVolumeReclaimPolicy(policy)
        .withNewNfs()
        .withServer("nfs.example")
        .withPath("/exports/" + name)
        .endNfs()
        .endSpec()
        .build();
  }

  @Test
  void aVolumeMadeByHandIsAvailableAndReleasedOnceItsClaimIsGone() {
    volumes.create(manual("nfs-01", "Retain"));
    eventually(() -> "Available".equals(volume("nfs-01").orElseThrow().getStatus().getPhase()));

    PersistentVolume gone = manual("nfs-02", "Retain");
    gone.getSpec()
        .setClaimRef(
            new ObjectReferenceBuilder()
                .withKind("PersistentVolumeClaim")
                .withNamespace("default")
                .withName("old-claim")
                .withUid("4b0c1e4e-0000-0000-0000-000000000000")
                .build());
    volumes.create(gone);
    eventually(() -> "Released".equals(volume("nfs-02").orElseThrow().getStatus().getPhase()));

    PersistentVolume deletable = manual("nfs-03", "Delete");
    deletable.getSpec().setClaimRef(gone.getSpec().getClaimRef());
    volumes.create(deletable);
    eventually(() -> volume("nfs-03").isEmpty());
  }
}
