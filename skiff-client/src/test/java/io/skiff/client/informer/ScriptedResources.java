package io.skiff.client.informer;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.ResourceType;
import io.skiff.api.patch.PatchType;
import io.skiff.client.ListOptions;
import io.skiff.client.ListPage;
import io.skiff.client.Resources;
import io.skiff.client.Watch;
import io.skiff.client.Watcher;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Resources whose list answers a test scripts and whose watches a test drives by hand: for what a
 * real server cannot be made to do on cue (end a watch, answer 410, fail a list).
 */
final class ScriptedResources<T extends HasMetadata> implements Resources<T> {

  /** A watch the code under test opened. */
  record OpenWatch<T extends HasMetadata>(long from, Watcher<T> watcher, AtomicBoolean closed)
      implements Watch {
    @Override
    public void close() {
      closed.set(true);
    }
  }

  private final ResourceType type;
  private final BlockingQueue<Object> listAnswers = new LinkedBlockingQueue<>();
  final List<ListOptions> listCalls = new CopyOnWriteArrayList<>();
  private final BlockingQueue<OpenWatch<T>> watches = new LinkedBlockingQueue<>();

  ScriptedResources(Class<T> kind) {
    this.type =
        ResourceRegistry.builtin().all().stream()
            .filter(t -> t.type() == kind)
            .findFirst()
            .orElseThrow();
  }

  /** The next list call answers with this page. */
  void answerList(List<T> items, long resourceVersion, String continueToken) {
    listAnswers.add(new ListPage<>(items, resourceVersion, continueToken));
  }

  /** The next list call fails with this. */
  void failList(RuntimeException e) {
    listAnswers.add(e);
  }

  /** The next watch the code opens; fails the test after 10 s without one. */
  OpenWatch<T> nextWatch() throws InterruptedException {
    OpenWatch<T> w = watches.poll(10, TimeUnit.SECONDS);
    if (w == null) {
      throw new AssertionError("no watch was opened");
    }
    return w;
  }

  boolean noWatchOpened() {
    return watches.isEmpty();
  }

  @Override
  public ResourceType type() {
    return type;
  }

  @Override
  @SuppressWarnings("unchecked")
  public ListPage<T> list(String namespace, ListOptions options) {
    listCalls.add(options);
    Object answer;
    try {
      answer = listAnswers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (answer instanceof RuntimeException e) {
      throw e;
    }
    return (ListPage<T>) answer;
  }

  @Override
  public Watch watch(
      String namespace, ListOptions options, long fromResourceVersion, Watcher<T> watcher) {
    OpenWatch<T> w = new OpenWatch<>(fromResourceVersion, watcher, new AtomicBoolean());
    watches.add(w);
    return w;
  }

  @Override
  public Optional<T> get(String namespace, String name) {
    throw new UnsupportedOperationException();
  }

  @Override
  public T create(T object) {
    throw new UnsupportedOperationException();
  }

  @Override
  public T update(T object) {
    throw new UnsupportedOperationException();
  }

  @Override
  public T updateStatus(T object) {
    throw new UnsupportedOperationException();
  }

  @Override
  public T patch(String namespace, String name, PatchType patchType, String body) {
    throw new UnsupportedOperationException();
  }

  @Override
  public T patchStatus(String namespace, String name, PatchType patchType, String body) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void delete(String namespace, String name, DeleteOptions options) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Scale scale(String namespace, String name) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Scale updateScale(String namespace, String name, Scale scale) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void createSubresource(
      String namespace, String name, String subresource, HasMetadata body) {
    throw new UnsupportedOperationException();
  }
}
