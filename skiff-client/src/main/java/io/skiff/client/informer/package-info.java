/**
 * Shared informers: caches of API objects kept current by list and watch, with indexes, listers and
 * change notifications (client-go's tools/cache). Start with {@link
 * io.skiff.client.informer.SharedInformerFactory}.
 *
 * <p><b>Cached objects are shared and must never be changed.</b> Handlers and listers hand out the
 * cache's own instances; copy ({@link io.skiff.client.KubeObjects#deepCopy}, or the fabric8
 * builder's {@code edit()}) before changing anything, then write the copy through the client.
 */
package io.skiff.client.informer;
