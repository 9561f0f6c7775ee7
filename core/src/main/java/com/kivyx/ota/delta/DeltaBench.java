package com.kivyx.ota.delta;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Measures kvxd1 on a corpus of release pairs ({@code vN.min.js}, {@code vN.hbc}, {@code
 * vN.bb.hbc}; each vN to vN+1) against bsdiff, xdelta3 and zstd run as child processes. Installs
 * nothing: a tool missing from PATH prints {@code n/a}.
 *
 * <p>Peak heap: before each encode a GC runs and every heap pool's peak is reset; afterwards the
 * pools' peak usages are summed (pools peak at different moments, so this is an upper bound).
 */
public final class DeltaBench {
  private static final List<String> SUFFIXES = List.of(".min.js", ".hbc", ".bb.hbc");
  private static final int WARMUP_DECODES = 5;
  private static final int TIMED_DECODES = 5;

  /** One measured pair; tool sizes are -1 when the tool is missing or failed. */
  public record Row(
      String pair,
      long kvxd1Bytes,
      long fullBrotliBytes,
      long encodeMillis,
      long peakHeapMb,
      double decodeMillis,
      long bsdiffBytes,
      long xdeltaBytes,
      long zstdBytes) {}

  private final PrintWriter progress;

  /** @param progress where a line per pair goes while the bench runs (flushed per line) */
  public DeltaBench(PrintWriter progress) {
    this.progress = progress;
  }

  public static void main(String[] args) throws Exception {
    Path corpus = Path.of(args.length > 0 ? args[0] : "../shared/corpus");
    DeltaBench bench = new DeltaBench(new PrintWriter(System.err, true));
    List<Row> rows = bench.run(corpus);
    PrintWriter out = new PrintWriter(System.out, true);
    print(rows, out);
    out.flush();
  }

  /** Pairs in the corpus: for each suffix, v1→v2, v2→v3, ... while both files exist. */
  public static List<Path[]> pairs(Path corpus) {
    List<Path[]> pairs = new ArrayList<>();
    for (String suffix : SUFFIXES) {
      for (int v = 1; ; v++) {
        Path a = corpus.resolve("v" + v + suffix);
        Path b = corpus.resolve("v" + (v + 1) + suffix);
        if (!Files.isRegularFile(a) || !Files.isRegularFile(b)) {
          break;
        }
        pairs.add(new Path[] {a, b});
      }
    }
    return pairs;
  }

  public List<Row> run(Path corpus) throws IOException, DeltaException, InterruptedException {
    List<Path[]> pairs = pairs(corpus);
    if (pairs.isEmpty()) {
      throw new IOException(
          "no release pairs (v1.min.js and v2.min.js, v1.hbc and v2.hbc, ...) found in "
              + corpus.toAbsolutePath()
              + "; pass the corpus folder");
    }
    List<Row> rows = new ArrayList<>();
    for (Path[] pair : pairs) {
      rows.add(measure(pair[0], pair[1]));
    }
    return rows;
  }

  private Row measure(Path oldFile, Path newFile)
      throws IOException, DeltaException, InterruptedException {
    String name = oldFile.getFileName() + " -> " + newFile.getFileName();
    progress.println("bench: " + name);
    progress.flush();
    byte[] oldData = Files.readAllBytes(oldFile);
    byte[] newData = Files.readAllBytes(newFile);
    DeltaEncoder encoder = new DeltaEncoder();

    List<MemoryPoolMXBean> heapPools = new ArrayList<>();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
        heapPools.add(pool);
      }
    }
    System.gc();
    heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
    long t0 = System.nanoTime();
    byte[] patch = encoder.encode(oldData, newData);
    long encodeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    long peak = 0;
    for (MemoryPoolMXBean pool : heapPools) {
      peak += pool.getPeakUsage().getUsed();
    }

    DeltaDecoder decoder = new DeltaDecoder(newData.length);
    for (int i = 0; i < WARMUP_DECODES; i++) {
      decoder.apply(oldData, patch);
    }
    long t1 = System.nanoTime();
    byte[] back = null;
    for (int i = 0; i < TIMED_DECODES; i++) {
      back = decoder.apply(oldData, patch);
    }
    double decodeMillis = (System.nanoTime() - t1) / 1e6 / TIMED_DECODES;
    if (!Arrays.equals(back, newData)) {
      throw new IllegalStateException("kvxd1 round trip failed on " + name + "; this is a bug");
    }

    long full = Brotli.compress(newData).length;

    long bsdiff = tool(oldFile, newFile, "bsdiff", "{old}", "{new}", "{out}");
    long xdelta =
        tool(oldFile, newFile, "xdelta3", "-9", "-S", "djw", "-e", "-s", "{old}", "{new}", "{out}");
    long zstd =
        tool(oldFile, newFile, "zstd", "-q", "-19", "--long=27", "--patch-from={old}", "{new}", "-o", "{out}");
    return new Row(
        name, patch.length, full, encodeMillis, peak >> 20, decodeMillis, bsdiff, xdelta, zstd);
  }

  /** Patch size from an external tool, or -1 if it is not on PATH or fails. */
  private long tool(Path oldFile, Path newFile, String exe, String... args)
      throws IOException, InterruptedException {
    if (!onPath(exe)) {
      return -1;
    }
    Path dir = Files.createTempDirectory("kvxd1-bench");
    Path out = dir.resolve("patch");
    try {
      List<String> cmd = new ArrayList<>();
      cmd.add(exe);
      for (String a : args) {
        cmd.add(
            a.replace("{old}", oldFile.toAbsolutePath().toString())
                .replace("{new}", newFile.toAbsolutePath().toString())
                .replace("{out}", out.toString()));
      }
      Process p =
          new ProcessBuilder(cmd)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("log").toFile())
              .start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        progress.println("bench: " + exe + " took over 5 minutes; reported as n/a");
        return -1;
      }
      if (p.exitValue() != 0 || !Files.isRegularFile(out)) {
        progress.println("bench: " + exe + " failed (exit " + p.exitValue() + "); reported as n/a");
        return -1;
      }
      return Files.size(out);
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  private static boolean onPath(String exe) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, exe))) {
        return true;
      }
    }
    return false;
  }

  public static void print(List<Row> rows, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "%-26s %9s %7s %8s %8s %9s %9s %9s %9s%n",
        "pair",
        "kvxd1",
        "ratio",
        "enc ms",
        "heap MB",
        "dec ms",
        "bsdiff",
        "xdelta3",
        "zstd");
    for (Row r : rows) {
      out.printf(
          Locale.ROOT,
          "%-26s %9d %6.2f%% %8d %8d %9.1f %9s %9s %9s%n",
          r.pair(),
          r.kvxd1Bytes(),
          100.0 * r.kvxd1Bytes() / r.fullBrotliBytes(),
          r.encodeMillis(),
          r.peakHeapMb(),
          r.decodeMillis(),
          size(r.bsdiffBytes()),
          size(r.xdeltaBytes()),
          size(r.zstdBytes()));
    }
    out.println(
        "ratio = kvxd1 / new file as Brotli q11; heap = sum of heap pools' peaks during encode;"
            + " dec = warm average of "
            + TIMED_DECODES
            + " decodes after "
            + WARMUP_DECODES);
  }

  private static String size(long bytes) {
    return bytes < 0 ? "n/a" : Long.toString(bytes);
  }
}
