package io.skiff.controllers.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.ResourceType;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.errors.StatusError;
import io.skiff.api.patch.PatchException;
import io.skiff.api.patch.PatchType;
import io.skiff.api.patch.Patches;
import io.skiff.api.selector.LabelSelector;
import io.skiff.client.KubeClient;
import io.skiff.client.KubeObjects;
import io.skiff.client.ListOptions;
import io.skiff.client.ListPage;
import io.skiff.client.Resources;
import io.skiff.client.Watch;
import io.skiff.client.Watcher;
import io.skiff.clock.Clock;
import io.skiff.controllers.runtime.Times;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A {@link KubeClient} on an in-memory object tracker that records every API action a controller
 * takes, client-go's fake clientset for controller tests. It does what a controller relies on from
 * the server: uid, resourceVersion (compare-and-swap on update), creationTimestamp from the clock,
 * generation, generateName, status-only writes, patches (with the server's rules that {@code
 * metadata.uid} cannot change and only one owner reference may be the controller), deletion
 * (immediate, or a deletionTimestamp when finalizers remain). Reactors inject failures.
 *
 * <p>Watches are not served: unit tests feed informer caches and handlers themselves.
 */
public final class FakeKubeClient implements KubeClient {

  /**
   * One API call.
   *
   * @param verb get, list, create, update, patch, delete
   * @param resource the plural, e.g. {@code pods}
   * @param subresource e.g. {@code status}; empty for none
   * @param object the body of a create or update, else null
   * @param patch the body of a patch, else null
   */
  public record Action(
      String verb,
      String resource,
      String subresource,
      String namespace,
      String name,
      HasMetadata object,
      String patch) {

    public boolean is(String v, String r) {
      return verb.equals(v) && resource.equals(r);
    }

    @Override
    public String toString() {
      return verb
          + " "
          + resource
          + (subresource.isEmpty() ? "" : "/" + subresource)
          + " "
          + KubeObjects.key(namespace, name);
    }
  }

  private record Reactor(String verb, String resource, Function<Action, StatusError> react) {}

  private final Clock clock;
  private final ResourceRegistry registry = ResourceRegistry.builtin();
  private final ObjectMapper json = new ObjectCodec().mapper();
  private final Map<String, TreeMap<String, HasMetadata>> stored = new HashMap<>();
  private final List<Action> actions = new ArrayList<>();
  private final List<Reactor> reactors = new ArrayList<>();
  private long revision;
  private long uids;
  private long names;

  public FakeKubeClient(Clock clock) {
    this.clock = clock;
  }

  /** Stores {@code object} as is (no action recorded); uid and resourceVersion are filled in. */
  public synchronized <T extends HasMetadata> T seed(T object) {
    T copy = KubeObjects.deepCopy(object);
    if (copy.getMetadata().getUid() == null) {
      copy.getMetadata().setUid(nextUid());
    }
    copy.getMetadata().setResourceVersion(String.valueOf(++revision));
    table(typeOf(copy.getClass())).put(KubeObjects.key(copy), copy);
    return KubeObjects.deepCopy(copy);
  }

  /** Every recorded action, in order. */
  public synchronized List<Action> actions() {
    return List.copyOf(actions);
  }

  /** The recorded actions of {@code verb} on {@code resource}. */
  public synchronized List<Action> actions(String verb, String resource) {
    return actions.stream().filter(a -> a.is(verb, resource)).toList();
  }

  /** The recorded actions other than get and list. */
  public synchronized List<Action> writes() {
    return actions.stream()
        .filter(a -> !a.verb().equals("get") && !a.verb().equals("list"))
        .toList();
  }

  public synchronized void clearActions() {
    actions.clear();
  }

  /**
   * Makes calls of {@code verb} on {@code resource} ("*" for any) fail with what {@code react}
   * returns; a null return lets the call through. The newest reactor is asked first.
   */
  public synchronized void prependReactor(
      String verb, String resource, Function<Action, StatusError> react) {
    reactors.addFirst(new Reactor(verb, resource, react));
  }

  /** The stored object, if any (a copy). */
  public synchronized <T extends HasMetadata> Optional<T> stored(
      Class<T> kind, String namespace, String name) {
    HasMetadata obj = table(typeOf(kind)).get(KubeObjects.key(namespace, name));
    return Optional.ofNullable(obj).map(o -> kind.cast(KubeObjects.deepCopy(o)));
  }

  /** Every stored object of {@code kind} (copies), in key order. */
  public synchronized <T extends HasMetadata> List<T> stored(Class<T> kind) {
    return table(typeOf(kind)).values().stream()
        .map(o -> kind.cast(KubeObjects.deepCopy(o)))
        .toList();
  }

