package com.kivyx.ota.delta;

import java.util.Objects;

/**
 * Creates kvxd1 patches: bsdiff matching over an SA-IS suffix array, written as separate
 * sections (controls, diff runs, diff bytes, extra bytes) inside one Brotli stream. Instances are
 * immutable and thread-safe.
 */
public final class DeltaEncoder {
  /**
   * Thresholds for starting a new match (bsdiff uses 8). Which is best depends on the pair: 4 on
   * bytecode compiled on its own, 6 on bytecode compiled against its base; both are tried.
   */
  static final int[] DEFAULT_MIN_GAINS = {4, 6};

  /**
   * Quality of the trial compressions that pick among the matchings; at quality 7 the smallest
   * trial was the smallest final patch on every pair of the corpus, at a few percent of the cost.
   */
  static final int TRIAL_QUALITY = 7;

  /**
   * Diff blocks up to this size are also tried as one raw block (Brotli quality 11 costs about
   * 2.5 µs a byte, so a 1.7 MB block costs more than the rest of the encode put together).
   */
  static final int RAW_LAYOUT_MAX_DIFF = 256 << 10;

  /** Zero gaps shorter than this inside the diff block stay inside the literal run. */
  static final int DEFAULT_MIN_ZERO_RUN = 1;

  private final DeltaBudget budget;
  private final int[] minGains;
  private final int minZeroRun;

  public DeltaEncoder() {
    this(DeltaBudget.DEFAULT);
  }

  public DeltaEncoder(DeltaBudget budget) {
    this(budget, DEFAULT_MIN_GAINS, DEFAULT_MIN_ZERO_RUN);
  }

  DeltaEncoder(DeltaBudget budget, int[] minGains, int minZeroRun) {
    this.budget = Objects.requireNonNull(budget, "budget");
    if (minGains.length == 0) {
      throw new IllegalArgumentException("at least one minGain");
    }
    this.minGains = minGains.clone();
    this.minZeroRun = minZeroRun;
  }

  /** Bytes of memory an encode of these sizes is estimated to need (checked against the budget). */
  public static long memoryEstimate(long oldSize, long newSize) {
    long heap =
        oldSize
            + newSize // the inputs themselves
            + SuffixArray.memoryEstimate(oldSize)
            + SuffixSearch.memoryEstimate(newSize)
            + 3 * newSize // the second matching's diff, extra bytes and controls
            + 3 * newSize // diff block, extra bytes, control columns (bounded by new size)
            + 3 * newSize; // sections, payload and compressed output
    // Brotli q11 (native): binary-tree hasher of 8 bytes a window position, ring buffer, etc.
    long brotli = 10 * Math.min(maxPayload(newSize), 1L << Kvxd1.BROTLI_LGWIN) + (32L << 20);
    return heap + brotli;
  }

  private static long maxPayload(long newSize) {
    return Kvxd1.maxSectionsTotal(newSize) + 128;
  }

  /**
   * Returns a kvxd1 patch that turns {@code oldData} into {@code newData}.
   *
   * @throws DeltaBudgetExceededException when the budget's time or memory estimate is exceeded
   */
  public byte[] encode(byte[] oldData, byte[] newData) throws DeltaBudgetExceededException {
    Objects.requireNonNull(oldData, "oldData");
    Objects.requireNonNull(newData, "newData");
    long estimate = memoryEstimate(oldData.length, newData.length);
    if (estimate > budget.maxMemoryBytes()) {
      throw new DeltaBudgetExceededException(
          "delta encoding of a "
              + oldData.length
              + "-byte old and "
              + newData.length
              + "-byte new file needs about "
              + (estimate >> 20)
              + " MB, over its memory budget of "
              + (budget.maxMemoryBytes() >> 20)
              + " MB; publish without a delta or raise the budget");
    }
    if (oldData.length > Kvxd1.MAX_FILE_SIZE || newData.length > Kvxd1.MAX_FILE_SIZE) {
      throw new IllegalArgumentException("kvxd1 handles files up to 2 GB");
    }
    DeltaBudget.Deadline deadline = budget.startNow();
    deadline.check("start");
    SuffixSearch search = new SuffixSearch(oldData, newData, SuffixArray.build(oldData));
    deadline.check("suffix sorting");
    // One matching per threshold; a cheap trial compression of each picks the one to keep.
    BsdiffMatcher.Result match = null;
    byte[] payload = null;
    int trialSize = Integer.MAX_VALUE;
    for (int minGain : minGains) {
      BsdiffMatcher.Result candidate = new BsdiffMatcher(search, minGain).run(deadline);
      byte[] candidatePayload = payload(oldData, newData, candidate, minZeroRun);
      int size = minGains.length == 1 ? 0 : Brotli.compress(candidatePayload, TRIAL_QUALITY).length;
      deadline.check("matching");
      if (size < trialSize) {
        match = candidate;
        payload = candidatePayload;
        trialSize = size;
      }
    }
    search = null; // let the suffix array go before Brotli's buffers are made

    byte[] best = Brotli.compress(payload);
    deadline.check("compression");
    // Dense diffs (recompiled bytecode) can compress better as one raw block, where Brotli
    // models the zeros too; worth its cost on small diffs only (see RAW_LAYOUT_MAX_DIFF).
    if (match.diff().length <= RAW_LAYOUT_MAX_DIFF && !deadline.pastHalf()) {
      byte[] raw = Brotli.compress(payload(oldData, newData, match, Integer.MAX_VALUE));
      deadline.check("compression");
      if (raw.length < best.length) {
        best = raw;
      }
    }
    return best;
  }

