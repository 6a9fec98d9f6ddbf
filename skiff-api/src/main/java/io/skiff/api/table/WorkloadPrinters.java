package io.skiff.api.table;

import static io.skiff.api.table.Cells.age;
import static io.skiff.api.table.Cells.list;
import static io.skiff.api.table.Cells.name;
import static io.skiff.api.table.Cells.num;
import static io.skiff.api.table.Cells.or;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerSpec;
import io.fabric8.kubernetes.api.model.ReplicationControllerStatus;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import io.skiff.api.selector.LabelSelector;
import io.skiff.api.selector.SelectorException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Printers of the pod controllers: apps/v1, batch/v1 and ReplicationController. */
final class WorkloadPrinters {

  private static final String SELECTOR_DOC =
      " More info:"
          + " https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors";
  private static final String RC_DOC =
      " More info:"
          + " https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller";
  private static final String RS_DOC =
      " More info:"
          + " https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller";
  private static final String DS_DOC =
      " More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/";

  static final TablePrinter<Deployment> DEPLOYMENT =
      TablePrinter.of(
          List.of(
              Column.forName(),
              Column.of("Ready", "string", "Number of the pod with ready state"),
              Column.of(
                  "Up-to-date",
                  "string",
                  "Total number of non-terminated pods targeted by this deployment that have the"
                      + " desired template spec."),
              Column.of(
                  "Available",
                  "string",
                  "Total number of available pods (ready for at least minReadySeconds) targeted by"
                      + " this deployment."),
              Column.age(),
              Column.containers(),
              Column.images(),
              Column.wide(
                  "Selector",
                  "string",
                  "Label selector for pods. Existing ReplicaSets whose pods are selected by this"
                      + " will be the ones affected by this deployment.")),
          WorkloadPrinters::deployment);

  static final TablePrinter<ReplicaSet> REPLICA_SET =
      TablePrinter.of(
          List.of(
              Column.forName(),
              Column.of(
                  "Desired",
                  "integer",
                  "Replicas is the number of desired replicas. This is a pointer to distinguish"
                      + " between explicit zero and unspecified. Defaults to 1."
                      + RS_DOC),
              Column.of(
                  "Current",
                  "integer",
                  "Replicas is the most recently observed number of replicas." + RS_DOC),
              Column.of("Ready", "integer", "The number of ready replicas for this replica set."),
              Column.age(),
              Column.containers(),
              Column.images(),
              Column.wide(
                  "Selector",
                  "string",
                  "Selector is a label query over pods that should match the replica count. If the"
                      + " selector is empty, it is defaulted to the labels present on the pod"
                      + " template. Label keys and values that must match in order to be"
                      + " controlled by this replica set."
                      + SELECTOR_DOC)),
          WorkloadPrinters::replicaSet);

  static final TablePrinter<ReplicationController> REPLICATION_CONTROLLER =
      TablePrinter.of(
          List.of(
              Column.forName(),
              Column.of(
                  "Desired",
                  "integer",
                  "Replicas is the number of desired replicas. This is a pointer to distinguish"
                      + " between explicit zero and unspecified. Defaults to 1."
                      + RC_DOC),
              Column.of(
                  "Current",
                  "integer",
                  "Replicas is the most recently observed number of replicas." + RC_DOC),
              Column.of(
                  "Ready",
                  "integer",
                  "The number of ready replicas for this replication controller."),
              Column.age(),
              Column.containers(),
              Column.images(),
              Column.wide(
                  "Selector",
                  "string",
                  "Selector is a label query over pods that should match the Replicas count. If"
                      + " Selector is empty, it is defaulted to the labels present on the Pod"
                      + " template. Label keys and values that must match in order to be"
                      + " controlled by this replication controller, if empty defaulted to labels"
                      + " on Pod template."
                      + SELECTOR_DOC)),
          WorkloadPrinters::replicationController);

