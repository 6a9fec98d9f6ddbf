package io.skiff.client.transport;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.ResourceType;
import io.skiff.api.patch.PatchType;
import io.skiff.client.Fixtures;
import io.skiff.client.ListOptions;
import io.skiff.client.ListPage;
import io.skiff.client.Watch;
import io.skiff.client.Watcher;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A transport that stands in for the server under a wrapper: it records every call, {@code close}
 * included, and answers each with a new object of the method's return type (a ConfigMap where an
 * object is due). It is a proxy of {@link Transport}, so that a method added to Transport later is
 * recorded and answered without a change here.
 */
final class RecordingTransport {

  /** One call: the method, its arguments and the answer it got. */
  record Call(Method method, List<Object> arguments, Object answer) {
    String verb() {
      return method.getName();
    }
  }

  final List<Call> calls = new CopyOnWriteArrayList<>();

  final Transport transport =
      (Transport)
          Proxy.newProxyInstance(
              Transport.class.getClassLoader(), new Class<?>[] {Transport.class}, this::answer);

  /** The names of the methods called, in order. */
  List<String> verbs() {
    return calls.stream().map(Call::verb).toList();
  }

  private Object answer(Object proxy, Method method, Object[] args) {
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        default -> "RecordingTransport" + verbs();
      };
    }
    Object answer = answerOf(method.getReturnType());
    calls.add(new Call(method, args == null ? List.of() : Arrays.asList(args), answer));
    return answer;
  }

  private static Object answerOf(Class<?> type) {
    if (type == void.class) {
      return null;
    }
    if (type == HasMetadata.class) {
      return Fixtures.configMap("ns", "a");
    }
    if (type == ListPage.class) {
      return new ListPage<>(List.of(), 1, null);
    }
    if (type == Watch.class) {
      return (Watch) () -> {};
    }
    if (type == Scale.class) {
      return new Scale();
    }
    throw new AssertionError("RecordingTransport has no answer of type " + type.getName());
  }

  /**
   * Arguments for a call of {@code method}: a new object per argument and no two strings alike, so
   * that a wrapper that passes on the wrong one is seen.
   */
  static Object[] sampleArguments(Method method) {
    Class<?>[] types = method.getParameterTypes();
    Object[] args = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      args[i] = sample(types[i], "arg" + i, method);
    }
    return args;
  }

  private static Object sample(Class<?> type, String text, Method method) {
    if (type == ResourceType.class) {
      return ResourceRegistry.builtin().all().stream()
          .filter(t -> t.type() == ConfigMap.class)
          .findFirst()
          .orElseThrow();
    }
    if (type == String.class) {
      return text;
    }
    // Not the default values, which a wrapper that drops an argument would pass.
    if (type == boolean.class) {
      return true;
    }
    if (type == long.class) {
      return 42L;
    }
    if (type == PatchType.class) {
      return PatchType.STRATEGIC_MERGE_PATCH;
    }
    if (type == HasMetadata.class) {
      return Fixtures.configMap("ns", text);
    }
    if (type == ListOptions.class) {
      return ListOptions.labelSelector(text);
    }
    if (type == DeleteOptions.class) {
      return new DeleteOptions();
    }
    if (type == Watcher.class) {
      return new Fixtures.RecordingWatcher<>();
    }
    if (type == Scale.class) {
      return new Scale();
    }
    throw new AssertionError("no sample argument of " + type.getName() + " for " + method);
  }
}
