package com.kivyx.ota.delta.bench;

import com.kivyx.ota.delta.DeltaDecoder;
import com.kivyx.ota.delta.DeltaEncoder;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Encodes one pair several times in a fresh JVM with whichever {@link DeltaEncoder} is first on
 * the class path (scripts/bench-delta puts the previous commit's classes there for the reference
 * run) and prints one line: {@code cpuMsMedian cpuMsMin cpuMsMax firstCpuMs patchBytes peakHeapMb}.
 * CPU time of this thread, as the encoder's budget counts it. Uses only the public API both
 * versions share.
 */
public final class EncodeTimer {
  private EncodeTimer() {}

  public static void main(String[] args) throws Exception {
    byte[] oldData = Files.readAllBytes(Path.of(args[0]));
    byte[] newData = Files.readAllBytes(Path.of(args[1]));
    int runs = Integer.parseInt(args[2]);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<MemoryPoolMXBean> heapPools = new ArrayList<>();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
        heapPools.add(pool);
      }
    }
    long[] cpu = new long[runs];
    byte[] patch = null;
    long peak = 0;
    for (int i = 0; i < runs; i++) {
      System.gc();
      heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
      long t0 = threads.getCurrentThreadCpuTime();
      patch = new DeltaEncoder().encode(oldData, newData);
      cpu[i] = (threads.getCurrentThreadCpuTime() - t0) / 1_000_000;
      long sum = 0;
      for (MemoryPoolMXBean pool : heapPools) {
        sum += pool.getPeakUsage().getUsed(); // pools peak at different moments: an upper bound
      }
      peak = Math.max(peak, sum);
    }
    if (!Arrays.equals(new DeltaDecoder(newData.length).apply(oldData, patch), newData)) {
      throw new IllegalStateException("the patch does not rebuild " + args[1]);
    }
    long first = cpu[0];
    Arrays.sort(cpu);
    System.out.printf(
        Locale.ROOT, "%d %d %d %d %d %d%n", cpu[runs / 2], cpu[0], cpu[runs - 1], first, patch.length, peak >> 20);
  }
}
