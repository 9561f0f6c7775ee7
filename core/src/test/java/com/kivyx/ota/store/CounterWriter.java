package com.kivyx.ota.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A writer that adds one to a counter kept in the store, {@code n} times, each time by
 * read → compare-and-swap, retrying only when its swap is refused. Every lost update shows up
 * as a final count below the number of increments. Also runs as its own process ({@link #main}).
 */
final class CounterWriter {
  static final String KEY = "apps/a/ios/prod/index.cose";

  private final ArtifactStore store;

  CounterWriter(ArtifactStore store) {
    this.store = store;
  }

  /** Adds {@code n} and returns how many swaps were refused on the way. */
  int increment(int n) {
    int refused = 0;
    for (int i = 0; i < n; i++) {
      while (true) {
        Optional<StoredObject> current = store.read(KEY);
        int value = current.map(CounterWriter::value).orElse(0);
        byte[] next = Integer.toString(value + 1).getBytes(StandardCharsets.UTF_8);
        if (store.compareAndSwap(KEY, next, current.map(StoredObject::etag), "text/plain")) {
          break;
        }
        refused++;
      }
    }
    return refused;
  }

  static int value(StoredObject object) {
    return Integer.parseInt(new String(object.bytes(), StandardCharsets.UTF_8));
  }

  /** {@code CounterWriter ROOT N}: waits for a line on stdin (the start signal), then adds N. */
  public static void main(String[] args) throws Exception {
    DirectoryStore store = new DirectoryStore(Path.of(args[0]));
    int n = Integer.parseInt(args[1]);
    System.out.println("ready");
    System.out.flush();
    if (System.in.read() < 0) {
      throw new IllegalStateException("no start signal");
    }
    new CounterWriter(store).increment(n);
    System.out.println("done");
  }
}