  static final TablePrinter<StatefulSet> STATEFUL_SET =
      TablePrinter.of(
          List.of(
              Column.forName(),
              Column.of("Ready", "string", "Number of the pod with ready state"),
              Column.age(),
              Column.containers(),
              Column.images()),
          WorkloadPrinters::statefulSet);

  static final TablePrinter<DaemonSet> DAEMON_SET =
      TablePrinter.of(
          List.of(
              Column.forName(),
              Column.of(
                  "Desired",
                  "integer",
                  "The total number of nodes that should be running the daemon pod (including"
                      + " nodes correctly running the daemon pod)."
                      + DS_DOC),
              Column.of(
                  "Current",
                  "integer",
                  "The number of nodes that are running at least 1 daemon pod and are supposed to"
                      + " run the daemon pod."
                      + DS_DOC),
              Column.of(
                  "Ready",
                  "integer",
                  "The number of nodes that should be running the daemon pod and have one or more"
                      + " of the daemon pod running and ready."),
              Column.of(
                  "Up-to-date",
                  "integer",
                  "The total number of nodes that are running updated daemon pod"),
              Column.of(
                  "Available",
                  "integer",
                  "The number of nodes that should be running the daemon pod and have one or more"
                      + " of the daemon pod running and available (ready for at least"
                      + " spec.minReadySeconds)"),
              Column.of(
                  "Node Selector",
                  "string",
                  "NodeSelector is a selector which must be true for the pod to fit on a node."
                      + " Selector which must match a node's labels for the pod to be scheduled on"
                      + " that node. More info:"
                      + " https://kubernetes.io/docs/concepts/configuration/assign-pod-node/"),
              Column.age(),
              Column.containers(),
              Column.images(),
              Column.wide(
                  "Selector",
                  "string",
                  "A label query over pods that are managed by the daemon set. Must match in order"
                      + " to be controlled. If empty, defaulted to labels on Pod template."
                      + SELECTOR_DOC)),
          WorkloadPrinters::daemonSet);

  private static final Column JOB_SELECTOR =
      Column.wide(
          "Selector",
          "string",
          "A label query over pods that should match the pod count. Normally, the system sets"
              + " this field for you."
              + SELECTOR_DOC);

  static final TablePrinter<Job> JOB =
      TablePrinter.of(
          List.of(
              Column.forName(),
              Column.of("Status", "string", "Status of the job."),
              Column.of(
                  "Completions",
                  "string",
                  "The number of pods which reached phase Succeeded. The value increases"
                      + " monotonically for a given spec. However, it may decrease in reaction to"
                      + " scale down of elastic indexed jobs."),
              Column.of("Duration", "string", "Time required to complete the job."),
              Column.age(),
              Column.containers(),
              Column.images(),
              JOB_SELECTOR),
          WorkloadPrinters::job);

