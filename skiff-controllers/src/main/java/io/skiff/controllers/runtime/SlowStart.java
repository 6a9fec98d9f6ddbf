package io.skiff.controllers.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Upstream's {@code slowStartBatch}: make {@code count} calls in batches of 1, 2, 4, … (each batch
 * at most what remains), the calls of a batch in parallel, and stop after the first batch in which
 * any call failed. A doomed create (a quota, an invalid template) thus costs one call, not
 * hundreds, and one event, not hundreds.
 */
public final class SlowStart {

  /** The first batch size controllers use. */
  public static final int INITIAL_BATCH_SIZE = 1;

  private SlowStart() {}

  /** One call; throws to report a failure. */
  @FunctionalInterface
  public interface Call {
    void run() throws Exception;
  }

  /**
   * How a slow start went.
   *
   * @param successes calls that returned normally
   * @param error the first failure of the last batch, or null when every call succeeded
   */
  public record Outcome(int successes, Exception error) {}

  /**
   * Makes up to {@code count} calls of {@code call}, starting with a batch of {@code
   * initialBatchSize} and doubling while whole batches succeed.
   */
  public static Outcome batch(int count, int initialBatchSize, Call call)
      throws InterruptedException {
    int remaining = count;
    int successes = 0;
    try (ExecutorService parallel = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int batch = Math.min(remaining, initialBatchSize);
          batch > 0;
          batch = Math.min(2 * batch, remaining)) {
        List<Future<?>> calls = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
          calls.add(
              parallel.submit(
                  () -> {
                    call.run();
                    return null;
                  }));
        }
        Exception firstError = null;
        for (Future<?> f : calls) {
          try {
            f.get();
            successes++;
          } catch (ExecutionException e) {
            if (firstError == null) {
              firstError =
                  e.getCause() instanceof Exception cause ? cause : new RuntimeException(e);
            }
          }
        }
        if (firstError != null) {
          return new Outcome(successes, firstError);
        }
        remaining -= batch;
      }
    }
    return new Outcome(successes, null);
  }
}
