package io.skiff.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Node ranges from the cluster CIDR and pod addresses from a node's range. */
class PodCidrsTest {

  @Test
  void nodeRangesAreTakenLowestFirstAndComeBack() {
    PodCidrs cidrs = new PodCidrs("10.244.0.0/14");
    cidrs.claim(cidrs.indexOf("10.244.1.0/24"));
    assertThat(cidrs.rangeCidr(cidrs.allocate())).isEqualTo("10.244.0.0/24");
    assertThat(cidrs.rangeCidr(cidrs.allocate())).isEqualTo("10.244.2.0/24");
    cidrs.release(0);
    assertThat(cidrs.rangeCidr(cidrs.allocate())).isEqualTo("10.244.0.0/24");
    assertThat(cidrs.rangeCidr(300)).isEqualTo("10.245.44.0/24");
    assertThat(cidrs.indexOf("10.248.0.0/24")).isEqualTo(-1);
    assertThat(cidrs.indexOf("10.244.3.0/25")).isEqualTo(-1);
  }

  @Test
  void smallClusterRangeRunsOut() {
    PodCidrs cidrs = new PodCidrs("10.1.0.0/23");
    assertThat(cidrs.allocate()).isZero();
    assertThat(cidrs.allocate()).isEqualTo(1);
    assertThat(cidrs.allocate()).isEqualTo(-1);
    assertThatThrownBy(() -> new PodCidrs("10.1.0.0/25"))
        .hasMessageContaining("smaller than one node range");
  }

  @Test
  void podAddressesGoRoundRobinFromDotTwo() {
    PodCidrs.NodeRange range = new PodCidrs.NodeRange("10.244.3.0/24");
    int first = range.allocate();
    assertThat(PodCidrs.formatIp(first)).isEqualTo("10.244.3.2");
    range.release(first);
    assertThat(PodCidrs.formatIp(range.allocate())).isEqualTo("10.244.3.3");
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 252; i++) {
      seen.add(range.allocate());
    }
    assertThat(seen).hasSize(252).doesNotContain(-1);
    assertThat(range.allocate()).isEqualTo(-1);
    assertThat(range.exhaustedMessage())
        .isEqualTo("no IP addresses available in range set: 10.244.3.1-10.244.3.254");
  }

  @Test
  void addressesOutsideIpv4AreRefused() {
    assertThatThrownBy(() -> PodCidrs.parseIp("10.0.0.256"))
        .hasMessage("invalid IP address: 10.0.0.256");
    assertThatThrownBy(() -> PodCidrs.parseCidr("10.0.0.0"))
        .hasMessage("invalid CIDR address: 10.0.0.0");
    assertThat(PodCidrs.formatIp(PodCidrs.parseIp("192.168.255.1"))).isEqualTo("192.168.255.1");
  }
}
