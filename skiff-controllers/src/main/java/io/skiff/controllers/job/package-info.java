/**
 * The Job controller (upstream's {@code pkg/controller/job}): {@link
 * io.skiff.controllers.job.JobController} runs a Job's pods to completion and counts them through
 * the {@code batch.kubernetes.io/job-tracking} finalizer; {@link io.skiff.controllers.job.JobUtil}
 * holds the conditions, backoff and pod helpers the CronJob and TTL controllers share.
 */
package io.skiff.controllers.job;
