package io.skiff.node;

import java.util.BitSet;

/**
 * The cluster's pod address space, cut into one /24 per node as kube-controller-manager's range
 * allocator does ({@code --cluster-cidr}, {@code --node-cidr-mask-size=24}), and each node's /24
 * handed out to pods as the host-local IPAM plugin does: round robin from {@code .2}, so that an
 * address just freed is not reused at once.
 */
final class PodCidrs {

  /** Hosts per node range: .2 to .254 of a /24 (.1 is the node's bridge). */
  private static final int FIRST_HOST = 2;

  private static final int LAST_HOST = 254;

  private final int base;
  private final int ranges;
  private final BitSet used = new BitSet();

  PodCidrs(String clusterCidr) {
    int[] parsed = parseCidr(clusterCidr);
    if (parsed[1] > 24) {
      throw new IllegalArgumentException(
          "cluster CIDR " + clusterCidr + " is smaller than one node range (/24)");
    }
    this.base = parsed[0];
    this.ranges = 1 << (24 - parsed[1]);
  }

  /** {address, prefix length} of an IPv4 CIDR, the address masked to its prefix. */
  static int[] parseCidr(String cidr) {
    if (cidr == null) {
      throw new IllegalArgumentException("no CIDR");
    }
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("invalid CIDR address: " + cidr);
    }
    int prefix;
    try {
      prefix = Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid CIDR address: " + cidr, e);
    }
    if (prefix < 0 || prefix > 32) {
      throw new IllegalArgumentException("invalid CIDR address: " + cidr);
    }
    int address = parseIp(cidr.substring(0, slash));
    int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
    return new int[] {address & mask, prefix};
  }

  static int parseIp(String ip) {
    String[] parts = ip.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("invalid IP address: " + ip);
    }
    int out = 0;
    for (String p : parts) {
      int v;
      try {
        v = Integer.parseInt(p);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid IP address: " + ip, e);
      }
      if (v < 0 || v > 255 || p.length() > 3) {
        throw new IllegalArgumentException("invalid IP address: " + ip);
      }
      out = out << 8 | v;
    }
    return out;
  }

  static String formatIp(int ip) {
    return (ip >>> 24) + "." + (ip >>> 16 & 255) + "." + (ip >>> 8 & 255) + "." + (ip & 255);
  }

  /** The CIDR of node range {@code index}. */
  String rangeCidr(int index) {
    return formatIp(base + (index << 8)) + "/24";
  }

  /** The index of {@code cidr} if it is one of this space's node ranges, else -1. */
  int indexOf(String cidr) {
    int[] parsed;
    try {
      parsed = parseCidr(cidr);
    } catch (IllegalArgumentException e) {
      return -1;
    }
    int offset = parsed[0] - base;
    if (parsed[1] != 24 || offset < 0 || (offset >>> 8) >= ranges) {
      return -1;
    }
    return offset >>> 8;
  }

  /** Marks a range as taken (a node that already has it). */
  synchronized void claim(int index) {
    if (index >= 0) {
      used.set(index);
    }
  }

  synchronized void release(int index) {
    if (index >= 0) {
      used.clear(index);
    }
  }

  /** The lowest free range, now taken; -1 when the space is exhausted. */
  synchronized int allocate() {
    int index = used.nextClearBit(0);
    if (index >= ranges) {
      return -1;
    }
    used.set(index);
    return index;
  }

  /** The pod addresses of one node's range. */
  static final class NodeRange {
    private final int network;
    private final String cidr;
    private final BitSet used = new BitSet(LAST_HOST + 1);
    private int cursor = FIRST_HOST - 1;

    NodeRange(String cidr) {
      int[] parsed = parseCidr(cidr);
      if (parsed[1] != 24) {
        throw new IllegalArgumentException("pod CIDR " + cidr + " is not a /24");
      }
      this.network = parsed[0];
      this.cidr = cidr;
    }

    String cidr() {
      return cidr;
    }

    /** The next free address after the last one handed out; -1 when all are taken. */
    synchronized int allocate() {
      for (int i = 0; i < LAST_HOST - FIRST_HOST + 1; i++) {
        cursor = cursor >= LAST_HOST ? FIRST_HOST : cursor + 1;
        if (!used.get(cursor)) {
          used.set(cursor);
          return network + cursor;
        }
      }
      return -1;
    }

    /** Marks {@code ip} as taken if it is in this range (a pod that already has it). */
    synchronized boolean claim(int ip) {
      int host = ip - network;
      if (host < FIRST_HOST || host > LAST_HOST || used.get(host)) {
        return false;
      }
      used.set(host);
      return true;
    }

    synchronized void release(int ip) {
      int host = ip - network;
      if (host >= FIRST_HOST && host <= LAST_HOST) {
        used.clear(host);
      }
    }

    /** The message the host-local plugin gives when the range is full. */
    String exhaustedMessage() {
      return "no IP addresses available in range set: "
          + formatIp(network + 1)
          + "-"
          + formatIp(network + LAST_HOST);
    }
  }
}
