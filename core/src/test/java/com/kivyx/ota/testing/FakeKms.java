package com.kivyx.ota.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * An in-process HTTP server that speaks the KMS JSON 1.1 protocol for {@code
 * TrentService.Sign} and {@code TrentService.GetPublicKey}, backed by a real P-256 key. Tests
 * queue failures (throttling, 5xx, errors) to be answered before the real work.
 */
public final class FakeKms implements AutoCloseable {
  public record Failure(int status, String type, String message) {}

  private final HttpServer server;
  private final ObjectMapper json = new ObjectMapper();
  private final Deque<Failure> queuedFailures = new ConcurrentLinkedDeque<>();
  private final List<String> targets = new ArrayList<>();
  public volatile KeyPair key;
  public volatile KeyPair signWith;
  public volatile String keySpec = "ECC_NIST_P256";
  public volatile String lastMessageType;
  public volatile int lastMessageLength;

  public FakeKms() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    key = generator.generateKeyPair();
    signWith = key;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public void failNext(int status, String type, String message) {
    queuedFailures.add(new Failure(status, type, message));
  }

  public synchronized List<String> targets() {
    return List.copyOf(targets);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
    synchronized (this) {
      targets.add(target);
    }
    JsonNode request = json.readTree(exchange.getRequestBody().readAllBytes());
    Failure failure = queuedFailures.poll();
    if (failure != null) {
      ObjectNode body = json.createObjectNode().put("__type", failure.type()).put("message", failure.message());
      respond(exchange, failure.status(), body);
      return;
    }
    try {
      if ("TrentService.GetPublicKey".equals(target)) {
        respond(
            exchange,
            200,
            json.createObjectNode()
                .put("KeyId", "arn:aws:kms:eu-west-1:111122223333:key/" + request.get("KeyId").asText())
                .put("PublicKey", Base64.getEncoder().encodeToString(key.getPublic().getEncoded()))
                .put("KeySpec", keySpec)
                .put("CustomerMasterKeySpec", keySpec)
                .put("KeyUsage", "SIGN_VERIFY"));
      } else if ("TrentService.Sign".equals(target)) {
        byte[] digest = Base64.getDecoder().decode(request.get("Message").asText());
        lastMessageType = request.get("MessageType").asText();
        lastMessageLength = digest.length;
        Signature ecdsa = Signature.getInstance("NONEwithECDSA"); // the message is already a digest
        ecdsa.initSign(signWith.getPrivate());
        ecdsa.update(digest);
        respond(
            exchange,
            200,
            json.createObjectNode()
                .put("KeyId", request.get("KeyId").asText())
                .put("Signature", Base64.getEncoder().encodeToString(ecdsa.sign()))
                .put("SigningAlgorithm", "ECDSA_SHA_256"));
      } else {
        respond(exchange, 400, json.createObjectNode().put("__type", "UnknownOperationException"));
      }
    } catch (Exception e) {
      respond(exchange, 500, json.createObjectNode().put("__type", "KMSInternalException").put("message", e.toString()));
    }
  }

  private void respond(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    byte[] bytes = json.writeValueAsBytes(body);
    exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
    exchange.getResponseHeaders().add("x-amzn-RequestId", "test-" + System.nanoTime());
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
