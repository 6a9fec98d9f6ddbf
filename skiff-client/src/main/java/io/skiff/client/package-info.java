/**
 * The client control loops use to talk to the Kubernetes API, client-go's counterpart: {@link
 * io.skiff.client.KubeClient} and its typed {@link io.skiff.client.Resources}, over a {@link
 * io.skiff.client.transport.Transport} (in-process or HTTP); shared informers in {@code
 * io.skiff.client.informer}; rate-limited work queues in {@code io.skiff.client.workqueue}.
 *
 * <p>Objects the client returns are new and the caller's; objects from informer caches are shared
 * and must be copied before they are changed.
 */
package io.skiff.client;
