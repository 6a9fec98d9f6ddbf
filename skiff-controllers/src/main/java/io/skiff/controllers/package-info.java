/**
 * The control loops of kube-controller-manager, one package per controller, over shared informers
 * and rate-limited work queues from {@code skiff-client}; {@code runtime} holds what they share.
 */
package io.skiff.controllers;
