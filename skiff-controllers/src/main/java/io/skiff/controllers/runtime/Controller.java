package io.skiff.controllers.runtime;

/**
 * A control loop that {@link ControllerManager} runs. It is made (and registers its informer
 * handlers) before the informers start; {@link #run} is called once the caches have synced; {@link
 * #shutDown} stops it. Most controllers extend {@link QueueController}.
 */
public interface Controller {

  /** The controller's name, as kube-controller-manager's {@code --controllers} flag spells it. */
  String name();

  /** Starts {@code workers} workers; returns at once. */
  void run(int workers);

  /** Stops taking work and waits for the running syncs to finish. */
  void shutDown() throws InterruptedException;
}
