package com.kivyx.ota.delta;

import java.util.Arrays;

/**
 * bsdiff's matching (Percival 2003) over a suffix array of the old file: finds exact matches, then
 * extends them forwards and backwards into approximate matches while at least half the bytes
 * agree, so shifted offsets inside bytecode become small, mostly-zero differences.
 *
 * <p>Two changes from bsdiff 4.3 keep the work linear on repetitive input: the suffix-array
 * search resumes comparisons from the common prefix of its bounds, and a long match that loses to
 * the current alignment lets the scan skip ahead instead of re-searching every byte of it.
 */
final class BsdiffMatcher {
  /** A rejected match at least this long skips the scan forward (see class comment). */
  private static final int SKIP_THRESHOLD = 256;

  private final byte[] old;
  private final byte[] cur;
  private final SuffixSearch search;
  private final int minGain;

  /**
   * @param minGain how many more bytes an exact match must cover than the current alignment
   *     already does before it starts a new control (bsdiff uses 8)
   */
  BsdiffMatcher(byte[] old, byte[] cur, int[] sa, int minGain) {
    this(new SuffixSearch(old, cur, sa), minGain);
  }

  /** A matcher that shares {@code search}'s remembered matches with other matchers of the pair. */
  BsdiffMatcher(SuffixSearch search, int minGain) {
    this.old = search.old();
    this.cur = search.cur();
    this.search = search;
    this.minGain = minGain;
  }

  /** The controls, diff block and extra bytes that rebuild {@code cur} from {@code old}. */
  record Result(int count, int[] add, int[] extra, long[] seek, byte[] diff, byte[] extraBytes) {}

  Result run(DeltaBudget.Deadline deadline) throws DeltaBudgetExceededException {
    final int oldLen = old.length;
    final int newLen = cur.length;
    Controls controls = new Controls();
    byte[] diff = new byte[newLen];
    int diffLen = 0;
    byte[] extra = new byte[newLen];
    int extraLen = 0;

    int scan = 0;
    int len = 0;
    int pos = 0;
    int lastScan = 0;
    int lastPos = 0;
    int lastOffset = 0;
    int ticks = 0;
    while (scan < newLen) {
      int oldScore = 0;
      int scsc;
      for (scsc = scan += len; scan < newLen; scan++) {
        if ((++ticks & 0xfff) == 0) {
          deadline.check("matching");
        }
        len = search.length(scan);
        pos = search.position(scan);
        for (; scsc < scan + len; scsc++) {
          if (scsc + lastOffset < oldLen && old[scsc + lastOffset] == cur[scsc]) {
            oldScore++;
          }
        }
        if ((len == oldScore && len != 0) || len > oldScore + minGain) {
          break;
        }
        if (len >= SKIP_THRESHOLD) {
          // The current alignment covers this match almost as well; searching each byte of it
          // again would cost len per byte. Skip most of it, keeping oldScore for [scan, scsc).
          int target = scan + len - SKIP_THRESHOLD / 2;
          for (; scan < target; scan++) {
            if (scan + lastOffset < oldLen && old[scan + lastOffset] == cur[scan]) {
              oldScore--;
            }
          }
        }
        if (scan + lastOffset < oldLen && old[scan + lastOffset] == cur[scan]) {
          oldScore--;
        }
      }

      if (len != oldScore || scan == newLen) {
        // Extend the previous match forwards while it stays at least half right.
        int s = 0;
        int sf = 0;
        int lenf = 0;
        for (int i = 0; lastScan + i < scan && lastPos + i < oldLen; ) {
          if (old[lastPos + i] == cur[lastScan + i]) {
            s++;
          }
          i++;
          if (s * 2 - i > sf * 2 - lenf) {
            sf = s;
            lenf = i;
          }
        }
        // Extend the new match backwards the same way.
        int lenb = 0;
        if (scan < newLen) {
          s = 0;
          int sb = 0;
          for (int i = 1; scan >= lastScan + i && pos >= i; i++) {
            if (old[pos - i] == cur[scan - i]) {
              s++;
            }
            if (s * 2 - i > sb * 2 - lenb) {
              sb = s;
              lenb = i;
            }
          }
        }
        // Where the two extensions overlap, split at the best point.
        if (lastScan + lenf > scan - lenb) {
          int overlap = (lastScan + lenf) - (scan - lenb);
          s = 0;
          int ss = 0;
          int lens = 0;
          for (int i = 0; i < overlap; i++) {
            if (cur[lastScan + lenf - overlap + i] == old[lastPos + lenf - overlap + i]) {
              s++;
            }
            if (cur[scan - lenb + i] == old[pos - lenb + i]) {
              s--;
            }
            if (s > ss) {
              ss = s;
              lens = i + 1;
            }
          }
          lenf += lens - overlap;
          lenb -= lens;
        }

        // Diff bytes as signed digits with carry (see FORMAT.md): a field that moved by a
        // constant then shows only in its low byte, not in carries that depend on old values.
        int carry = 0;
        for (int i = 0; i < lenf; i++) {
          int o = old[lastPos + i] & 0xff;
          int digit = (byte) (cur[lastScan + i] - o - carry);
          diff[diffLen + i] = (byte) digit;
          carry = (o + digit + carry) >> 8;
        }
        int extraRun = (scan - lenb) - (lastScan + lenf);
        System.arraycopy(cur, lastScan + lenf, extra, extraLen, extraRun);
        diffLen += lenf;
        extraLen += extraRun;
        long seek = (long) (pos - lenb) - (lastPos + lenf);
        controls.add(lenf, extraRun, seek);

        lastScan = scan - lenb;
        lastPos = pos - lenb;
        lastOffset = pos - scan;
      }
    }
    return new Result(
        controls.count,
        controls.add,
        controls.extra,
        controls.seek,
        Arrays.copyOf(diff, diffLen),
        Arrays.copyOf(extra, extraLen));
  }

  /** Growable control columns; zero-length controls fold their seek into the previous one. */
  private static final class Controls {
    int count;
    int[] add = new int[64];
    int[] extra = new int[64];
    long[] seek = new long[64];

    void add(int addLen, int extraLen, long seekBy) {
      if (addLen == 0 && extraLen == 0 && count > 0) {
        seek[count - 1] += seekBy;
        return;
      }
      if (count == add.length) {
        add = Arrays.copyOf(add, count * 2);
        extra = Arrays.copyOf(extra, count * 2);
        seek = Arrays.copyOf(seek, count * 2);
      }
      add[count] = addLen;
      extra[count] = extraLen;
      seek[count] = seekBy;
      count++;
    }
  }
}
