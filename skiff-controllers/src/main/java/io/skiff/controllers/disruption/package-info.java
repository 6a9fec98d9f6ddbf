/**
 * The disruption controller ({@link io.skiff.controllers.disruption.DisruptionController}): keeps
 * every PodDisruptionBudget's status, which the eviction subresource reads and decrements.
 */
package io.skiff.controllers.disruption;
