/**
 * The CronJob controller (upstream's {@code pkg/controller/cronjob}, v2): schedules parsed by
 * cron-utils with upstream's descriptors and time zones, start times computed on the injected
 * clock, one Job per start time.
 */
package io.skiff.controllers.cronjob;
