/**
 * What every controller shares: kube-controller-manager's and {@code pkg/controller}'s machinery.
 *
 * <h2>Running controllers</h2>
 *
 * <ul>
 *   <li>{@link io.skiff.controllers.runtime.ControllerContext}: the client, the shared informer
 *       factory, the clock, per-component event recorders and {@link
 *       io.skiff.controllers.runtime.ControllerOptions} (workers per controller).
 *   <li>{@link io.skiff.controllers.runtime.ControllerManager}: registers controller factories,
 *       starts the informers, waits for the caches, runs each controller's workers; optionally only
 *       while holding the leader Lease ({@link io.skiff.controllers.runtime.LeaderElector}).
 * </ul>
 *
 * <h2>Writing a controller</h2>
 *
 * <ul>
 *   <li>Extend {@link io.skiff.controllers.runtime.QueueController}: in the constructor get
 *       informers from {@code ctx.informers()}, add handlers that only queue keys, keep the
 *       listers; implement {@code sync(key)}, reading from listers only and writing copies through
 *       {@code ctx.client()}. Never change a cached object.
 *   <li>Creating or deleting many objects: {@link
 *       io.skiff.controllers.runtime.ControllerExpectations} / {@link
 *       io.skiff.controllers.runtime.UidTrackingExpectations} so a stale cache does not cause
 *       duplicates, {@link io.skiff.controllers.runtime.SlowStart} for batches, {@link
 *       io.skiff.controllers.runtime.PodControl} for pods with events.
 *   <li>Ownership: {@link io.skiff.controllers.runtime.ControllerRefManager} adopts matching
 *       orphans and releases objects that stopped matching; {@link
 *       io.skiff.controllers.runtime.ControllerRefs} reads and makes controller references.
 *   <li>Pods: {@link io.skiff.controllers.runtime.PodUtil} (ready, available, active) and {@link
 *       io.skiff.controllers.runtime.ActivePodsWithRanks} (which to delete first).
 * </ul>
 */
package io.skiff.controllers.runtime;
