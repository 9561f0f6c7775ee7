package com.kivyx.ota.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client, in bounded memory: at most {@code maxClients} buckets; full
 * (idle) buckets are dropped when the table is full, and if that frees nothing, new clients
 * share one overflow bucket rather than growing the table.
 */
public final class TokenBuckets {
  private final double perNano;
  private final double burst;
  private final int maxClients;
  private final LongSupplier nanoTime;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final Bucket overflow;
  private volatile long nextPrune;

  public TokenBuckets(double perSecond, int burst, int maxClients, LongSupplier nanoTime) {
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.maxClients = maxClients;
    this.nanoTime = nanoTime;
    this.overflow = new Bucket(burst, nanoTime.getAsLong());
  }

  /** Takes one token for {@code client}; false means the client is over its rate. */
  public boolean tryAcquire(String client) {
    long now = nanoTime.getAsLong();
    Bucket bucket = buckets.get(client);
    if (bucket == null) {
      if (buckets.size() >= maxClients) {
        prune(now);
      }
      bucket = buckets.size() < maxClients ? buckets.computeIfAbsent(client, c -> new Bucket(burst, now)) : overflow;
    }
    return bucket.take(now, perNano, burst);
  }

  int size() {
    return buckets.size();
  }

  /** Drops buckets that have refilled completely: their clients would start full anyway. */
  private void prune(long now) {
    if (now - nextPrune < 0) {
      return; // at most once a second
    }
    nextPrune = now + 1_000_000_000L;
    buckets.values().removeIf(b -> b.isFull(now, perNano, burst));
  }

  private static final class Bucket {
    private double tokens;
    private long updated;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.updated = now;
    }

    synchronized boolean take(long now, double perNano, double burst) {
      refill(now, perNano, burst);
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }

    synchronized boolean isFull(long now, double perNano, double burst) {
      refill(now, perNano, burst);
      return tokens >= burst;
    }

    private void refill(long now, double perNano, double burst) {
      tokens = Math.min(burst, tokens + Math.max(0, now - updated) * perNano);
      updated = now;
    }
  }
}
