/**
 * One scheduling cycle as pure functions over a pod and the nodes' state: upstream's scheduling
 * framework ({@code pkg/scheduler/framework}) cut down to the plugins Skiff runs.
 */
package io.skiff.scheduler.framework;