  private static byte[] payload(
      byte[] oldData, byte[] newData, BsdiffMatcher.Result match, int minZeroRun) {
    // Column by column: like values next to each other compress better than interleaved triples.
    ByteSink controls = new ByteSink(match.count() * 6 + 8);
    controls.putVarint(match.count());
    for (int i = 0; i < match.count(); i++) {
      controls.putVarint(match.add()[i]);
    }
    for (int i = 0; i < match.count(); i++) {
      controls.putVarint(match.extra()[i]);
    }
    for (int i = 0; i < match.count(); i++) {
      controls.putSignedVarint(match.seek()[i]);
    }
    byte[] diff = match.diff();
    ByteSink runs = new ByteSink(1024);
    ByteSink literals = new ByteSink(1024);
    int i = 0;
    while (true) {
      int zeroStart = i;
      while (i < diff.length && diff[i] == 0) {
        i++;
      }
      if (i == diff.length) {
        break; // trailing zeros are implied
      }
      int litStart = i;
      // Keep short zero gaps inside the literal run: a new run pair would cost more than they do.
      while (i < diff.length) {
        if (diff[i] != 0) {
          i++;
          continue;
        }
        int z = i;
        while (z < diff.length && diff[z] == 0 && z - i < minZeroRun) { // i < z: no overflow
          z++;
        }
        if (z < diff.length && z - i < minZeroRun) {
          i = z;
        } else {
          break;
        }
      }
      runs.putVarint(litStart - zeroStart);
      runs.putVarint(i - litStart);
      literals.put(diff, litStart, i - litStart);
    }
    byte[] extra = match.extraBytes();
    long total = (long) controls.length() + runs.length() + literals.length() + extra.length;
    if (total > Kvxd1.maxSectionsTotal(newData.length)) {
      // Unrelated files: one control that copies the whole new file is smaller and in bounds.
      controls = new ByteSink(16);
      controls.putVarint(1);
      controls.putVarint(0);
      controls.putVarint(newData.length);
      controls.putSignedVarint(0);
      runs = new ByteSink(16);
      literals = new ByteSink(16);
      extra = newData;
    }

    ByteSink out = new ByteSink((int) Math.min(Integer.MAX_VALUE - 64, total + 128));
    out.put(Kvxd1.MAGIC, 0, Kvxd1.MAGIC.length);
    out.put(Kvxd1.VERSION);
    out.putVarint(oldData.length);
    out.putVarint(newData.length);
    byte[] oldSha = Kvxd1.sha256(oldData);
    byte[] newSha = Kvxd1.sha256(newData);
    out.put(oldSha, 0, oldSha.length);
    out.put(newSha, 0, newSha.length);
    out.putVarint(controls.length());
    out.putVarint(runs.length());
    out.putVarint(literals.length());
    out.putVarint(extra.length);
    out.put(controls);
    out.put(runs);
    out.put(literals);
    out.put(extra, 0, extra.length);
    return out.toByteArray();
  }
}
