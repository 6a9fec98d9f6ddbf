package io.skiff.api.patch;

/**
 * The {@code patchStrategy}/{@code patchMergeKey} struct tags of k8s.io/api 1.28 for the kinds
 * Skiff serves. Fields not listed here carry no tag upstream, so their lists are atomic (args,
 * command, tolerations, taints, envFrom, ...).
 */
final class BuiltinPatchTable {

  static final String TABLE =
      """
      # apiVersion kind -> root type
      kind v1 Pod Pod
      kind v1 Node Node
      kind v1 Service Service
      kind v1 Namespace Namespace
      kind v1 Endpoints Object
      kind v1 ConfigMap Object
      kind v1 Secret Object
      kind v1 ServiceAccount ServiceAccount
      kind v1 Event Object
      kind v1 ReplicationController ReplicationController
      kind v1 PersistentVolume Object
      kind v1 PersistentVolumeClaim PersistentVolumeClaim
      kind apps/v1 Deployment Deployment
      kind apps/v1 ReplicaSet ReplicaSet
      kind apps/v1 StatefulSet StatefulSet
      kind apps/v1 DaemonSet DaemonSet
      kind apps/v1 ControllerRevision Object
      kind batch/v1 Job Job
      kind batch/v1 CronJob CronJob
      kind coordination.k8s.io/v1 Lease Object
      kind events.k8s.io/v1 Event Object
      kind policy/v1 PodDisruptionBudget PodDisruptionBudget
      kind autoscaling/v1 Scale Object

      # ObjectMeta, shared by every kind
      Object.metadata                     ObjectMeta
      ObjectMeta.ownerReferences          OwnerReference[]            merge             uid
      ObjectMeta.finalizers               string[]                    merge

      # Pods and pod templates
      Pod.metadata                        ObjectMeta
      Pod.spec                            PodSpec
      Pod.status                          PodStatus
      PodTemplateSpec.metadata            ObjectMeta
      PodTemplateSpec.spec                PodSpec
      PodSpec.volumes                     Volume[]                    merge,retainKeys  name
      PodSpec.initContainers              Container[]                 merge             name
      PodSpec.containers                  Container[]                 merge             name
      PodSpec.ephemeralContainers         Container[]                 merge             name
      PodSpec.imagePullSecrets            LocalObjectReference[]      merge             name
      PodSpec.hostAliases                 HostAlias[]                 merge             ip
      PodSpec.topologySpreadConstraints   TopologySpreadConstraint[]  merge             topologyKey
      PodSpec.schedulingGates             PodSchedulingGate[]         merge             name
      PodSpec.resourceClaims              PodResourceClaim[]          merge,retainKeys  name
      Container.ports                     ContainerPort[]             merge             containerPort
      Container.env                       EnvVar[]                    merge             name
      Container.volumeMounts              VolumeMount[]               merge             mountPath
      Container.volumeDevices             VolumeDevice[]              merge             devicePath
      PodStatus.conditions                Condition[]                 merge             type
      PodStatus.podIPs                    PodIP[]                     merge             ip
      PodStatus.hostIPs                   HostIP[]                    merge             ip

      # Workloads
      Deployment.metadata                 ObjectMeta
      Deployment.spec                     DeploymentSpec
      Deployment.status                   ConditionedStatus
      DeploymentSpec.template             PodTemplateSpec
      DeploymentSpec.strategy             DeploymentStrategy          retainKeys
      ReplicaSet.metadata                 ObjectMeta
      ReplicaSet.spec                     TemplatedSpec
      ReplicaSet.status                   ConditionedStatus
      ReplicationController.metadata      ObjectMeta
      ReplicationController.spec          TemplatedSpec
      ReplicationController.status        ConditionedStatus
      DaemonSet.metadata                  ObjectMeta
      DaemonSet.spec                      TemplatedSpec
      DaemonSet.status                    ConditionedStatus
      StatefulSet.metadata                ObjectMeta
      StatefulSet.spec                    StatefulSetSpec
      StatefulSet.status                  ConditionedStatus
      StatefulSetSpec.template            PodTemplateSpec
      StatefulSetSpec.volumeClaimTemplates PersistentVolumeClaim[]
      TemplatedSpec.template              PodTemplateSpec
      Job.metadata                        ObjectMeta
      Job.spec                            TemplatedSpec
      Job.status                          ConditionedStatus
      CronJob.metadata                    ObjectMeta
      CronJob.spec                        CronJobSpec
      CronJobSpec.jobTemplate             JobTemplateSpec
      JobTemplateSpec.metadata            ObjectMeta
      JobTemplateSpec.spec                TemplatedSpec

      # Nodes, services and the rest of core/v1
      Node.metadata                       ObjectMeta
      Node.spec                           NodeSpec
      Node.status                         NodeStatus
      NodeSpec.podCIDRs                   string[]                    merge
      NodeStatus.conditions               Condition[]                 merge             type
      NodeStatus.addresses                NodeAddress[]               merge             type
      Service.metadata                    ObjectMeta
      Service.spec                        ServiceSpec
      Service.status                      ConditionedStatus
      ServiceSpec.ports                   ServicePort[]               merge             port
      Namespace.metadata                  ObjectMeta
      Namespace.status                    ConditionedStatus
      PersistentVolumeClaim.metadata      ObjectMeta
      PersistentVolumeClaim.status        ConditionedStatus
      ServiceAccount.metadata             ObjectMeta
      ServiceAccount.secrets              ObjectReference[]           merge             name
      PodDisruptionBudget.metadata        ObjectMeta
      PodDisruptionBudget.status          ConditionedStatus

      # Every status with conditions keys them by type
      ConditionedStatus.conditions        Condition[]                 merge             type
      """;

  static final TypeGraph GRAPH = TypeGraph.parse(TABLE);

  private BuiltinPatchTable() {}
}
