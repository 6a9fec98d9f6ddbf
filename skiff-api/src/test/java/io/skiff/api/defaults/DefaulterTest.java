package io.skiff.api.defaults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class DefaulterTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static <T extends HasMetadata> T parse(Class<T> type, String json) {
    try {
      return JSON.readValue(json.replace('\'', '"'), type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static <T extends HasMetadata> T defaulted(Class<T> type, String json) {
    T obj = parse(type, json);
    Defaulter.apply(obj);
    return obj;
  }

  /** Through text, so that numbers compare by value whatever their Java type. */
  private static JsonNode tree(Object o) {
    try {
      return JSON.readTree(JSON.writeValueAsString(o));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text.replace('\'', '"'));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The manifest of the Kubernetes docs' nginx example: 3 × nginx:1.14.2. */
  static final String SEED_DEPLOYMENT =
      "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'nginx-deployment',"
          + "'namespace':'default','labels':{'app':'nginx'}},'spec':{'replicas':3,"
          + "'selector':{'matchLabels':{'app':'nginx'}},'template':{'metadata':{'labels':{'app':'nginx'}},"
          + "'spec':{'containers':[{'name':'nginx','image':'nginx:1.14.2','ports':[{'containerPort':80}]}]}}}}";

  @Test
  void seedDeploymentGetsExactlyUpstreamsDefaults() {
    Deployment d = defaulted(Deployment.class, SEED_DEPLOYMENT);
    assertThat(tree(d))
        .isEqualTo(
            json(
                "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'labels':{'app':'nginx'},"
                    + "'name':'nginx-deployment','namespace':'default'},'spec':{"
                    + "'progressDeadlineSeconds':600,'replicas':3,'revisionHistoryLimit':10,"
                    + "'selector':{'matchLabels':{'app':'nginx'}},"
                    + "'strategy':{'rollingUpdate':{'maxSurge':'25%','maxUnavailable':'25%'},'type':'RollingUpdate'},"
                    + "'template':{'metadata':{'labels':{'app':'nginx'}},'spec':{"
                    + "'containers':[{'image':'nginx:1.14.2','imagePullPolicy':'IfNotPresent','name':'nginx',"
                    + "'ports':[{'containerPort':80,'protocol':'TCP'}],'resources':{},"
                    + "'terminationMessagePath':'/dev/termination-log','terminationMessagePolicy':'File'}],"
                    + "'dnsPolicy':'ClusterFirst','restartPolicy':'Always','schedulerName':'default-scheduler',"
                    + "'securityContext':{},'terminationGracePeriodSeconds':30}}}}"));
  }

  @Test
  void deploymentDefaultsOnlyWhatIsUnset() {
    Deployment d =
        defaulted(
            Deployment.class,
            "{'spec':{'strategy':{'type':'Recreate'},'revisionHistoryLimit':0,'progressDeadlineSeconds':60}}");
    assertThat(tree(d.getSpec().getStrategy())).isEqualTo(json("{'type':'Recreate'}"));
    assertThat(d.getSpec().getReplicas()).isEqualTo(1);
    assertThat(d.getSpec().getRevisionHistoryLimit()).isZero();
    assertThat(d.getSpec().getProgressDeadlineSeconds()).isEqualTo(60);
    Deployment partial =
        defaulted(Deployment.class, "{'spec':{'strategy':{'rollingUpdate':{'maxSurge':1}}}}");
    assertThat(tree(partial.getSpec().getStrategy()))
        .isEqualTo(
            json("{'rollingUpdate':{'maxSurge':1,'maxUnavailable':'25%'},'type':'RollingUpdate'}"));
  }

  @Test
  void statefulSetDefaults() {
    StatefulSet s =
        defaulted(
            StatefulSet.class,
            "{'spec':{'volumeClaimTemplates':[{'metadata':{'name':'data'},'spec':{'accessModes':['ReadWriteOnce'],"
                + "'resources':{'requests':{'storage':'1.5Gi'}}}}]}}");
    assertThat(s.getSpec().getReplicas()).isEqualTo(1);
    assertThat(s.getSpec().getPodManagementPolicy()).isEqualTo("OrderedReady");
    assertThat(s.getSpec().getRevisionHistoryLimit()).isEqualTo(10);
    assertThat(tree(s.getSpec().getUpdateStrategy()))
        .isEqualTo(json("{'rollingUpdate':{'partition':0},'type':'RollingUpdate'}"));
    assertThat(tree(s.getSpec().getPersistentVolumeClaimRetentionPolicy()))
        .isEqualTo(json("{'whenDeleted':'Retain','whenScaled':'Retain'}"));
    assertThat(tree(s.getSpec().getVolumeClaimTemplates().get(0)))
        .isEqualTo(
            json(
                "{'apiVersion':'v1','kind':'PersistentVolumeClaim','metadata':{'name':'data'},"
                    + "'spec':{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'1536Mi'}},"
                    + "'volumeMode':'Filesystem'},'status':{'phase':'Pending'}}"));
    StatefulSet onDelete =
        defaulted(StatefulSet.class, "{'spec':{'updateStrategy':{'type':'OnDelete'}}}");
    assertThat(tree(onDelete.getSpec().getUpdateStrategy())).isEqualTo(json("{'type':'OnDelete'}"));
    StatefulSet explicit =
        defaulted(StatefulSet.class, "{'spec':{'updateStrategy':{'type':'RollingUpdate'}}}");
    assertThat(tree(explicit.getSpec().getUpdateStrategy()))
        .isEqualTo(json("{'type':'RollingUpdate'}"));
  }

  @Test
  void daemonSetDefaults() {
    DaemonSet d = defaulted(DaemonSet.class, "{'spec':{}}");
    assertThat(tree(d.getSpec().getUpdateStrategy()))
        .isEqualTo(
            json("{'rollingUpdate':{'maxSurge':0,'maxUnavailable':1},'type':'RollingUpdate'}"));
    assertThat(d.getSpec().getRevisionHistoryLimit()).isEqualTo(10);
  }

  @Test
  void replicaSetsAndReplicationControllers() {
    assertThat(defaulted(ReplicaSet.class, "{'spec':{}}").getSpec().getReplicas()).isEqualTo(1);
    ReplicationController rc =
        defaulted(
            ReplicationController.class,
            "{'metadata':{'name':'rc'},'spec':{'template':{'metadata':{'labels':{'app':'a'}},'spec':{}}}}");
    assertThat(rc.getSpec().getReplicas()).isEqualTo(1);
    assertThat(rc.getSpec().getSelector()).containsExactlyEntriesOf(java.util.Map.of("app", "a"));
    assertThat(rc.getMetadata().getLabels()).containsExactlyEntriesOf(java.util.Map.of("app", "a"));
  }

  @Test
  void jobAndCronJobDefaults() {
    Job j =
        defaulted(Job.class, "{'spec':{'template':{'metadata':{'labels':{'x':'y'}},'spec':{}}}}");
    assertThat(j.getSpec().getCompletions()).isEqualTo(1);
    assertThat(j.getSpec().getParallelism()).isEqualTo(1);
    assertThat(j.getSpec().getBackoffLimit()).isEqualTo(6);
    assertThat(j.getSpec().getCompletionMode()).isEqualTo("NonIndexed");
    assertThat(j.getSpec().getSuspend()).isFalse();
    assertThat(j.getMetadata().getLabels()).containsEntry("x", "y");
    Job parallel = defaulted(Job.class, "{'spec':{'parallelism':3}}");
    assertThat(parallel.getSpec().getCompletions()).isNull();

    CronJob cj =
        defaulted(
            CronJob.class,
            "{'spec':{'schedule':'@daily','jobTemplate':{'spec':{'template':{'spec':{}}}}}}");
    assertThat(cj.getSpec().getConcurrencyPolicy()).isEqualTo("Allow");
    assertThat(cj.getSpec().getSuspend()).isFalse();
    assertThat(cj.getSpec().getSuccessfulJobsHistoryLimit()).isEqualTo(3);
    assertThat(cj.getSpec().getFailedJobsHistoryLimit()).isEqualTo(1);
    assertThat(cj.getSpec().getJobTemplate().getSpec().getBackoffLimit()).isNull();
    assertThat(cj.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getDnsPolicy())
        .isEqualTo("ClusterFirst");
  }

  @Test
  void jobSelectorGeneration() {
    Job j =
        parse(Job.class, "{'metadata':{'name':'pi','uid':'u-1'},'spec':{'template':{'spec':{}}}}");
    Defaulter.generateJobSelector(j);
    assertThat(tree(j.getSpec().getSelector()))
        .isEqualTo(json("{'matchLabels':{'batch.kubernetes.io/controller-uid':'u-1'}}"));
    assertThat(j.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("batch.kubernetes.io/controller-uid", "u-1")
        .containsEntry("batch.kubernetes.io/job-name", "pi")
        .containsEntry("controller-uid", "u-1")
        .containsEntry("job-name", "pi");
  }

  @Test
  void podDefaults() {
    Pod p =
        defaulted(
            Pod.class,
            "{'spec':{'containers':[{'name':'a','image':'busybox','resources':{'limits':{'cpu':'0.5','memory':'1.5Gi'}},"
                + "'livenessProbe':{'httpGet':{'port':8080}},'env':[{'name':'N','valueFrom':{'fieldRef':{'fieldPath':'metadata.name'}}}]}],"
                + "'serviceAccount':'robot','volumes':[{'name':'v'},{'name':'c','configMap':{'name':'cm'}},"
                + "{'name':'h','hostPath':{'path':'/tmp'}}]}}");
    var c = p.getSpec().getContainers().get(0);
    assertThat(c.getImagePullPolicy()).isEqualTo("Always");
    assertThat(tree(c.getResources()))
        .isEqualTo(
            json(
                "{'limits':{'cpu':'500m','memory':'1536Mi'},'requests':{'cpu':'500m','memory':'1536Mi'}}"));
    assertThat(tree(c.getLivenessProbe()))
        .isEqualTo(
            json(
                "{'failureThreshold':3,'httpGet':{'path':'/','port':8080,'scheme':'HTTP'},'periodSeconds':10,"
                    + "'successThreshold':1,'timeoutSeconds':1}"));
    assertThat(c.getEnv().get(0).getValueFrom().getFieldRef().getApiVersion()).isEqualTo("v1");
    assertThat(p.getSpec().getEnableServiceLinks()).isTrue();
    assertThat(p.getSpec().getServiceAccountName()).isEqualTo("robot");
    assertThat(tree(p.getSpec().getVolumes()))
        .isEqualTo(
            json(
                "[{'emptyDir':{},'name':'v'},{'configMap':{'defaultMode':420,'name':'cm'},'name':'c'},"
                    + "{'hostPath':{'path':'/tmp','type':''},'name':'h'}]"));
    Deployment d = defaulted(Deployment.class, SEED_DEPLOYMENT);
    assertThat(d.getSpec().getTemplate().getSpec().getEnableServiceLinks()).isNull();
  }

  @ParameterizedTest
  @CsvSource({
    "nginx, Always",
    "nginx:latest, Always",
    "nginx:1.14.2, IfNotPresent",
    "registry.example.com:5000/team/app, Always",
    "registry.example.com:5000/team/app:v2, IfNotPresent",
    "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, IfNotPresent",
    "NGINX, IfNotPresent",
  })
  void pullPolicyFollowsTheTag(String image, String policy) {
    assertThat(Defaulter.pullPolicy(image)).isEqualTo(policy);
  }

  @Test
  void serviceDefaults() {
    Service s =
        defaulted(
            Service.class, "{'spec':{'ports':[{'port':80},{'port':443,'targetPort':'https'}]}}");
    assertThat(tree(s.getSpec()))
        .isEqualTo(
            json(
                "{'internalTrafficPolicy':'Cluster','ports':[{'port':80,'protocol':'TCP','targetPort':80},"
                    + "{'port':443,'protocol':'TCP','targetPort':'https'}],'sessionAffinity':'None','type':'ClusterIP'}"));
    Service lb = defaulted(Service.class, "{'spec':{'type':'LoadBalancer','ports':[{'port':80}]}}");
    assertThat(lb.getSpec().getExternalTrafficPolicy()).isEqualTo("Cluster");
    assertThat(lb.getSpec().getAllocateLoadBalancerNodePorts()).isTrue();
    Service sticky = defaulted(Service.class, "{'spec':{'sessionAffinity':'ClientIP'}}");
    assertThat(sticky.getSpec().getSessionAffinityConfig().getClientIP().getTimeoutSeconds())
        .isEqualTo(10800);
  }

  @Test
  void namespaceAndSecretDefaults() {
    Namespace ns = defaulted(Namespace.class, "{'metadata':{'name':'team'}}");
    assertThat(ns.getMetadata().getLabels()).containsEntry("kubernetes.io/metadata.name", "team");
    assertThat(ns.getStatus().getPhase()).isEqualTo("Active");
    Secret s =
        defaulted(
            Secret.class,
            "{'metadata':{'name':'s'},'stringData':{'user':'admin'},'data':{'a':'Yg=='}}");
    assertThat(s.getType()).isEqualTo("Opaque");
    assertThat(s.getData()).containsEntry("user", "YWRtaW4=").containsEntry("a", "Yg==");
    assertThat(s.getStringData()).isEmpty();
  }

  @Test
  void persistentVolumeDefaults() {
    PersistentVolume pv =
        defaulted(
            PersistentVolume.class,
            "{'metadata':{'name':'pv1'},'spec':{'capacity':{'storage':'1024Mi'},"
                + "'accessModes':['ReadWriteOnce'],'hostPath':{'path':'/data'}}}");
    assertThat(tree(pv.getSpec()))
        .isEqualTo(
            json(
                "{'accessModes':['ReadWriteOnce'],'capacity':{'storage':'1Gi'},"
                    + "'hostPath':{'path':'/data','type':''},"
                    + "'persistentVolumeReclaimPolicy':'Retain','volumeMode':'Filesystem'}"));
    assertThat(tree(pv.getStatus())).isEqualTo(json("{'phase':'Pending'}"));
    PersistentVolume kept =
        defaulted(
            PersistentVolume.class,
            "{'spec':{'persistentVolumeReclaimPolicy':'Delete','volumeMode':'Block'},"
                + "'status':{'phase':'Bound'}}");
    assertThat(kept.getSpec().getPersistentVolumeReclaimPolicy()).isEqualTo("Delete");
    assertThat(kept.getSpec().getVolumeMode()).isEqualTo("Block");
    assertThat(kept.getStatus().getPhase()).isEqualTo("Bound");
  }

  static Stream<Arguments> everyKind() {
    return Stream.of(
        Arguments.of(Deployment.class, SEED_DEPLOYMENT),
        Arguments.of(
            StatefulSet.class,
            "{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'a'}]}}}}"),
        Arguments.of(DaemonSet.class, "{'spec':{}}"),
        Arguments.of(ReplicaSet.class, "{'spec':{}}"),
        Arguments.of(
            ReplicationController.class, "{'spec':{'template':{'metadata':{'labels':{'a':'b'}}}}}"),
        Arguments.of(Job.class, "{'spec':{}}"),
        Arguments.of(CronJob.class, "{'spec':{'jobTemplate':{'spec':{}}}}"),
        Arguments.of(
            Pod.class,
            "{'spec':{'containers':[{'name':'a','image':'a','resources':{'limits':{'cpu':'1.5'}}}]}}"),
        Arguments.of(Service.class, "{'spec':{'type':'NodePort','ports':[{'port':80}]}}"),
        Arguments.of(Namespace.class, "{'metadata':{'name':'n'}}"),
        Arguments.of(Secret.class, "{'stringData':{'k':'v'}}"),
        Arguments.of(PersistentVolume.class, "{'spec':{'hostPath':{'path':'/d'}}}"));
  }

  @ParameterizedTest
  @MethodSource("everyKind")
  void defaultingIsIdempotent(Class<? extends HasMetadata> type, String json) {
    HasMetadata once = defaulted(type, json);
    JsonNode first = tree(once);
    Defaulter.apply(once);
    assertThat(tree(once)).isEqualTo(first);
  }
}
