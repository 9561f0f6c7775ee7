package com.kivyx.ota.server;

import static com.kivyx.ota.server.PublishedStore.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Polls answered by {@link PollFastPath} are the bytes Vert.x's route writes for them, status
 * line and headers included; what it must not take reaches Vert.x; and answers on one connection
 * come back in the order of the requests. Over raw sockets, so every byte is compared.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PollFastPathTest {
  PublishedStore published;
  ServerMetrics fastMetrics;
  ManifestServer fast;
  ManifestServer general;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    published = new PublishedStore(dir);
    fastMetrics = new ServerMetrics();
    fast = start(true, fastMetrics);
    general = start(false, new ServerMetrics());
  }

  private ManifestServer start(boolean pollFastPath, ServerMetrics metrics) {
    ServerConfig config = ServerConfig.defaults("127.0.0.1", 0, Optional.of(published.root)).withEventRate(1000, 1000);
    return ManifestServer.start(config, published.directorySource(Duration.ofMinutes(10), metrics), metrics, List.of(), BlobCache.defaults(), pollFastPath);
  }

  @AfterAll
  void stop() {
    fast.close();
    general.close();
  }

  static String get(String target, String... headers) {
    StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String header : headers) {
      request.append(header).append("\r\n");
    }
    return request.append("\r\n").toString();
  }

  @Test
  void everyPollIsAnsweredByteForByteAsVertxAnswersIt() throws Exception {
    long before = fast.fastPolls();
    int sent = 0;
    int notModified = 0;
    for (int i = 0; i < 200; i++) {
      String query = "deviceId=fleet-" + i + "&runtimeVersion=" + (i % 9 == 0 ? "9.9.9" : "1.0.0")
          + (i % 3 == 0 ? "&currentReleaseId=r1" : i % 5 == 0 ? "&currentReleaseId=r2" : "") + (i % 4 == 0 ? "&attr.country=DE" : "");
      // as OkHttp and NSURLSession send it, every other poll
      String poll = i % 2 == 0 ? get(BASE + "/update?" + query) : get(BASE + "/update?" + query, "Connection: Keep-Alive", "Accept-Encoding: gzip");
      String fresh = exchange(fast, poll).get(0);
      assertThat(fresh).as(query).isEqualTo(exchange(general, poll).get(0)).startsWith("HTTP/1.1 200 OK\r\n");
      String etag = header(fresh, "etag");
      // revalidation as caches and clients send it: the tag, a list, weak, *, and a stale one
      String ifNoneMatch = switch (i % 5) {
        case 0 -> etag;
        case 1 -> "\"0000\", " + etag;
        case 2 -> "W/" + etag;
        case 3 -> "*";
        default -> "\"stale\"";
      };
      String revalidate = get(BASE + "/update?" + query, "If-None-Match: " + ifNoneMatch);
      String answer = exchange(fast, revalidate).get(0);
      assertThat(answer).as(revalidate).isEqualTo(exchange(general, revalidate).get(0));
      notModified += answer.startsWith("HTTP/1.1 304 Not Modified\r\n") ? 1 : 0;
      sent += 2;
    }
    String index = get(BASE + "/index");
    String indexAnswer = exchange(fast, index).get(0);
    assertThat(indexAnswer).isEqualTo(exchange(general, index).get(0)).startsWith("HTTP/1.1 200 OK\r\n");
    assertThat(indexAnswer.getBytes(StandardCharsets.ISO_8859_1)).endsWith(published.indexBytes());
    String indexAgain = get(BASE + "/index", "If-None-Match: " + header(indexAnswer, "etag"));
    assertThat(exchange(fast, indexAgain).get(0)).isEqualTo(exchange(general, indexAgain).get(0)).startsWith("HTTP/1.1 304 ");
    sent += 2;

    assertThat(notModified).as("every revalidation but the stale one is a 304").isEqualTo(160);
    assertThat(fast.fastPolls() - before).as("all of them took the fast path").isEqualTo(sent);
    assertThat(general.fastPolls()).isZero();
    assertThat(fastMetrics.scrape()).as("and were counted like any request")
        .containsPattern("kivyx_ota_http_requests_seconds_count\\{route=\"update\",status=\"304\"} 160(\\.0)?\\n")
        .contains("kivyx_ota_http_requests_seconds_count{route=\"index\",status=\"200\"}");
  }

  @Test
  void blobsInMemoryAreAnsweredByteForByteAsVertxAnswersThem() throws Exception {
    List<String> keys;
    try (Stream<Path> files = Files.walk(published.root.resolve("apps"))) {
      keys = files.filter(f -> f.getParent().getFileName().toString().equals("sha256")).map(f -> published.root.relativize(f).toString().replace('\\', '/')).toList();
    }
    assertThat(keys).hasSizeGreaterThan(3);
    long before = fast.fastPolls();
    for (String key : keys) {
      String blob = get("/" + key);
      String first = exchange(fast, blob).get(0);
      assertThat(first).as("read from the file, then kept").isEqualTo(exchange(general, blob).get(0)).startsWith("HTTP/1.1 200 OK\r\n");
      assertThat(first.getBytes(StandardCharsets.ISO_8859_1)).endsWith(Files.readAllBytes(published.root.resolve(key)));
      List<String> requests = List.of(blob, get("/" + key, "If-None-Match: " + header(first, "etag")), get("/" + key, "If-None-Match: \"other\""),
          get("/" + key, "Range: bytes=0-3"), get("/" + key, "A-IM: bsdiff", "If-None-Match: \"x\"", "If-Match: \"y\""), get("/" + key + "?v=1"));
      for (String request : requests) {
        assertThat(exchange(fast, request).get(0)).as(request).isEqualTo(exchange(general, request).get(0));
      }
    }
    assertThat(fast.fastPolls() - before).as("the whole-blob GETs from memory, not the first read, ranges, patches or queries").isEqualTo(3L * keys.size());
  }

  @Test
  void whatTheFastPathDoesNotTakeGetsVertxsAnswer() throws Exception {
    String query = "deviceId=d1&runtimeVersion=1.0.0";
    List<String> others = List.of(
        "HEAD " + BASE + "/update?" + query + " HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET " + BASE + "/update?" + query + " HTTP/1.0\r\n\r\n",
        get(BASE + "/update?" + query, "Connection: close"),
        get(BASE + "/update?" + query, "Connection: keep-alive, Upgrade", "Upgrade: websocket"),
        get(BASE + "/update?" + query, "Expect: 100-continue"),
        get(BASE + "/update?deviceId=a%20b&runtimeVersion=1.0.0"), // needs decoding: Vert.x's decoder
        get(BASE + "/update?runtimeVersion=1.0.0"), // no deviceId: Vert.x's 400
        get(BASE + "/update?deviceId=d1&deviceId=d2&runtimeVersion=1.0.0"),
        get(BASE + "/update"),
        get("/v1/apps/nosuch.app/android/channels/production/update?" + query),
        get("/v1/apps/" + PublishedStore.APP + "/ANDROID/channels/production/update?" + query), // not as this server spells it
        "POST " + BASE + "/update?" + query + " HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
        get(BASE + "/update?" + query, "Content-Length: 0"),
        get("/healthz"));
    long before = fast.fastPolls();
    for (String request : others) {
      List<String> fromFast = exchange(fast, request);
      assertThat(fromFast).as(request).isEqualTo(exchange(general, request)).hasSize(1);
    }
    assertThat(fast.fastPolls()).as("none of them took the fast path").isEqualTo(before);
  }

  @Test
  void answersOnOneConnectionComeBackInTheOrderOfItsRequests() throws Exception {
    String a = get(BASE + "/update?deviceId=order-a&runtimeVersion=1.0.0");
    String index = get(BASE + "/index");
    String events = "POST /v1/events HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    String b = get(BASE + "/update?deviceId=order-b&runtimeVersion=1.0.0&attr.country=DE");
    long before = fast.fastPolls();
    // all four written at once (pipelined): two polls, a request for Vert.x, and a poll after it
    List<String> answers = exchange(fast, a, index, events, b);
    assertThat(answers).hasSize(4);
    assertThat(answers.get(0)).isEqualTo(exchange(general, a).get(0));
    assertThat(answers.get(1)).isEqualTo(exchange(general, index).get(0));
    assertThat(answers.get(2)).startsWith("HTTP/1.1 400 ").contains("\"error\"");
    assertThat(answers.get(3)).isEqualTo(exchange(general, b).get(0));
    assertThat(fast.fastPolls() - before).as("the poll after Vert.x's request stays with Vert.x").isEqualTo(2);
    // Each connection starts on the fast path again
    exchange(fast, a, a);
    assertThat(fast.fastPolls() - before).isEqualTo(4);
  }

  private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length: *([0-9]+)");

  /**
   * Writes the requests on one connection at once (pipelined) and reads one answer for each, by
   * its length; answers as ISO-8859-1 text, so bytes compare as they are.
   */
  static List<String> exchange(ManifestServer server, String... requests) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(String.join("", requests).getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      List<String> answers = new ArrayList<>();
      for (String request : requests) {
        String head = readHead(in);
        if (head == null) {
          break;
        }
        Matcher length = CONTENT_LENGTH.matcher(head);
        boolean bodyless = head.startsWith("HTTP/1.1 304") || head.startsWith("HTTP/1.0 304") || request.startsWith("HEAD ");
        byte[] body = bodyless || !length.find() ? new byte[0] : in.readNBytes(Integer.parseInt(length.group(1)));
        answers.add(head + new String(body, StandardCharsets.ISO_8859_1));
      }
      return answers;
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
      }
      head.write(b);
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static String header(String answer, String name) {
    for (String line : answer.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith(name + ": ")) {
        return line.substring(name.length() + 2);
      }
      if (line.isEmpty()) {
        break;
      }
    }
    throw new AssertionError("no " + name + " in " + answer);
  }
}
