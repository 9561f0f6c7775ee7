package com.kivyx.ota.transparency;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a tile-based log's static files (C2SP tlog-tiles), as rekor-tiles writes them to its
 * storage directory or bucket: {@code checkpoint} and the entry bundles {@code tile/entries/<N>}
 * (256 entries each, the last one partial as {@code <N>.p/<W>}), each entry a big-endian
 * 16-bit length and the entry's bytes.
 */
public final class TileLog {
  public static final int BUNDLE_SIZE = 256;

  /** Where the files come from: an HTTP(S) base URL or a directory. */
  public interface Files {
    Optional<byte[]> read(String path) throws IOException;
  }

  private final Files files;

  public TileLog(Files files) {
    this.files = files;
  }

  public static TileLog at(String location) {
    if (location.startsWith("http://") || location.startsWith("https://")) {
      String base = location.endsWith("/") ? location : location + "/";
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      return new TileLog(path -> {
        try {
          HttpResponse<byte[]> r = http.send(
              HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
          if (r.statusCode() == 404) {
            return Optional.empty();
          }
          if (r.statusCode() != 200) {
            throw new IOException("GET " + base + path + ": HTTP " + r.statusCode());
          }
          return Optional.of(r.body());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      });
    }
    Path dir = Path.of(location);
    return new TileLog(path -> {
      Path file = dir.resolve(path);
      return java.nio.file.Files.isRegularFile(file) ? Optional.of(java.nio.file.Files.readAllBytes(file)) : Optional.empty();
    });
  }

  public String checkpoint() throws IOException {
    return new String(
        files.read("checkpoint").orElseThrow(() -> new IOException("the log has no checkpoint file")), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** All entries of a tree of {@code size}, in order. */
  public List<byte[]> entries(long size) throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (long bundle = 0; bundle * BUNDLE_SIZE < size; bundle++) {
      long inBundle = Math.min(BUNDLE_SIZE, size - bundle * BUNDLE_SIZE);
      String path = "tile/entries/" + tileIndex(bundle) + (inBundle < BUNDLE_SIZE ? ".p/" + inBundle : "");
      final String p = path;
      byte[] data = files.read(path).orElseThrow(() -> new IOException("the log has no entry bundle " + p));
      List<byte[]> entries = parseBundle(data);
      if (entries.size() < inBundle) {
        throw new IOException("entry bundle " + path + " holds " + entries.size() + " entries, not " + inBundle);
      }
      out.addAll(entries.subList(0, (int) inBundle));
    }
    return out;
  }

  /** {@code 1234067} → {@code x001/x234/067}. */
  static String tileIndex(long n) {
    String digits = Long.toString(n);
    while (digits.length() % 3 != 0) {
      digits = "0" + digits;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < digits.length(); i += 3) {
      if (i > 0) {
        out.append('/');
      }
      if (i + 3 < digits.length()) {
        out.append('x');
      }
      out.append(digits, i, i + 3);
    }
    return out.toString();
  }

  static List<byte[]> parseBundle(byte[] data) throws IOException {
    List<byte[]> out = new ArrayList<>();
    int pos = 0;
    while (pos < data.length) {
      if (pos + 2 > data.length) {
        throw new IOException("truncated entry bundle");
      }
      int length = ((data[pos] & 0xff) << 8) | (data[pos + 1] & 0xff);
      pos += 2;
      if (pos + length > data.length) {
        throw new IOException("truncated entry bundle");
      }
      out.add(java.util.Arrays.copyOfRange(data, pos, pos + length));
      pos += length;
    }
    return out;
  }
}
