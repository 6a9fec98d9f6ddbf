package io.skiff.api.validation;

import static io.skiff.api.validation.Fixtures.defaulted;
import static io.skiff.api.validation.Fixtures.messages;
import static io.skiff.api.validation.Fixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalVolumeSource;
import io.fabric8.kubernetes.api.model.NFSVolumeSource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.skiff.api.defaults.Defaulter;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CoreValidationTest {

  private static ServicePort port(String name, int port) {
    ServicePort p = new ServicePort();
    p.setName(name);
    p.setPort(port);
    return p;
  }

  static Stream<Arguments> services() {
    return Stream.of(
        Arguments.of("valid", (Consumer<Service>) s -> {}, List.of()),
        Arguments.of(
            "no ports",
            (Consumer<Service>) s -> s.getSpec().setPorts(List.of()),
            List.of("spec.ports: Required value")),
        Arguments.of(
            "name is a DNS-1035 label",
            (Consumer<Service>) s -> s.getMetadata().setName("1web"),
            List.of(
                "metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case"
                    + " alphanumeric characters or '-', start with an alphabetic character, and end with"
                    + " an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for"
                    + " validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")),
        Arguments.of(
            "unnamed ports",
            (Consumer<Service>) s -> s.getSpec().setPorts(List.of(port(null, 80), port(null, 443))),
            List.of("spec.ports[0].name: Required value", "spec.ports[1].name: Required value")),
        Arguments.of(
            "duplicate port",
            (Consumer<Service>) s -> s.getSpec().setPorts(List.of(port("a", 80), port("b", 80))),
            List.of(
                "spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\","
                    + " AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0,"
                    + " IntVal:0, StrVal:\"\"}, NodePort:0}")),
        Arguments.of(
            "port zero",
            (Consumer<Service>) s -> s.getSpec().setPorts(List.of(port(null, 0))),
            List.of(
                "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
                "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive")),
        Arguments.of(
            "node port on a cluster IP service",
            (Consumer<Service>) s -> s.getSpec().getPorts().get(0).setNodePort(30080),
            List.of(
                "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'")),
        Arguments.of(
            "unknown type",
            (Consumer<Service>) s -> s.getSpec().setType("Internal"),
            List.of(
                "spec.type: Unsupported value: \"Internal\": supported values: \"ClusterIP\","
                    + " \"ExternalName\", \"LoadBalancer\", \"NodePort\"")),
        Arguments.of(
            "session affinity",
            (Consumer<Service>) s -> s.getSpec().setSessionAffinity("Sticky"),
            List.of(
                "spec.sessionAffinity: Unsupported value: \"Sticky\": supported values: \"ClientIP\","
                    + " \"None\"")),
        Arguments.of(
            "named target port",
            (Consumer<Service>)
                s -> s.getSpec().getPorts().get(0).setTargetPort(new IntOrString("Web_1")),
            List.of(
                "spec.ports[0].targetPort: Invalid value: \"Web_1\": must contain only alpha-numeric"
                    + " characters (a-z, 0-9), and hyphens (-)")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("services")
  void serviceCreate(String name, Consumer<Service> mutate, List<String> expected) {
    Service s = Fixtures.sent(Service.class, Fixtures.SERVICE, mutate);
    assertThat(messages(Validator.validateCreate(s))).containsExactlyElementsOf(expected);
  }

  @Test
  void externalNameServices() {
    Service s =
        defaulted(
            Service.class,
            "{'metadata':{'name':'db','namespace':'default'},'spec':{'type':'ExternalName'}}",
            x -> {});
    assertThat(messages(Validator.validateCreate(s)))
        .containsExactly("spec.externalName: Required value");
    s.getSpec().setExternalName("db.example.com.");
    assertThat(Validator.validateCreate(s)).isEmpty();
  }

  @Test
  void namespaces() {
    Namespace ok = defaulted(Namespace.class, "{'metadata':{'name':'team-a'}}", n -> {});
    assertThat(Validator.validateCreate(ok)).isEmpty();
    Namespace bad =
        defaulted(Namespace.class, "{'metadata':{'name':'Team.A','namespace':'x'}}", n -> {});
    assertThat(messages(Validator.validateCreate(bad)))
        .containsExactly(
            "metadata.name: Invalid value: \"Team.A\": a lowercase RFC 1123 label must consist of lower"
                + " case alphanumeric characters or '-', and must start and end with an alphanumeric"
                + " character (e.g. 'my-name',  or '123-abc', regex used for validation is"
                + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
            "metadata.namespace: Forbidden: not allowed on this type");
    Namespace finalizer =
        defaulted(
            Namespace.class, "{'metadata':{'name':'a'},'spec':{'finalizers':['foo']}}", n -> {});
    assertThat(messages(Validator.validateCreate(finalizer)))
        .containsExactly(
            "spec.finalizers: Invalid value: \"foo\": name is neither a standard finalizer name nor is"
                + " it fully qualified");
    Namespace deleting = Fixtures.copy(ok);
    deleting.getMetadata().setResourceVersion("1");
    Namespace terminating = Fixtures.copy(deleting);
    terminating.getStatus().setPhase("Terminating");
    assertThat(messages(Validator.validateStatusUpdate(terminating, deleting)))
        .containsExactly(
            "status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp`"
                + " is empty");
  }

  @Test
  void configMapsAndSecrets() {
    ConfigMap cm =
        parse(
            ConfigMap.class,
            "{'metadata':{'name':'c','namespace':'d'},'data':{'a b':'1','ok':'2'}}");
    assertThat(messages(Validator.validateCreate(cm)))
        .containsExactly(
            "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric"
                + " characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex"
                + " used for validation is '[-._a-zA-Z0-9]+')");
    ConfigMap big = parse(ConfigMap.class, "{'metadata':{'name':'c','namespace':'d'}}");
    big.setData(Map.of("big", "x".repeat(1024 * 1024 + 1)));
    assertThat(messages(Validator.validateCreate(big)))
        .containsExactly("[]: Too long: must have at most 1048576 bytes");

    Secret tls =
        defaulted(
            Secret.class,
            "{'metadata':{'name':'s','namespace':'d'},'type':'kubernetes.io/tls','stringData':{'tls.crt':'x'}}",
            s -> {});
    assertThat(messages(Validator.validateCreate(tls)))
        .containsExactly("data[tls.key]: Required value");
    Secret old =
        defaulted(
            Secret.class,
            "{'metadata':{'name':'s','namespace':'d','resourceVersion':'1'}}",
            s -> {});
    Secret retyped = Fixtures.copy(old);
    retyped.setType("kubernetes.io/basic-auth");
    retyped.setData(Map.of("username", "YQ=="));
    assertThat(messages(Validator.validateUpdate(retyped, old)))
        .containsExactly("type: Invalid value: \"kubernetes.io/basic-auth\": field is immutable");
  }

  @Test
  void replicationControllers() {
    ReplicationController ok =
        defaulted(ReplicationController.class, Fixtures.REPLICATION_CONTROLLER, r -> {});
    assertThat(ok.getSpec().getSelector()).containsEntry("app", "web");
    assertThat(Validator.validateCreate(ok)).isEmpty();
    ReplicationController mismatch =
        defaulted(
            ReplicationController.class,
            Fixtures.REPLICATION_CONTROLLER,
            r -> r.getSpec().setSelector(Map.of("app", "api")));
    assertThat(messages(Validator.validateCreate(mismatch)))
        .containsExactly(
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}:"
                + " `selector` does not match template `labels`");
    ReplicationController unlabeled =
        defaulted(
            ReplicationController.class,
            Fixtures.REPLICATION_CONTROLLER,
            r -> {
              r.getSpec().setSelector(null);
              r.getSpec().getTemplate().getSpec().setActiveDeadlineSeconds(3L);
            });
    assertThat(messages(Validator.validateCreate(unlabeled)))
        .containsExactly(
            "spec.selector: Required value",
            "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in"
                + " ReplicationController is not Supported");
  }

  @Test
  void nodes() {
    Node node =
        parse(
            Node.class,
            "{'metadata':{'name':'node-1'},'spec':{'taints':[{'key':'dedicated','value':'gpu'}]}}");
    assertThat(messages(Validator.validateCreate(node)))
        .containsExactly("metadata.taints[0].effect: Required value");
  }

  @Test
  void leasesEventsAndBudgets() {
    Lease lease =
        parse(
            Lease.class,
            "{'metadata':{'name':'l','namespace':'kube-node-lease'},'spec':{'leaseDurationSeconds':0}}");
    assertThat(messages(Validator.validateCreate(lease)))
        .containsExactly("spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0");

    Event ev =
        parse(
            Event.class,
            "{'metadata':{'name':'e','namespace':'default'},'involvedObject':{'kind':'Pod','namespace':'other','name':'p'}}");
    assertThat(messages(Validator.validateCreate(ev)))
        .containsExactly(
            "involvedObject.namespace: Invalid value: \"other\": does not match event.namespace");
    Event unnamed =
        parse(
            Event.class,
            "{'metadata':{'namespace':'default'},'involvedObject':{'namespace':'default'}}");
    assertThat(messages(Validator.validateCreate(unnamed)))
        .containsExactly("metadata.name: Required value: name or generateName is required");

    PodDisruptionBudget pdb =
        parse(
            PodDisruptionBudget.class,
            "{'metadata':{'name':'p','namespace':'d'},'spec':{'minAvailable':'50','selector':{'matchLabels':{'app':'a'}}}}");
    assertThat(messages(Validator.validateCreate(pdb)))
        .containsExactly(
            "spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"50\"}: a"
                + " valid percent string must be a numeric string followed by an ending '%' (e.g. '1%', "
                + " or '93%', regex used for validation is '[0-9]+%')");
  }

  private static final String PV =
      "{'metadata':{'name':'pv1'},'spec':{'capacity':{'storage':'1Gi'},"
          + "'accessModes':['ReadWriteOnce'],'hostPath':{'path':'/data/pv1'}}}";

  static Stream<Arguments> persistentVolumes() {
    return Stream.of(
        Arguments.of("valid", (Consumer<PersistentVolume>) pv -> {}, List.of()),
        Arguments.of(
            "nothing but a name",
            (Consumer<PersistentVolume>) pv -> pv.setSpec(new PersistentVolumeSpec()),
            List.of(
                "spec.accessModes: Required value",
                "spec.capacity: Required value",
                "spec.capacity: Unsupported value: core.ResourceList(nil): supported values:"
                    + " \"storage\"",
                "spec: Required value: must specify a volume type")),
        Arguments.of(
            "a namespace on a cluster-scoped kind",
            (Consumer<PersistentVolume>) pv -> pv.getMetadata().setNamespace("default"),
            List.of("metadata.namespace: Forbidden: not allowed on this type")),
        Arguments.of(
            "bad modes, policy and class",
            (Consumer<PersistentVolume>)
                pv -> {
                  pv.getSpec().setAccessModes(List.of("ReadWriteOncePod", "ReadWriteOnce", "Rw"));
                  pv.getSpec().setPersistentVolumeReclaimPolicy("Keep");
                  pv.getSpec().setStorageClassName("Fast_SSD");
                },
            List.of(
                "spec.accessModes: Unsupported value: \"Rw\": supported values:"
                    + " \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\","
                    + " \"ReadWriteOncePod\"",
                "spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes",
                "spec.persistentVolumeReclaimPolicy: Unsupported value: \"Keep\": supported"
                    + " values: \"Delete\", \"Recycle\", \"Retain\"",
                "spec.storageClassName: Invalid value: \"Fast_SSD\": a lowercase RFC 1123"
                    + " subdomain must consist of lower case alphanumeric characters, '-' or '.',"
                    + " and must start and end with an alphanumeric character (e.g."
                    + " 'example.com', regex used for validation is"
                    + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")),
        Arguments.of(
            "zero capacity",
            (Consumer<PersistentVolume>)
                pv -> pv.getSpec().setCapacity(Map.of("storage", new Quantity("0"))),
            List.of("spec.capacity[storage]: Invalid value: \"0\": must be greater than zero")),
        Arguments.of(
            "two sources",
            (Consumer<PersistentVolume>)
                pv -> pv.getSpec().setNfs(new NFSVolumeSource("/export", false, "nfs.example")),
            List.of("spec.nfs: Forbidden: may not specify more than 1 volume type")),
        Arguments.of(
            "a host path without a path",
            (Consumer<PersistentVolume>) pv -> pv.getSpec().getHostPath().setPath(""),
            List.of("spec.hostPath.path: Required value")),
        Arguments.of(
            "recycling the host's root",
            (Consumer<PersistentVolume>)
                pv -> {
                  pv.getSpec().getHostPath().setPath("/tmp/..");
                  pv.getSpec().setPersistentVolumeReclaimPolicy("Recycle");
                },
            List.of(
                "spec.hostPath.path: Invalid value: \"/tmp/..\": must not contain '..'",
                "spec.persistentVolumeReclaimPolicy: Forbidden: may not be 'recycle' for a"
                    + " hostPath mount of '/'")),
        Arguments.of(
            "a local volume without node affinity",
            (Consumer<PersistentVolume>)
                pv -> {
                  pv.getSpec().setHostPath(null);
                  pv.getSpec().setLocal(new LocalVolumeSource(null, "/mnt/disks/ssd1"));
                },
            List.of("spec.nodeAffinity: Required value: Local volume requires node affinity")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("persistentVolumes")
  void persistentVolumeCreate(
      String name, Consumer<PersistentVolume> mutate, List<String> expected) {
    PersistentVolume pv = defaulted(PersistentVolume.class, PV, mutate);
    assertThat(messages(Validator.validateCreate(pv))).containsExactlyElementsOf(expected);
  }

  @Test
  void aVolumesSourceAndModeAreImmutableItsClaimRefIsNot() {
    PersistentVolume old = defaulted(PersistentVolume.class, PV, pv -> {});
    old.getMetadata().setResourceVersion("7");
    PersistentVolume bound =
        defaulted(
            PersistentVolume.class,
            PV,
            pv -> {
              pv.getMetadata().setResourceVersion("7");
              pv.getSpec()
                  .setClaimRef(
                      new ObjectReferenceBuilder()
                          .withKind("PersistentVolumeClaim")
                          .withNamespace("default")
                          .withName("data")
                          .build());
              pv.getSpec().setPersistentVolumeReclaimPolicy("Delete");
            });
    assertThat(Validator.validateUpdate(bound, old)).isEmpty();
    PersistentVolume moved =
        defaulted(
            PersistentVolume.class,
            PV,
            pv -> {
              pv.getMetadata().setResourceVersion("7");
              pv.getSpec().getHostPath().setPath("/data/other");
              pv.getSpec().setVolumeMode("Block");
            });
    assertThat(messages(Validator.validateUpdate(moved, old)))
        .containsExactly(
            "spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable"
                + " after creation\n"
                + "  core.PersistentVolumeSource{\n"
                + "- \thostPath.path: \"/data/pv1\",\n"
                + "+ \thostPath.path: \"/data/other\",\n"
                + "  }\n",
            "volumeMode: Invalid value: \"Block\": field is immutable");
  }

  private static final String PVC =
      "{'metadata':{'name':'data','namespace':'default','resourceVersion':'3'},"
          + "'spec':{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'1Gi'}}}}";

  @Test
  void aClaimWithoutAClassMayBeGivenOneOnceAndOnlyThen() {
    PersistentVolumeClaim old = defaulted(PersistentVolumeClaim.class, PVC, c -> {});
    PersistentVolumeClaim classed =
        defaulted(
            PersistentVolumeClaim.class, PVC, c -> c.getSpec().setStorageClassName("standard"));
    assertThat(Validator.validateUpdate(classed, old)).isEmpty();
    PersistentVolumeClaim reclassed =
        defaulted(PersistentVolumeClaim.class, PVC, c -> c.getSpec().setStorageClassName("fast"));
    assertThat(messages(Validator.validateUpdate(reclassed, classed)))
        .singleElement()
        .asString()
        .startsWith("spec: Forbidden: spec is immutable after creation");
    PersistentVolumeClaim annotated =
        defaulted(
            PersistentVolumeClaim.class,
            PVC,
            c ->
                c.getMetadata()
                    .setAnnotations(Map.of("volume.beta.kubernetes.io/storage-class", "slow")));
    PersistentVolumeClaim otherClass =
        defaulted(
            PersistentVolumeClaim.class,
            PVC,
            c -> {
              c.getMetadata()
                  .setAnnotations(Map.of("volume.beta.kubernetes.io/storage-class", "slow"));
              c.getSpec().setStorageClassName("standard");
            });
    assertThat(Validator.validateUpdate(otherClass, annotated)).isNotEmpty();
  }

  @Test
  void defaultingMakesTheSeedObjectsValid() {
    for (String json :
        List.of(
            Fixtures.DEPLOYMENT,
            Fixtures.REPLICA_SET,
            Fixtures.STATEFUL_SET,
            Fixtures.DAEMON_SET,
            Fixtures.REPLICATION_CONTROLLER,
            Fixtures.POD,
            Fixtures.CRON_JOB,
            Fixtures.SERVICE)) {
      var obj =
          Fixtures.parse(io.fabric8.kubernetes.api.model.GenericKubernetesResource.class, json);
      Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> type =
          io.skiff.api.ResourceRegistry.builtin()
              .byKind(obj.getApiVersion(), obj.getKind())
              .orElseThrow()
              .type();
      var typed = Fixtures.parse(type, json);
      Defaulter.apply(typed);
      assertThat(Validator.validateCreate(typed)).as(obj.getKind()).isEmpty();
    }
  }
}
