package io.skiff.client;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies a model object one level deep: a new instance of its class whose fields hold the same
 * values (the same nested objects, lists and maps). For a variant of an object that nobody changes
 * (a cached one), made by replacing some of its fields: the watch cache's tombstone differs from
 * the cached object only in its metadata's resourceVersion; a kubelet's next pod status keeps the
 * parts of the current one it does not own. A full copy (JSON, or fabric8's builders, which copy
 * deeply) costs as much as decoding the object; fabric8's model classes have no clone.
 */
public final class ShallowCopy {

  private ShallowCopy() {}

  private record Shape(Constructor<?> constructor, Field[] fields) {}

  private static final ClassValue<Shape> SHAPES =
      new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
          try {
            Constructor<?> constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            List<Field> fields = new ArrayList<>();
            for (Class<?> c = type; c != Object.class; c = c.getSuperclass()) {
              for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                  f.setAccessible(true);
                  fields.add(f);
                }
              }
            }
            return new Shape(constructor, fields.toArray(Field[]::new));
          } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(
                type.getName() + " has no no-argument constructor", e);
          }
        }
      };

  /** A new {@code obj} of the same class sharing every field's value with it. */
  public static <T> T of(T obj) {
    Shape shape = SHAPES.get(obj.getClass());
    try {
      @SuppressWarnings("unchecked")
      T copy = (T) shape.constructor.newInstance();
      for (Field f : shape.fields) {
        f.set(copy, f.get(obj));
      }
      return copy;
    } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot copy a " + obj.getClass().getName(), e);
    }
  }
}
