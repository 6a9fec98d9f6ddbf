package io.skiff.api.table;

import static io.skiff.api.table.Fixtures.NOW;
import static io.skiff.api.table.Fixtures.ago;
import static io.skiff.api.table.Fixtures.meta;
import static io.skiff.api.table.Fixtures.minutesAgo;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CorePrintersTest {

  static Stream<Arguments> services() {
    return Stream.of(
        Arguments.of(
            "cluster IP",
            service("ClusterIP", List.of("10.96.0.1"), 443, 0).build(),
            List.of("ClusterIP", "10.96.0.1", "<none>", "443/TCP")),
        Arguments.of(
            "headless",
            service("ClusterIP", List.of("None"), 80, 0).build(),
            List.of("ClusterIP", "None", "<none>", "80/TCP")),
        Arguments.of(
            "node port with an external IP",
            service("NodePort", List.of("10.96.12.7"), 80, 30080)
                .editSpec()
                .withExternalIPs("192.168.1.50")
                .endSpec()
                .build(),
            List.of("NodePort", "10.96.12.7", "192.168.1.50", "80:30080/TCP")),
        Arguments.of(
            "load balancer still pending",
            service("LoadBalancer", List.of("10.96.3.3"), 80, 31000).build(),
            List.of("LoadBalancer", "10.96.3.3", "<pending>", "80:31000/TCP")),
        Arguments.of(
            "load balancer with ingress and external IPs",
            service("LoadBalancer", List.of("10.96.3.3"), 80, 31000)
                .editSpec()
                .withExternalIPs("5.6.7.8")
                .endSpec()
                .withNewStatus()
                .withNewLoadBalancer()
                .addNewIngress()
                .withHostname("lb.example.com")
                .endIngress()
                .addNewIngress()
                .withIp("1.2.3.4")
                .endIngress()
                .endLoadBalancer()
                .endStatus()
                .build(),
            List.of("LoadBalancer", "10.96.3.3", "1.2.3.4,lb.example.com,5.6.7.8", "80:31000/TCP")),
        Arguments.of(
            "external name",
            new ServiceBuilder()
                .withMetadata(meta("db"))
                .withNewSpec()
                .withType("ExternalName")
                .withExternalName("db.example.com")
                .endSpec()
                .build(),
            List.of("ExternalName", "<none>", "db.example.com", "<none>")),
        Arguments.of(
            "only the legacy clusterIP field",
            new ServiceBuilder()
                .withMetadata(meta("legacy"))
                .withNewSpec()
                .withType("ClusterIP")
                .withClusterIP("10.96.0.10")
                .withPorts(
                    new ServicePortBuilder().withPort(53).withProtocol("UDP").build(),
                    new ServicePortBuilder().withPort(53).withProtocol("TCP").build())
                .endSpec()
                .build(),
            List.of("ClusterIP", "10.96.0.10", "<none>", "53/UDP,53/TCP")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void services(String name, Service svc, List<Object> typeIpsPorts) {
    assertThat(CorePrinters.SERVICE.print(svc, NOW).cells().subList(1, 5))
        .containsExactlyElementsOf(typeIpsPorts);
  }

  @Test
  void aServiceRow() {
    Service svc =
        service("NodePort", List.of("10.96.12.7"), 80, 30080)
            .editSpec()
            .withSelector(Map.of("app", "nginx", "tier", "web"))
            .endSpec()
            .build();
    assertThat(CorePrinters.SERVICE.print(svc, NOW).cells())
        .containsExactly(
            "svc", "NodePort", "10.96.12.7", "<none>", "80:30080/TCP", "5m", "app=nginx,tier=web");
  }

  static Stream<Arguments> endpoints() {
    return Stream.of(
        Arguments.of(
            "no subsets", new EndpointsBuilder().withMetadata(meta("e")).build(), "<none>"),
        Arguments.of("two ready pods", endpoints(2, 80), "10.0.0.1:80,10.0.0.2:80"),
        Arguments.of(
            "five pods", endpoints(5, 80), "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more..."),
        Arguments.of(
            "headless without ports", endpoints(4, 0), "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more..."),
        Arguments.of(
            "IPv6",
            new EndpointsBuilder()
                .withMetadata(meta("e"))
                .addNewSubset()
                .addNewAddress()
                .withIp("fd00::1")
                .endAddress()
                .addNewPort()
                .withPort(8080)
                .endPort()
                .endSubset()
                .build(),
            "[fd00::1]:8080"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void endpoints(String name, Endpoints ep, String want) {
    assertThat(CorePrinters.ENDPOINTS.print(ep, NOW).cells()).containsExactly("e", want, "5m");
  }

  @Test
  void configurationKinds() {
    assertThat(
            CorePrinters.NAMESPACE
                .print(
                    new NamespaceBuilder()
                        .withMetadata(meta("kube-system"))
                        .withNewStatus()
                        .withPhase("Active")
                        .endStatus()
                        .build(),
                    NOW)
                .cells())
        .containsExactly("kube-system", "Active", "5m");
    assertThat(
            CorePrinters.CONFIG_MAP
                .print(
                    new ConfigMapBuilder()
                        .withMetadata(meta("kube-root-ca.crt"))
                        .withData(Map.of("ca.crt", "x", "other", "y"))
                        .withBinaryData(Map.of("bin", "AA=="))
                        .build(),
                    NOW)
                .cells())
        .containsExactly("kube-root-ca.crt", 3L, "5m");
    assertThat(
            CorePrinters.SECRET
                .print(
                    new SecretBuilder()
                        .withMetadata(meta("db-pass"))
                        .withType("Opaque")
                        .withData(Map.of("user", "YQ==", "password", "Yg=="))
                        .build(),
                    NOW)
                .cells())
        .containsExactly("db-pass", "Opaque", 2L, "5m");
    assertThat(
            CorePrinters.SERVICE_ACCOUNT
                .print(new ServiceAccountBuilder().withMetadata(meta("default")).build(), NOW)
                .cells())
        .containsExactly("default", 0L, "5m");
    assertThat(
            CorePrinters.LEASE
                .print(
                    new LeaseBuilder()
                        .withMetadata(meta("kube-controller-manager"))
                        .withNewSpec()
                        .withHolderIdentity("skiff_4f1c")
                        .endSpec()
                        .build(),
                    NOW)
                .cells())
        .containsExactly("kube-controller-manager", "skiff_4f1c", "5m");
  }

  @Test
  void podDisruptionBudgets() {
    assertThat(
            CorePrinters.POD_DISRUPTION_BUDGET
                .print(
                    new PodDisruptionBudgetBuilder()
                        .withMetadata(meta("zk-pdb"))
                        .withNewSpec()
                        .withMinAvailable(new IntOrString(2))
                        .endSpec()
                        .withNewStatus()
                        .withDisruptionsAllowed(1)
                        .endStatus()
                        .build(),
                    NOW)
                .cells())
        .containsExactly("zk-pdb", "2", "N/A", 1L, "5m");
    assertThat(
            CorePrinters.POD_DISRUPTION_BUDGET
                .print(
                    new PodDisruptionBudgetBuilder()
                        .withMetadata(meta("web-pdb"))
                        .withNewSpec()
                        .withMaxUnavailable(new IntOrString("25%"))
                        .endSpec()
                        .build(),
                    NOW)
                .cells())
        .containsExactly("web-pdb", "N/A", "25%", 0L, "5m");
  }

  @Test
  void anUnboundClaimShowsNoCapacity() {
    PersistentVolumeClaim pvc =
        new PersistentVolumeClaimBuilder()
            .withMetadata(meta("data"))
            .withNewSpec()
            .withAccessModes("ReadWriteOnce")
            .withStorageClassName("standard")
            .withNewResources()
            .addToRequests("storage", new Quantity("1Gi"))
            .endResources()
            .endSpec()
            .withNewStatus()
            .withPhase("Pending")
            .endStatus()
            .build();
    assertThat(CorePrinters.PERSISTENT_VOLUME_CLAIM.print(pvc, NOW).cells())
        .containsExactly("data", "Pending", "", "", "", "standard", "<unset>", "5m", "<unset>");
  }

  @Test
  void aBoundClaim() {
    PersistentVolumeClaim pvc =
        new PersistentVolumeClaimBuilder()
            .withMetadata(meta("www-web-0"))
            .editMetadata()
            .addToAnnotations("volume.beta.kubernetes.io/storage-class", "legacy")
            .endMetadata()
            .withNewSpec()
            .withVolumeName("pvc-3f1e")
            .withStorageClassName("standard")
            .withVolumeMode("Filesystem")
            .withVolumeAttributesClassName("gold")
            .endSpec()
            .withNewStatus()
            .withPhase("Bound")
            .withAccessModes("ReadWriteMany", "ReadWriteOnce", "ReadWriteOnce")
            .addToCapacity("storage", new Quantity("1024Mi"))
            .endStatus()
            .build();
    assertThat(CorePrinters.PERSISTENT_VOLUME_CLAIM.print(pvc, NOW).cells())
        .containsExactly(
            "www-web-0",
            "Bound",
            "pvc-3f1e",
            "1Gi",
            "RWO,RWX",
            "legacy",
            "gold",
            "5m",
            "Filesystem");
    pvc.getMetadata().setDeletionTimestamp(minutesAgo(1));
    assertThat(CorePrinters.PERSISTENT_VOLUME_CLAIM.print(pvc, NOW).cells().get(1))
        .isEqualTo("Terminating");
  }

  @Test
  void aProvisionedVolumeBoundToItsClaim() {
    PersistentVolume pv =
        new PersistentVolumeBuilder()
            .withMetadata(meta("pvc-3f1e"))
            .withNewSpec()
            .addToCapacity("storage", new Quantity("1024Mi"))
            .withAccessModes("ReadWriteOnce")
            .withPersistentVolumeReclaimPolicy("Delete")
            .withStorageClassName("standard")
            .withVolumeMode("Filesystem")
            .withNewClaimRef()
            .withNamespace("default")
            .withName("www-web-0")
            .endClaimRef()
            .endSpec()
            .withNewStatus()
            .withPhase("Bound")
            .endStatus()
            .build();
    assertThat(CorePrinters.PERSISTENT_VOLUME.print(pv, NOW).cells())
        .containsExactly(
            "pvc-3f1e",
            "1Gi",
            "RWO",
            "Delete",
            "Bound",
            "default/www-web-0",
            "standard",
            "<unset>",
            "",
            "5m",
            "Filesystem");
    pv.getMetadata().setDeletionTimestamp(minutesAgo(1));
    assertThat(CorePrinters.PERSISTENT_VOLUME.print(pv, NOW).cells().get(4))
        .isEqualTo("Terminating");
  }

  @Test
  void anEmptyVolumeShowsZeroCapacityAndNoClaim() {
    PersistentVolume pv =
        new PersistentVolumeBuilder()
            .withMetadata(meta("manual"))
            .editMetadata()
            .addToAnnotations("volume.beta.kubernetes.io/storage-class", "legacy")
            .endMetadata()
            .withNewStatus()
            .withPhase("Failed")
            .withReason("VolumeFailedDelete")
            .endStatus()
            .build();
    assertThat(CorePrinters.PERSISTENT_VOLUME.print(pv, NOW).cells())
        .containsExactly(
            "manual",
            "0",
            "",
            "",
            "Failed",
            "",
            "legacy",
            "<unset>",
            "VolumeFailedDelete",
            "5m",
            "<unset>");
  }

  @Test
  void aCoreEvent() {
    var event =
        new EventBuilder()
            .withMetadata(meta("nginx.17d2b0c4a5e8f3b1"))
            .withFirstTimestamp(minutesAgo(10))
            .withLastTimestamp(minutesAgo(2))
            .withCount(3)
            .withType("Normal")
            .withReason("Pulled")
            .withMessage("  Container image \"nginx:1.14.2\" already present on machine\n")
            .withNewInvolvedObject()
            .withKind("Pod")
            .withName("nginx")
            .withFieldPath("spec.containers{nginx}")
            .endInvolvedObject()
            .withNewSource()
            .withComponent("kubelet")
            .withHost("k8s-node0")
            .endSource()
            .build();
    assertThat(EventPrinter.CORE.print(event, NOW).cells())
        .containsExactly(
            "2m",
            "Normal",
            "Pulled",
            "pod/nginx",
            "spec.containers{nginx}",
            "kubelet, k8s-node0",
            "Container image \"nginx:1.14.2\" already present on machine",
            "10m",
            3L,
            "nginx.17d2b0c4a5e8f3b1");
  }

  @Test
  void aCoreEventWrittenThroughTheNewApi() {
    var event =
        new EventBuilder()
            .withMetadata(meta("web.1"))
            .withEventTime(new MicroTime(ago(Duration.ofSeconds(45)).replace("Z", ".000000Z")))
            .withReportingComponent("deployment-controller")
            .withType("Normal")
            .withReason("ScalingReplicaSet")
            .withMessage("Scaled up replica set web-5d4b to 3")
            .withNewInvolvedObject()
            .withKind("Deployment")
            .withName("web")
            .endInvolvedObject()
            .build();
    assertThat(EventPrinter.CORE.print(event, NOW).cells())
        .containsExactly(
            "45s",
            "Normal",
            "ScalingReplicaSet",
            "deployment/web",
            "",
            "deployment-controller",
            "Scaled up replica set web-5d4b to 3",
            "45s",
            1L,
            "web.1");
  }

  @Test
  void anEventsV1EventWithASeries() {
    var event =
        new io.fabric8.kubernetes.api.model.events.v1.EventBuilder()
            .withMetadata(meta("node.2"))
            .withEventTime(new MicroTime(ago(Duration.ofMinutes(30))))
            .withNewSeries()
            .withCount(7)
            .withLastObservedTime(new MicroTime(ago(Duration.ofSeconds(20))))
            .endSeries()
            .withReportingController("kubelet")
            .withReportingInstance("k8s-node1")
            .withType("Warning")
            .withReason("NodeNotReady")
            .withNote("Node k8s-node1 status is now: NodeNotReady")
            .withNewRegarding()
            .withKind("Node")
            .endRegarding()
            .build();
    assertThat(EventPrinter.EVENTS_V1.print(event, NOW).cells())
        .containsExactly(
            "20s",
            "Warning",
            "NodeNotReady",
            "node",
            "",
            "kubelet, k8s-node1",
            "Node k8s-node1 status is now: NodeNotReady",
            "30m",
            7L,
            "node.2");
  }

  @Test
  void anEventWithoutAnyTime() {
    assertThat(EventPrinter.CORE.print(new io.fabric8.kubernetes.api.model.Event(), NOW).cells())
        .containsExactly("<unknown>", "", "", "", "", "", "", "<unknown>", 1L, "");
  }

  static ServiceBuilder service(String type, List<String> clusterIPs, int port, int nodePort) {
    return new ServiceBuilder()
        .withMetadata(meta("svc"))
        .withNewSpec()
        .withType(type)
        .withClusterIPs(clusterIPs)
        .withClusterIP(clusterIPs.get(0))
        .withPorts(
            new ServicePortBuilder()
                .withPort(port)
                .withNodePort(nodePort == 0 ? null : nodePort)
                .withProtocol("TCP")
                .build())
        .endSpec();
  }

  // Ready addresses 10.0.0.1.. behind one port, or none when port is 0.
  static Endpoints endpoints(int addresses, int port) {
    List<EndpointAddress> list =
        IntStream.rangeClosed(1, addresses)
            .mapToObj(i -> new EndpointAddressBuilder().withIp("10.0.0." + i).build())
            .toList();
    var subset = new EndpointsBuilder().withMetadata(meta("e")).addNewSubset().withAddresses(list);
    if (port != 0) {
      subset.addNewPort().withPort(port).endPort();
    }
    return subset.endSubset().build();
  }
}
