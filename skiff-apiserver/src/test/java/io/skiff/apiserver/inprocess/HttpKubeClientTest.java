package io.skiff.apiserver.inprocess;

import io.skiff.apiserver.ApiServer;
import io.skiff.apiserver.TestCredentials;
import io.skiff.client.KubeClient;
import io.skiff.client.KubeClientContractTest;
import io.skiff.client.transport.HttpTransport;
import io.skiff.store.memory.MemoryStore;

/**
 * The client contract over {@link HttpTransport}, against a running API server as {@code skiff up}
 * runs it: HTTPS (so HTTP/2, watches included, multiplexed on one connection) and a bearer token.
 */
class HttpKubeClientTest extends KubeClientContractTest {

  private MemoryStore store;
  private ApiServer server;

  @Override
  protected KubeClient startCluster() throws Exception {
    store = new MemoryStore();
    TestCredentials credentials = TestCredentials.get();
    server = credentials.secure(ApiServer.builder().port(0).store(store)).build().start();
    return KubeClient.over(HttpTransport.builder(credentials.clientConfig(server)).build());
  }

  @Override
  protected void compactHistory() {
    store.compact(store.currentRevision());
  }

  @Override
  protected void stopCluster() {
    server.stop();
    store.close();
  }
}
