package io.skiff.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Copies of fabric8 model objects made field by field, as upstream's generated {@code DeepCopy}
 * functions make them: no JSON and no builders. fabric8's model classes have no clone; copying
 * through JSON costs a parse, and through a builder an intermediate builder per nested object, with
 * code of its own per model class for the JIT to compile. Here one reflective walk, its shape
 * looked up once per class, serves every kind.
 */
public final class ModelCopy {

  private ModelCopy() {}

  private record Shape(MethodHandle constructor, VarHandle[] fields) {}

  private static final ClassValue<Shape> SHAPES =
      new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
          try {
            MethodHandle constructor =
                MethodHandles.privateLookupIn(type, MethodHandles.lookup())
                    .findConstructor(type, MethodType.methodType(void.class))
                    .asType(MethodType.methodType(Object.class));
            List<VarHandle> fields = new ArrayList<>();
            for (Class<?> c = type; c != Object.class; c = c.getSuperclass()) {
              MethodHandles.Lookup lookup =
                  MethodHandles.privateLookupIn(c, MethodHandles.lookup());
              for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                  fields.add(lookup.unreflectVarHandle(f));
                }
              }
            }
            return new Shape(constructor, fields.toArray(VarHandle[]::new));
          } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(
                type.getName() + " has no no-argument constructor", e);
          } catch (IllegalAccessException e) {
            throw new IllegalArgumentException("cannot reach the fields of " + type.getName(), e);
          }
        }
      };

  /**
   * A new {@code obj} of the same class sharing every field's value with it (the same nested
   * objects, lists and maps): for a variant of an object nobody changes (a cached one), made by
   * replacing some of its fields. The watch cache's tombstone differs from the cached object only
   * in its metadata's resourceVersion; a kubelet's next pod status keeps the parts of the current
   * one it does not own.
   */
  public static <T extends KubernetesResource> T shallow(T obj) {
    Shape shape = SHAPES.get(obj.getClass());
    Object copy = instantiate(shape, obj);
    for (VarHandle f : shape.fields) {
      f.set(copy, f.get(obj));
    }
    @SuppressWarnings("unchecked")
    T typed = (T) copy;
    return typed;
  }

  /**
   * A copy to change: every nested model object, list, map, byte array and JSON tree is new; only
   * immutable values (strings, numbers, booleans, enums, {@code java.time} values) are shared.
   * Lists, sets and maps come back as {@code ArrayList}, {@code LinkedHashSet} and {@code
   * LinkedHashMap}, in the same order, as decoding would give them.
   *
   * @throws IllegalArgumentException for a value that is none of these and not of fabric8's model
   */
  public static <T> T deep(T obj) {
    @SuppressWarnings("unchecked")
    T copy = (T) copyValue(obj);
    return copy;
  }

  private static Object copyValue(Object v) {
    return v == null ? null : COPIERS.get(v.getClass()).apply(v);
  }

  /** How to copy a value of each class, decided once per class. */
  private static final ClassValue<UnaryOperator<Object>> COPIERS =
      new ClassValue<>() {
        @Override
        protected UnaryOperator<Object> computeValue(Class<?> type) {
          if (IMMUTABLE.contains(type)
              || Enum.class.isAssignableFrom(type)
              // fabric8's Duration holds a java.time.Duration; every java.time value is immutable.
              || type.getPackageName().equals("java.time")) {
            return UnaryOperator.identity();
          }
          if (List.class.isAssignableFrom(type)) {
            return ModelCopy::copyList;
          }
          if (Map.class.isAssignableFrom(type)) {
            return ModelCopy::copyMap;
          }
          if (Set.class.isAssignableFrom(type)) {
            return ModelCopy::copySet;
          }
          if (type == byte[].class) {
            return v -> ((byte[]) v).clone();
          }
          if (JsonNode.class.isAssignableFrom(type)) {
            return v -> ((JsonNode) v).deepCopy();
          }
          // fabric8's model: the API types, and values such as Quantity and IntOrString that are
          // not resources themselves but are as mutable.
          if (KubernetesResource.class.isAssignableFrom(type)
              || type.getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return ModelCopy::copyModel;
          }
          return REFUSE;
        }
      };

  private static final UnaryOperator<Object> REFUSE =
      v -> {
        throw new IllegalArgumentException(
            "cannot copy a " + v.getClass().getName() + ": not a fabric8 model value");
      };

  /** Whether {@link #deep} copies values of {@code type} (or shares them, being immutable). */
  static boolean copies(Class<?> type) {
    return COPIERS.get(type) != REFUSE;
  }

  private static final Set<Class<?>> IMMUTABLE =
      Set.of(
          String.class,
          Boolean.class,
          Integer.class,
          Long.class,
          Double.class,
          Float.class,
          Short.class,
          Byte.class,
          Character.class,
          BigDecimal.class,
          BigInteger.class);

  private static Object copyList(Object v) {
    List<?> list = (List<?>) v;
    return copyItems(list, new ArrayList<>(list.size()));
  }

  private static Object copyItems(List<?> from, List<Object> into) {
    for (Object item : from) {
      into.add(copyValue(item));
    }
    return into;
  }

  private static Object copyMap(Object v) {
    Map<?, ?> map = (Map<?, ?>) v;
    return copyEntries(map, LinkedHashMap.newLinkedHashMap(map.size()));
  }

  private static Object copyEntries(Map<?, ?> from, Map<Object, Object> into) {
    for (Map.Entry<?, ?> e : from.entrySet()) {
      into.put(e.getKey(), copyValue(e.getValue()));
    }
    return into;
  }

  private static Object copySet(Object v) {
    Set<?> set = (Set<?>) v;
    Set<Object> copy = LinkedHashSet.newLinkedHashSet(set.size());
    for (Object item : set) {
      copy.add(copyValue(item));
    }
    return copy;
  }

  private static Object copyModel(Object obj) {
    Shape shape = SHAPES.get(obj.getClass());
    Object copy = instantiate(shape, obj);
    for (VarHandle f : shape.fields) {
      Object value = f.get(obj);
      if (!fillInitial(f.get(copy), value)) {
        f.set(copy, copyValue(value));
      }
    }
    return copy;
  }

  /**
   * Copies {@code value}'s items into {@code initial}, the empty list or map that the constructor
   * gave the copy's field, if they are of the kind a copy would be: fabric8's constructors give
   * every object an {@code additionalProperties} map and most their lists, and replacing them was a
   * third of the maps that a 10,000-pod create allocated.
   */
  @SuppressWarnings("unchecked")
  private static boolean fillInitial(Object initial, Object value) {
    if (value instanceof Map<?, ?> map
        && initial instanceof Map<?, ?> target
        && target.getClass() == LinkedHashMap.class
        && target.isEmpty()) {
      copyEntries(map, (Map<Object, Object>) target);
      return true;
    }
    if (value instanceof List<?> list
        && initial instanceof List<?> target
        && target.getClass() == ArrayList.class
        && target.isEmpty()) {
      ((ArrayList<Object>) target).ensureCapacity(list.size());
      copyItems(list, (List<Object>) target);
      return true;
    }
    return false;
  }

  private static Object instantiate(Shape shape, Object obj) {
    try {
      return (Object) shape.constructor.invokeExact();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("cannot copy a " + obj.getClass().getName(), e);
    }
  }
}
