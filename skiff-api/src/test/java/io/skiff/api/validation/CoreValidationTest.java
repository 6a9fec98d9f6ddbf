package io.skiff.api.validation;

import static io.skiff.api.validation.Fixtures.defaulted;
import static io.skiff.api.validation.Fixtures.messages;
import static io.skiff.api.validation.Fixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
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
