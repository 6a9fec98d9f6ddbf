package io.skiff.api.validation;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.api.defaults.Defaulter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Consumer;

/** Valid, defaulted objects of each kind, for tests to break one field at a time. */
final class Fixtures {

  private Fixtures() {}

  static final ObjectMapper JSON = new ObjectMapper();

  /** Parses JSON where single quotes stand for double quotes, to keep test text readable. */
  static <T extends HasMetadata> T parse(Class<T> type, String json) {
    try {
      return JSON.readValue(json.replace('\'', '"'), type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses, defaults and then lets the test break something. */
  static <T extends HasMetadata> T defaulted(Class<T> type, String json, Consumer<T> mutate) {
    T obj = parse(type, json);
    Defaulter.apply(obj);
    mutate.accept(obj);
    return obj;
  }

  /** Parses, lets the test shape the request, then defaults it as the server would. */
  static <T extends HasMetadata> T sent(Class<T> type, String json, Consumer<T> mutate) {
    T obj = parse(type, json);
    mutate.accept(obj);
    Defaulter.apply(obj);
    return obj;
  }

  static <T extends HasMetadata> T copy(T obj) {
    @SuppressWarnings("unchecked")
    Class<T> type = (Class<T>) obj.getClass();
    return JSON.convertValue(obj, type);
  }

  static List<String> messages(List<FieldError> errors) {
    return errors.stream().map(FieldError::toString).toList();
  }

  static final String TEMPLATE =
      "'template':{'metadata':{'labels':{'app':'web'}},"
          + "'spec':{'containers':[{'name':'nginx','image':'nginx:1.14.2','ports':[{'containerPort':80}]}]}}";

  static final String DEPLOYMENT =
      "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','namespace':'default'},"
          + "'spec':{'replicas':3,'selector':{'matchLabels':{'app':'web'}},"
          + TEMPLATE
          + "}}";

  static final String REPLICA_SET =
      "{'apiVersion':'apps/v1','kind':'ReplicaSet','metadata':{'name':'web','namespace':'default'},"
          + "'spec':{'replicas':3,'selector':{'matchLabels':{'app':'web'}},"
          + TEMPLATE
          + "}}";

  static final String STATEFUL_SET =
      "{'apiVersion':'apps/v1','kind':'StatefulSet','metadata':{'name':'web','namespace':'default'},"
          + "'spec':{'serviceName':'web','selector':{'matchLabels':{'app':'web'}},"
          + TEMPLATE
          + "}}";

  static final String DAEMON_SET =
      "{'apiVersion':'apps/v1','kind':'DaemonSet','metadata':{'name':'web','namespace':'default'},"
          + "'spec':{'selector':{'matchLabels':{'app':'web'}},"
          + TEMPLATE
          + "}}";

  static final String REPLICATION_CONTROLLER =
      "{'apiVersion':'v1','kind':'ReplicationController','metadata':{'name':'web','namespace':'default'},"
          + "'spec':{'replicas':2,"
          + TEMPLATE
          + "}}";

  static final String POD =
      "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web','namespace':'default'},"
          + "'spec':{'containers':[{'name':'nginx','image':'nginx:1.14.2'}]}}";

  static final String JOB =
      "{'apiVersion':'batch/v1','kind':'Job','metadata':{'name':'pi','namespace':'default','uid':'u-1'},"
          + "'spec':{'template':{'spec':{'restartPolicy':'Never',"
          + "'containers':[{'name':'pi','image':'perl:5.34.0'}]}}}}";

  static final String CRON_JOB =
      "{'apiVersion':'batch/v1','kind':'CronJob','metadata':{'name':'hello','namespace':'default'},"
          + "'spec':{'schedule':'* * * * *','jobTemplate':{'spec':{'template':{'spec':{"
          + "'restartPolicy':'OnFailure','containers':[{'name':'hello','image':'busybox:1.28'}]}}}}}}";

  static final String SERVICE =
      "{'apiVersion':'v1','kind':'Service','metadata':{'name':'web','namespace':'default'},"
          + "'spec':{'selector':{'app':'web'},'ports':[{'port':80}]}}";
}
