package com.kivyx.ota.testing;

import com.kivyx.ota.signing.PemKeys;
import com.kivyx.ota.transparency.LogKey;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Rekor v2 log (rekor-tiles, POSIX backend) in a temporary directory with its own P-256
 * key, on free loopback ports. The binary comes from {@code scripts/build-rekor} (or
 * {@code KIVYX_REKOR_BIN}); without it the test is skipped, except under {@code CI=true}
 * where that is a failure saying how to build it.
 *
 * <p>rekor-tiles refuses port 0, so free ports are picked and, should another process take
 * one before the server binds it, the start is repeated with new ones.
 */
public final class RekorServer implements AutoCloseable {
  public static final String ORIGIN = "localhost";

  private final Path binary;
  private final Path dir;
  private final ECPrivateKey key;
  private Process process;
  private int httpPort;
  private Path logFile;

  private RekorServer(Path binary, Path dir, ECPrivateKey key) {
    this.binary = binary;
    this.dir = dir;
    this.key = key;
  }

  public static RekorServer start(Path dir) throws IOException, InterruptedException {
    RekorServer server = new RekorServer(findBinary(), dir, newKey());
    Files.writeString(dir.resolve("log-key.pem"), PemKeys.privateKeyPem(server.key));
    server.startProcess();
    return server;
  }

  public URI baseUrl() {
    return URI.create("http://" + ORIGIN + ":" + httpPort);
  }

  /** The directory the log's static tiles and checkpoint are written to (what monitors read). */
  public Path storageDir() {
    return dir.resolve("log");
  }

  public LogKey logKey() {
    return new LogKey(ORIGIN, PemKeys.publicKeyOf(key));
  }

  public ECPublicKey publicKey() {
    return PemKeys.publicKeyOf(key);
  }

  /** Stops the server and starts it again on the same directory and key (the tree must survive). */
  public void restart() throws IOException, InterruptedException {
    stop();
    startProcess();
  }

  public void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private void startProcess() throws IOException, InterruptedException {
    String lastLog = "";
    for (int attempt = 1; attempt <= 3; attempt++) {
      int[] ports = freePorts(3);
      httpPort = ports[0];
      logFile = dir.resolve("rekor-" + Instant.now().toEpochMilli() + ".log");
      List<String> command = new ArrayList<>(List.of(
          binary.toString(), "serve", "--hostname", ORIGIN,
          "--http-address", "127.0.0.1", "--http-port", Integer.toString(ports[0]),
          "--grpc-address", "127.0.0.1", "--grpc-port", Integer.toString(ports[1]),
          "--http-metrics-port", Integer.toString(ports[2]),
          "--storage-dir", storageDir().toString(), "--signer-filepath", dir.resolve("log-key.pem").toString(),
          "--checkpoint-interval", "300ms", "--batch-max-age", "50ms",
          "--client-signing-algorithms", "ecdsa-sha2-256-nistp256"));
      process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
      if (awaitReady(Duration.ofSeconds(30))) {
        return;
      }
      lastLog = Files.readString(logFile);
      stop();
      if (!lastLog.contains("address already in use")) {
        break;
      }
    }
    throw new IllegalStateException("rekor-tiles did not start; its log:\n" + lastLog);
  }

  /** Ready when a POST of an empty request is answered (400: "invalid hashedrekord request"). */
  private boolean awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return false;
      }
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + httpPort + "/api/v2/log/entries").toURL().openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setConnectTimeout(500);
        c.setReadTimeout(2000);
        c.getOutputStream().write("{}".getBytes(StandardCharsets.UTF_8));
        if (c.getResponseCode() == 400) {
          return true;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    return false;
  }

  private static int[] freePorts(int n) throws IOException {
    int[] ports = new int[n];
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
    return ports;
  }

  private static ECPrivateKey newKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      return (ECPrivateKey) pair.getPrivate();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path findBinary() throws IOException, InterruptedException {
    String env = System.getenv("KIVYX_REKOR_BIN");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    Path repo = Path.of(System.getProperty("kivyx.repo.dir", "..")).toAbsolutePath().normalize();
    Process p = new ProcessBuilder(repo.resolve("scripts/build-rekor").toString(), "--print-path").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.waitFor() == 0 && Files.isExecutable(Path.of(out))) {
      return Path.of(out);
    }
    String message = "the Rekor v2 server (rekor-tiles) is not built: run scripts/build-rekor (or scripts/setup), or set KIVYX_REKOR_BIN; " + out;
    if ("true".equals(System.getenv("CI"))) {
      throw new IllegalStateException(message);
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }
}
