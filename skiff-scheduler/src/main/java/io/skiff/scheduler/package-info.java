/**
 * The scheduler: binds pending pods to nodes through the {@code binding} subresource, as
 * kube-scheduler does. {@link io.skiff.scheduler.Scheduler} is the entry point; {@link
 * io.skiff.scheduler.framework} holds the per-cycle logic (filters, scores, the failure message)
 * and {@link io.skiff.scheduler.plugins} the filters and scores themselves.
 */
package io.skiff.scheduler;