  @Override
  public <T extends HasMetadata> Resources<T> resources(Class<T> kind) {
    return new FakeResources<>(typeOf(kind), kind);
  }

  @Override
  public void close() {}

  private ResourceType typeOf(Class<?> kind) {
    return registry.all().stream()
        .filter(t -> t.type().equals(kind))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("not a served kind: " + kind.getName()));
  }

  private TreeMap<String, HasMetadata> table(ResourceType type) {
    return stored.computeIfAbsent(type.qualifiedResource(), k -> new TreeMap<>());
  }

  private String nextUid() {
    return String.format("00000000-0000-0000-0000-%012d", ++uids);
  }

  /** Records the action and runs the reactors; throws what a reactor answers. */
  private void record(Action action) {
    actions.add(action);
    for (Reactor r : reactors) {
      if ((r.verb.equals("*") || r.verb.equals(action.verb()))
          && (r.resource.equals("*") || r.resource.equals(action.resource()))) {
        StatusError e = r.react.apply(action);
        if (e != null) {
          throw e;
        }
      }
    }
  }

  private final class FakeResources<T extends HasMetadata> implements Resources<T> {
    private final ResourceType type;
    private final Class<T> kind;

    FakeResources(ResourceType type, Class<T> kind) {
      this.type = type;
      this.kind = kind;
    }

    @Override
    public ResourceType type() {
      return type;
    }

    private Action action(String verb, String sub, String ns, String name, T obj, String patch) {
      return new Action(
          verb,
          type.plural(),
          sub,
          type.namespaced() ? ns : null,
          name,
          obj == null ? null : KubeObjects.deepCopy(obj),
          patch);
    }

    @Override
    public Optional<T> get(String namespace, String name) {
      synchronized (FakeKubeClient.this) {
        record(action("get", "", namespace, name, null, null));
        return Optional.ofNullable(table(type).get(key(namespace, name)))
            .map(o -> kind.cast(KubeObjects.deepCopy(o)));
      }
    }

    private String key(String namespace, String name) {
      return type.namespaced() ? KubeObjects.key(namespace, name) : name;
    }

    @Override
    public ListPage<T> list(String namespace, ListOptions options) {
      synchronized (FakeKubeClient.this) {
        record(action("list", "", namespace, null, null, null));
        LabelSelector selector =
            LabelSelector.parse(options == null ? null : options.labelSelector());
        List<T> items = new ArrayList<>();
        for (HasMetadata o : table(type).values()) {
          if ((namespace == null || namespace.equals(o.getMetadata().getNamespace()))
              && selector.matches(o.getMetadata().getLabels())) {
            items.add(kind.cast(KubeObjects.deepCopy(o)));
          }
        }
        return new ListPage<>(items, revision, null);
      }
    }

    @Override
    public T create(T object) {
      synchronized (FakeKubeClient.this) {
        T obj = KubeObjects.deepCopy(object);
        String ns = obj.getMetadata().getNamespace();
        String name = obj.getMetadata().getName();
        record(action("create", "", ns, name, obj, null));
        if ((name == null || name.isEmpty()) && obj.getMetadata().getGenerateName() != null) {
          name = obj.getMetadata().getGenerateName() + String.format("%05d", ++names);
          obj.getMetadata().setName(name);
        }
        String key = key(ns, name);
        if (table(type).containsKey(key)) {
          throw StatusError.alreadyExists(type, name);
        }
        obj.getMetadata().setUid(nextUid());
        obj.getMetadata().setResourceVersion(String.valueOf(++revision));
        obj.getMetadata().setCreationTimestamp(Times.format(clock.now()));
        if (!(obj instanceof Pod)) {
          obj.getMetadata().setGeneration(1L);
        }
        checkOneController(obj);
        table(type).put(key, obj);
        return kind.cast(KubeObjects.deepCopy(obj));
      }
    }

    @Override
    public T update(T object) {
      return write(object, false);
    }

    @Override
    public T updateStatus(T object) {
      return write(object, true);
    }

    private T write(T object, boolean status) {
      synchronized (FakeKubeClient.this) {
        String ns = object.getMetadata().getNamespace();
        String name = object.getMetadata().getName();
        record(action("update", status ? "status" : "", ns, name, object, null));
        HasMetadata current = table(type).get(key(ns, name));
        if (current == null) {
          throw StatusError.notFound(type, name);
        }
        String rv = object.getMetadata().getResourceVersion();
        if (rv != null && !rv.isEmpty() && !rv.equals(current.getMetadata().getResourceVersion())) {
          throw StatusError.conflict(type, name);
        }
        ObjectNode next;
        if (status) {
          next = json.valueToTree(current);
          JsonNode newStatus = json.valueToTree(object).get("status");
          if (newStatus == null) {
            next.remove("status");
          } else {
            next.set("status", newStatus);
          }
        } else {
          next = json.valueToTree(object);
          JsonNode oldStatus = json.valueToTree(current).get("status");
          if (oldStatus != null) {
            next.set("status", oldStatus);
          }
        }
        return store(current, next, !status);
      }
    }

    /** Stores {@code next} over {@code current}, as the server would after a write. */
    private T store(HasMetadata current, ObjectNode next, boolean specMayChange) {
      T obj = bind(next);
      if (!Objects.equals(obj.getMetadata().getUid(), current.getMetadata().getUid())) {
        throw StatusError.invalid(
            type.kind(),
            type.group(),
            current.getMetadata().getName(),
            List.of(
                "metadata.uid: Invalid value: \""
                    + obj.getMetadata().getUid()
                    + "\": field is immutable"),
            List.of(
                new StatusError.Cause("FieldValueInvalid", "field is immutable", "metadata.uid")));
      }
      checkOneController(obj);
      obj.getMetadata().setCreationTimestamp(current.getMetadata().getCreationTimestamp());
      obj.getMetadata().setGeneration(current.getMetadata().getGeneration());
      if (specMayChange
          && current.getMetadata().getGeneration() != null
          && !Objects.equals(
              json.valueToTree(current).get("spec"), json.valueToTree(obj).get("spec"))) {
        obj.getMetadata().setGeneration(current.getMetadata().getGeneration() + 1);
      }
      obj.getMetadata().setResourceVersion(String.valueOf(++revision));
      table(type).put(KubeObjects.key(obj), obj);
      return kind.cast(KubeObjects.deepCopy(obj));
    }

    private void checkOneController(HasMetadata obj) {
      List<OwnerReference> refs = obj.getMetadata().getOwnerReferences();
      if (refs != null
          && refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).count() > 1) {
        throw StatusError.invalid(
            type.kind(),
            type.group(),
            obj.getMetadata().getName(),
            List.of(
                "metadata.ownerReferences: Invalid value: []: Only one reference can have Controller set to true"),
            List.of());
      }
    }

    private T bind(JsonNode tree) {
      try {
        return json.treeToValue(tree, kind);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public T patch(String namespace, String name, PatchType patchType, String body) {
      return doPatch(namespace, name, patchType, body, "");
    }

    @Override
    public T patchStatus(String namespace, String name, PatchType patchType, String body) {
      return doPatch(namespace, name, patchType, body, "status");
    }

    private T doPatch(String namespace, String name, PatchType patchType, String body, String sub) {
      synchronized (FakeKubeClient.this) {
        record(action("patch", sub, namespace, name, null, body));
        HasMetadata current = table(type).get(key(namespace, name));
        if (current == null) {
          throw StatusError.notFound(type, name);
        }
        JsonNode patched;
        try {
          patched =
              Patches.apply(
                  patchType,
                  json.valueToTree(current),
                  json.readTree(body),
                  type.apiVersion(),
                  type.kind());
        } catch (JsonProcessingException e) {
          throw StatusError.badRequest(e.getOriginalMessage());
        } catch (PatchException e) {
          throw StatusError.badRequest(e.getMessage());
        }
        return store(current, (ObjectNode) patched, sub.isEmpty());
      }
    }

    @Override
    public void delete(String namespace, String name, DeleteOptions options) {
      synchronized (FakeKubeClient.this) {
        record(action("delete", "", namespace, name, null, null));
        HasMetadata current = table(type).get(key(namespace, name));
        if (current == null) {
          throw StatusError.notFound(type, name);
        }
        List<String> finalizers = current.getMetadata().getFinalizers();
        if (finalizers != null && !finalizers.isEmpty()) {
          if (current.getMetadata().getDeletionTimestamp() == null) {
            current.getMetadata().setDeletionTimestamp(Times.format(clock.now()));
            current.getMetadata().setResourceVersion(String.valueOf(++revision));
          }
          return;
        }
        table(type).remove(key(namespace, name));
      }
    }

    @Override
    public Watch watch(
        String namespace, ListOptions options, long fromResourceVersion, Watcher<T> watcher) {
      throw new UnsupportedOperationException("the fake client serves no watches");
    }

    @Override
    public Scale scale(String namespace, String name) {
      throw new UnsupportedOperationException("not faked");
    }

    @Override
    public Scale updateScale(String namespace, String name, Scale scale) {
      throw new UnsupportedOperationException("not faked");
    }

    @Override
    public void createSubresource(
        String namespace, String name, String subresource, HasMetadata body) {
      throw new UnsupportedOperationException("not faked");
    }
  }
}
