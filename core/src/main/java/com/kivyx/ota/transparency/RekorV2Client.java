package com.kivyx.ota.transparency;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A typed client for Rekor v2's one write call, {@code POST /api/v2/log/entries} (rekor-tiles).
 * Our own (JDK HTTP + Jackson) rather than sigstore-java 2.0.0's {@code RekorV2ClientHttp}: that
 * one returns only a parsed entry, and we must store the log's answer byte for byte; it also
 * brings 38 jars (gRPC, Guava, OAuth) for one POST. The answer is verified against the pinned
 * log key before it is returned, so a caller never stores an answer that does not prove inclusion.
 *
 * <p>Retries are bounded: connection failures, timeouts and 5xx/429 answers are retried
 * {@code attempts} times with doubling back-off; 4xx answers fail at once.
 */
public final class RekorV2Client implements TransparencyLog {
  private static final Logger LOG = LoggerFactory.getLogger(RekorV2Client.class);
  public static final String ENTRIES_PATH = "api/v2/log/entries";

  private final URI entries;
  private final LogEntryVerifier verifier;
  private final ObjectMapper mapper;
  private final HttpClient http;
  private final Duration timeout;
  private final int attempts;
  private final Duration firstBackoff;

  /**
   * @param timeout per request; Rekor v2 answers only once a checkpoint covers the entry, so
   *     allow several checkpoint intervals (its docs say at least 20 s for the public log)
   */
  public RekorV2Client(URI baseUrl, LogKey log, ObjectMapper mapper, Duration timeout, int attempts, Duration firstBackoff) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1");
    }
    String base = baseUrl.toString();
    this.entries = URI.create(base.endsWith("/") ? base + ENTRIES_PATH : base + "/" + ENTRIES_PATH);
    this.verifier = new LogEntryVerifier(List.of(log), mapper);
    this.mapper = mapper;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.timeout = timeout;
    this.attempts = attempts;
    this.firstBackoff = firstBackoff;
  }

  @Override
  public LoggedEntry log(HashedRekord entry) {
    byte[] body;
    try {
      body = mapper.writeValueAsBytes(entry.request(mapper));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    String last = "no attempt made";
    Duration backoff = firstBackoff;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      HttpRequest request =
          HttpRequest.newBuilder(entries).timeout(timeout).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      try {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        int status = response.statusCode();
        if (status == 201 || status == 200) {
          LoggedEntry logged = verified(response.body());
          if (!logged.body().equals(entry)) {
            throw new TransparencyLogException("the log at " + entries + " answered with another entry than the one sent");
          }
          return logged;
        }
        String text = new String(response.body(), StandardCharsets.UTF_8).strip();
        if (status == 409) {
          OptionalLong index = response.headers().firstValue("X-Log-Index").map(Long::parseLong).map(OptionalLong::of).orElse(OptionalLong.empty());
          throw new DuplicateEntryException(
              index, "the log at " + entries + " already has this entry" + (index.isPresent() ? " (index " + index.getAsLong() + ")" : "")
                  + " and sends no proof for a repeat; use the log entry stored by the first publish");
        }
        last = "HTTP " + status + ": " + text;
        if (status < 500 && status != 429) {
          throw new TransparencyLogException("the log at " + entries + " refused the entry: " + last);
        }
      } catch (IOException e) {
        last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TransparencyLogException("interrupted while logging to " + entries, e);
      }
      if (attempt < attempts) {
        LOG.warn("logging to {} failed (attempt {}/{}): {}; retrying in {} ms", entries, attempt, attempts, last, backoff.toMillis());
        sleep(backoff);
        backoff = backoff.multipliedBy(2);
      }
    }
    throw new TransparencyLogException(
        "could not log to " + entries + " after " + attempts + " attempt(s): " + last + "; check that the log is up and reachable");
  }

  private LoggedEntry verified(byte[] json) {
    try {
      return verifier.verifyInclusion(json);
    } catch (LogEntryRejectedException e) {
      throw new TransparencyLogException(
          "the log at " + entries + " answered with an entry that does not verify against its pinned key (" + e.reason() + "): "
              + e.getMessage() + "; check the pinned log key and origin");
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransparencyLogException("interrupted while waiting to retry the log", e);
    }
  }
}
