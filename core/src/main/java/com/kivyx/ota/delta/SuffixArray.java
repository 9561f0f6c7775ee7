package com.kivyx.ota.delta;

import java.util.Arrays;

/**
 * Suffix array by SA-IS (Nong, Zhang, Chan 2009): linear time whatever the input, so repetitive
 * bundles (long runs, repeated tables) cost no more than ordinary ones.
 */
final class SuffixArray {
  private SuffixArray() {}

  /**
   * Returns the suffix array of {@code data} with the empty suffix first: {@code n + 1} entries,
   * entry 0 is {@code n}, the rest are the start offsets of the suffixes in ascending order.
   */
  static int[] build(byte[] data) {
    int n = data.length;
    if (n == 0) {
      return new int[] {0};
    }
    int[] s = new int[n + 1];
    for (int i = 0; i < n; i++) {
      s[i] = (data[i] & 0xff) + 1; // 0 is kept for the unique sentinel that ends the text
    }
    int[] sa = new int[n + 1];
    sais(s, sa, n + 1, 257);
    return sa;
  }

  /** Bytes of heap {@link #build} needs for an input of {@code n} bytes (for budget estimates). */
  static long memoryEstimate(long n) {
    // s and sa (4n each), types (n), recursion at most half the size again with its own arrays.
    return 4 * (n + 1) * 2 + n + 7 * (n / 2 + 1) + 4096;
  }

  private static void sais(int[] s, int[] sa, int n, int k) {
    boolean[] stype = new boolean[n];
    stype[n - 1] = true;
    for (int i = n - 2; i >= 0; i--) {
      stype[i] = s[i] < s[i + 1] || (s[i] == s[i + 1] && stype[i + 1]);
    }
    int[] bkt = new int[k];

    // Stage 1: sort the LMS substrings by induction from their bucket ends.
    bucketEnds(s, bkt, n, k);
    Arrays.fill(sa, 0, n, -1);
    for (int i = 1; i < n; i++) {
      if (isLms(stype, i)) {
        sa[--bkt[s[i]]] = i;
      }
    }
    induceL(s, sa, stype, bkt, n, k);
    induceS(s, sa, stype, bkt, n, k);

    int n1 = 0;
    for (int i = 0; i < n; i++) {
      if (isLms(stype, sa[i])) {
        sa[n1++] = sa[i];
      }
    }
    // Name the LMS substrings; equal substrings get equal names.
    Arrays.fill(sa, n1, n, -1);
    int name = 0;
    int prev = -1;
    for (int i = 0; i < n1; i++) {
      int pos = sa[i];
      boolean diff = false;
      for (int d = 0; d < n; d++) {
        if (prev == -1
            || pos + d >= n
            || prev + d >= n
            || s[pos + d] != s[prev + d]
            || stype[pos + d] != stype[prev + d]) {
          diff = true;
          break;
        } else if (d > 0 && (isLms(stype, pos + d) || isLms(stype, prev + d))) {
          break;
        }
      }
      if (diff) {
        name++;
        prev = pos;
      }
      sa[n1 + (pos >> 1)] = name - 1;
    }
    int[] s1 = new int[n1];
    for (int i = n - 1, j = n1 - 1; i >= n1 && j >= 0; i--) {
      if (sa[i] >= 0) {
        s1[j--] = sa[i];
      }
    }

    // Stage 2: sort the reduced string, recursively if names are not yet unique.
    int[] sa1 = new int[n1];
    if (name < n1) {
      sais(s1, sa1, n1, name);
    } else {
      for (int i = 0; i < n1; i++) {
        sa1[s1[i]] = i;
      }
    }

    // Stage 3: induce the full order from the sorted LMS suffixes.
    for (int i = 1, j = 0; i < n; i++) {
      if (isLms(stype, i)) {
        s1[j++] = i;
      }
    }
    for (int i = 0; i < n1; i++) {
      sa1[i] = s1[sa1[i]];
    }
    bucketEnds(s, bkt, n, k);
    Arrays.fill(sa, 0, n, -1);
    for (int i = n1 - 1; i >= 0; i--) {
      int j = sa1[i];
      sa[--bkt[s[j]]] = j;
    }
    induceL(s, sa, stype, bkt, n, k);
    induceS(s, sa, stype, bkt, n, k);
  }

  private static boolean isLms(boolean[] stype, int i) {
    return i > 0 && stype[i] && !stype[i - 1];
  }

  private static void counts(int[] s, int[] bkt, int n, int k) {
    Arrays.fill(bkt, 0, k, 0);
    for (int i = 0; i < n; i++) {
      bkt[s[i]]++;
    }
  }

  private static void bucketEnds(int[] s, int[] bkt, int n, int k) {
    counts(s, bkt, n, k);
    int sum = 0;
    for (int c = 0; c < k; c++) {
      sum += bkt[c];
      bkt[c] = sum;
    }
  }

  private static void bucketStarts(int[] s, int[] bkt, int n, int k) {
    counts(s, bkt, n, k);
    int sum = 0;
    for (int c = 0; c < k; c++) {
      int count = bkt[c];
      bkt[c] = sum;
      sum += count;
    }
  }

  private static void induceL(int[] s, int[] sa, boolean[] stype, int[] bkt, int n, int k) {
    bucketStarts(s, bkt, n, k);
    for (int i = 0; i < n; i++) {
      int j = sa[i] - 1;
      if (j >= 0 && !stype[j]) {
        sa[bkt[s[j]]++] = j;
      }
    }
  }

  private static void induceS(int[] s, int[] sa, boolean[] stype, int[] bkt, int n, int k) {
    bucketEnds(s, bkt, n, k);
    for (int i = n - 1; i >= 0; i--) {
      int j = sa[i] - 1;
      if (j >= 0 && stype[j]) {
        sa[--bkt[s[j]]] = j;
      }
    }
  }
}
