package io.querysub.engine.bench;

import io.querysub.engine.store.Store;

/**
 * Moves the golden horizon every {@value #EVERY} calls, so a benchmark's open history stays at
 * about the store's {@code maxChangeAge} instead of growing for the whole run. Its cost is part of
 * the measured throughput, as it is part of a node's work. One per benchmark thread.
 */
final class Golden {
  static final int EVERY = 8192;
  private int calls;

  void tick(Store store) {
    if (++calls == EVERY) {
      calls = 0;
      store.advanceGolden();
    }
  }
}
