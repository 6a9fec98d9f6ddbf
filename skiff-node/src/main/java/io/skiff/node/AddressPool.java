package io.skiff.node;

import java.util.BitSet;

/** Node addresses (InternalIP), lowest free first, from {@code 172.18.0.2} as kind's network. */
final class AddressPool {

  private static final int BASE = PodCidrs.parseIp("172.18.0.0");
  private static final int FIRST = 2;
  private static final int LAST = 65_534;

  private final BitSet used = new BitSet();

  /** The lowest free address, now taken; 0 when none is left. */
  synchronized int allocate() {
    int offset = used.nextClearBit(FIRST);
    if (offset > LAST) {
      return 0;
    }
    used.set(offset);
    return BASE + offset;
  }

  /** Marks {@code ip} as taken when it is one of the pool's. */
  synchronized boolean claim(int ip) {
    int offset = ip - BASE;
    if (offset < FIRST || offset > LAST) {
      return false;
    }
    used.set(offset);
    return true;
  }

  synchronized void release(int ip) {
    int offset = ip - BASE;
    if (offset >= FIRST && offset <= LAST) {
      used.clear(offset);
    }
  }
}
