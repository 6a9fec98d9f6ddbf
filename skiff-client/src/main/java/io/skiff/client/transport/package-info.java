/**
 * The transports behind {@link io.skiff.client.KubeClient}: the {@link
 * io.skiff.client.transport.Transport} SPI and {@link io.skiff.client.transport.HttpTransport},
 * configured by a {@link io.skiff.client.transport.ClientConfig} (usually read from a kubeconfig).
 * The in-process transport lives with the API server ({@code io.skiff.apiserver.inprocess}), so
 * that this module never depends on it.
 */
package io.skiff.client.transport;