  static final TablePrinter<CronJob> CRON_JOB =
      TablePrinter.of(
          List.of(
              Column.forName(),
              Column.of(
                  "Schedule",
                  "string",
                  "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
              Column.of(
                  "Timezone",
                  "string",
                  "The time zone name for the given schedule, see"
                      + " https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not"
                      + " specified, this will default to the time zone of the"
                      + " kube-controller-manager process. The set of valid time zone names and the"
                      + " time zone offset is loaded from the system-wide time zone database by the"
                      + " API server during CronJob validation and the controller manager during"
                      + " execution. If no system-wide time zone database can be found a bundled"
                      + " version of the database is used instead. If the time zone name becomes"
                      + " invalid during the lifetime of a CronJob or due to a change in host"
                      + " configuration, the controller will stop creating new new Jobs and will"
                      + " create a system event with the reason UnknownTimeZone. More information"
                      + " can be found in"
                      + " https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones"),
              Column.of(
                  "Suspend",
                  "boolean",
                  "This flag tells the controller to suspend subsequent executions, it does not"
                      + " apply to already started executions.  Defaults to false."),
              Column.of("Active", "integer", "A list of pointers to currently running jobs."),
              Column.of(
                  "Last Schedule",
                  "string",
                  "Information when was the last time the job was successfully scheduled."),
              Column.age(),
              Column.containers(),
              Column.images(),
              JOB_SELECTOR),
          WorkloadPrinters::cronJob);

  static final TablePrinter<ControllerRevision> CONTROLLER_REVISION =
      TablePrinter.of(
          List.of(
              Column.forName(),
              Column.of("Controller", "string", "Controller of the object"),
              Column.of(
                  "Revision",
                  "string",
                  "Revision indicates the revision of the state represented by Data."),
              Column.age()),
          WorkloadPrinters::controllerRevision);

  private WorkloadPrinters() {}

  private static Row deployment(Deployment d, Instant now) {
    DeploymentSpec spec = or(d.getSpec(), DeploymentSpec::new);
    DeploymentStatus status = or(d.getStatus(), DeploymentStatus::new);
    Cells.Containers c = Cells.containers(spec.getTemplate());
    // Unlike its siblings, upstream's Deployment printer shows an empty selector as "".
    String selector;
    try {
      LabelSelector parsed = LabelSelector.of(spec.getSelector());
      selector = parsed == null ? "" : parsed.toString();
    } catch (SelectorException e) {
      selector = "<invalid>";
    }
    return Row.of(
        name(d),
        num(status.getReadyReplicas()) + "/" + num(spec.getReplicas()),
        num(status.getUpdatedReplicas()),
        num(status.getAvailableReplicas()),
        age(d, now),
        c.names(),
        c.images(),
        selector);
  }

  private static Row replicaSet(ReplicaSet rs, Instant now) {
    ReplicaSetSpec spec = or(rs.getSpec(), ReplicaSetSpec::new);
    ReplicaSetStatus status = or(rs.getStatus(), ReplicaSetStatus::new);
    Cells.Containers c = Cells.containers(spec.getTemplate());
    return Row.of(
        name(rs),
        num(spec.getReplicas()),
        num(status.getReplicas()),
        num(status.getReadyReplicas()),
        age(rs, now),
        c.names(),
        c.images(),
        Cells.selector(spec.getSelector()));
  }

  private static Row replicationController(ReplicationController rc, Instant now) {
    ReplicationControllerSpec spec = or(rc.getSpec(), ReplicationControllerSpec::new);
    ReplicationControllerStatus status = or(rc.getStatus(), ReplicationControllerStatus::new);
    Cells.Containers c = Cells.containers(spec.getTemplate());
    return Row.of(
        name(rc),
        num(spec.getReplicas()),
        num(status.getReplicas()),
        num(status.getReadyReplicas()),
        age(rc, now),
        c.names(),
        c.images(),
        Cells.labels(spec.getSelector()));
  }

  private static Row statefulSet(StatefulSet sts, Instant now) {
    StatefulSetSpec spec = or(sts.getSpec(), StatefulSetSpec::new);
    StatefulSetStatus status = or(sts.getStatus(), StatefulSetStatus::new);
    Cells.Containers c = Cells.containers(spec.getTemplate());
    return Row.of(
        name(sts),
        num(status.getReadyReplicas()) + "/" + num(spec.getReplicas()),
        age(sts, now),
        c.names(),
        c.images());
  }

  private static Row daemonSet(DaemonSet ds, Instant now) {
    DaemonSetSpec spec = or(ds.getSpec(), DaemonSetSpec::new);
    DaemonSetStatus status = or(ds.getStatus(), DaemonSetStatus::new);
    Cells.Containers c = Cells.containers(spec.getTemplate());
    return Row.of(
        name(ds),
        num(status.getDesiredNumberScheduled()),
        num(status.getCurrentNumberScheduled()),
        num(status.getNumberReady()),
        num(status.getUpdatedNumberScheduled()),
        num(status.getNumberAvailable()),
        Cells.labels(podSpec(spec.getTemplate()).getNodeSelector()),
        age(ds, now),
        c.names(),
        c.images(),
        Cells.selector(spec.getSelector()));
  }

  private static Row job(Job job, Instant now) {
    JobSpec spec = or(job.getSpec(), JobSpec::new);
    JobStatus status = or(job.getStatus(), JobStatus::new);
    long succeeded = num(status.getSucceeded());
    String completions;
    if (spec.getCompletions() != null) {
      completions = succeeded + "/" + spec.getCompletions();
    } else if (num(spec.getParallelism()) > 1) {
      completions = succeeded + "/1 of " + spec.getParallelism();
    } else {
      completions = succeeded + "/1";
    }
    Instant start = Cells.time(status.getStartTime());
    Instant end = Cells.time(status.getCompletionTime());
    String duration =
        start == null ? "" : HumanDuration.format(Duration.between(start, end == null ? now : end));
    Cells.Containers c = Cells.containers(spec.getTemplate());
    return Row.of(
        name(job),
        jobStatus(job, status),
        completions,
        duration,
        age(job, now),
        c.names(),
        c.images(),
        Cells.selector(spec.getSelector()));
  }

  private static String jobStatus(Job job, JobStatus status) {
    if (hasJobCondition(status, "Complete")) {
      return "Complete";
    } else if (hasJobCondition(status, "Failed")) {
      return "Failed";
    } else if (Cells.meta(job).getDeletionTimestamp() != null) {
      return "Terminating";
    } else if (hasJobCondition(status, "Suspended")) {
      return "Suspended";
    } else if (hasJobCondition(status, "FailureTarget")) {
      return "FailureTarget";
    }
    return "Running";
  }

  // The first condition of the type decides, as upstream looks no further.
  private static boolean hasJobCondition(JobStatus status, String type) {
    for (JobCondition c : list(status.getConditions())) {
      if (type.equals(c.getType())) {
        return "True".equals(c.getStatus());
      }
    }
    return false;
  }

  private static Row cronJob(CronJob cj, Instant now) {
    CronJobSpec spec = or(cj.getSpec(), CronJobSpec::new);
    CronJobStatus status = or(cj.getStatus(), CronJobStatus::new);
    JobSpec jobSpec = or(or(spec.getJobTemplate(), JobTemplateSpec::new).getSpec(), JobSpec::new);
    String lastSchedule =
        status.getLastScheduleTime() == null
            ? Cells.NONE
            : Cells.since(status.getLastScheduleTime(), now);
    String suspend = spec.getSuspend() == null ? Cells.UNSET : spec.getSuspend() ? "True" : "False";
    Cells.Containers c = Cells.containers(jobSpec.getTemplate());
    return Row.of(
        name(cj),
        Cells.str(spec.getSchedule()),
        spec.getTimeZone() == null ? Cells.NONE : spec.getTimeZone(),
        suspend,
        (long) list(status.getActive()).size(),
        lastSchedule,
        age(cj, now),
        c.names(),
        c.images(),
        Cells.selector(jobSpec.getSelector()));
  }

  private static Row controllerRevision(ControllerRevision cr, Instant now) {
    String controller = Cells.NONE;
    for (OwnerReference ref : list(Cells.meta(cr).getOwnerReferences())) {
      if (Cells.isTrue(ref.getController())) {
        controller = kindPrefix(ref) + Cells.str(ref.getName());
        break;
      }
    }
    return Row.of(name(cr), controller, num(cr.getRevision()), age(cr, now));
  }

  // "statefulset.apps/" for apps/v1 StatefulSet, "pod/" for v1 Pod: kind.group, lower-cased.
  private static String kindPrefix(OwnerReference ref) {
    String apiVersion = Cells.str(ref.getApiVersion());
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String kind = Cells.str(ref.getKind());
    if (group.isEmpty() && kind.isEmpty()) {
      return "";
    }
    String groupKind = group.isEmpty() ? kind : kind + "." + group;
    return groupKind.toLowerCase(Locale.ROOT) + "/";
  }

  private static PodSpec podSpec(PodTemplateSpec template) {
    return template == null || template.getSpec() == null ? new PodSpec() : template.getSpec();
  }
}
