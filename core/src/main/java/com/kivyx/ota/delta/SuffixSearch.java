package com.kivyx.ota.delta;

import java.util.Arrays;

/**
 * Longest match of each position of the new file in the old one, by binary search of the old
 * file's suffix array. Answers are remembered, so matcher runs with different thresholds over the
 * same pair search each position once.
 */
final class SuffixSearch {
  private final byte[] old;
  private final byte[] cur;
  private final int[] sa;
  /** Match length per new-file position, -1 until searched. */
  private final int[] lengths;
  private final int[] positions;

  SuffixSearch(byte[] old, byte[] cur, int[] sa) {
    this.old = old;
    this.cur = cur;
    this.sa = sa;
    this.lengths = new int[cur.length];
    this.positions = new int[cur.length];
    Arrays.fill(lengths, -1);
  }

  /** Bytes of heap the remembered answers take for a new file of {@code newSize} bytes. */
  static long memoryEstimate(long newSize) {
    return 8 * newSize;
  }

  byte[] old() {
    return old;
  }

  byte[] cur() {
    return cur;
  }

  /** Length of the longest prefix of {@code cur[scan..]} found in the old file. */
  int length(int scan) {
    int l = lengths[scan];
    if (l < 0) {
      l = search(scan);
    }
    return l;
  }

  /** The old offset of that longest match (call {@link #length} first). */
  int position(int scan) {
    return positions[scan];
  }

  private int search(int scan) {
    int lo = 0;
    int hi = sa.length - 1;
    int lcpLo = matchLen(sa[lo], scan, 0);
    int lcpHi = matchLen(sa[hi], scan, 0);
    while (hi - lo >= 2) {
      int mid = (lo + hi) >>> 1;
      int p = sa[mid];
      int l = matchLen(p, scan, Math.min(lcpLo, lcpHi));
      boolean oldLess;
      if (scan + l == cur.length) {
        oldLess = false;
      } else if (p + l == old.length) {
        oldLess = true;
      } else {
        oldLess = (old[p + l] & 0xff) < (cur[scan + l] & 0xff);
      }
      if (oldLess) {
        lo = mid;
        lcpLo = l;
      } else {
        hi = mid;
        lcpHi = l;
      }
    }
    int len;
    if (lcpLo > lcpHi) {
      positions[scan] = sa[lo];
      len = lcpLo;
    } else {
      positions[scan] = sa[hi];
      len = lcpHi;
    }
    lengths[scan] = len;
    return len;
  }

  private int matchLen(int oldPos, int scan, int from) {
    int max = Math.min(old.length - oldPos, cur.length - scan);
    int l = from;
    while (l < max && old[oldPos + l] == cur[scan + l]) {
      l++;
    }
    return l;
  }
}
