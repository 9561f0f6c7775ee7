package com.kivyx.ota.delta;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of the thread that created it, in nanoseconds; wall-clock time where the JVM cannot
 * measure thread CPU time (then a loaded machine can still cut an encode short).
 */
final class ThreadCpuClock {
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final long threadId = Thread.currentThread().getId();
  private final boolean cpuTime = threads.isThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled();

  long nanos() {
    if (cpuTime) {
      long t = threads.getThreadCpuTime(threadId);
      if (t >= 0) {
        return t;
      }
    }
    return System.nanoTime();
  }
}
