/**
 * The filters and scores of upstream's default profile that Skiff runs, each a pure function of a
 * pod and a node (or the feasible nodes), with upstream's failure texts and score arithmetic.
 */
package io.skiff.scheduler.plugins;
