package com.kivyx.ota.server;

import com.kivyx.ota.rollout.Device;
import com.kivyx.ota.server.expo.ExpoApi;
import com.kivyx.ota.server.expo.ExpoResponse;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device polls ({@code GET /update} and {@code /index} of a served channel, Expo manifest
 * requests, and blobs the {@link BlobCache} holds) answered on the connection's pipeline, right after Netty decodes the
 * request: the decision as {@link HttpApi} makes it, then the {@link PreparedHead} written once
 * per snapshot answer or blob and the body, with no Vert.x request or response, no header
 * encoding and no write promise per poll.
 *
 * <p>Anything else goes on to Vert.x untouched: other routes, other methods, HTTP/1.0, a body, a
 * {@code Connection} header other than {@code keep-alive}, an {@code Expect} header, a query that
 * needs decoding or is wrong, a draining server, a connection whose client does not read its
 * answers. Once one request of a connection went to Vert.x the whole connection stays
 * with it, so an answer written here never overtakes one Vert.x still owes (pipelining).
 */
final class PollFastPath extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(PollFastPath.class);
  /** Vert.x 4.5's names for its HTTP/1.x decoder and encoder; this handler goes between them. */
  static final String DECODER = "httpDecoder";
  static final String ENCODER = "httpEncoder";
  static final String NAME = "kivyxPollFastPath";
  private static final String APPS = "/v1/apps/";
  private static final String STORE = "/apps/";
  private static final String EXPO = "/expo/manifest";
  private static final CharSequence A_IM = HttpHeaders.newEntity("a-im");

  /**
   * What every connection's handler shares.
   *
   * @param answered polls answered here; {@code warned} whether a pipeline it could not step into was logged
   */
  record Shared(
      ChannelSource source, KnownChannels channels, BlobCache blobs, ExpoApi expo, ServerMetrics metrics, BooleanSupplier draining, LongAdder answered, AtomicBoolean warned) {
    Shared(ChannelSource source, KnownChannels channels, BlobCache blobs, ExpoApi expo, ServerMetrics metrics, BooleanSupplier draining) {
      this(source, channels, blobs, expo, metrics, draining, new LongAdder(), new AtomicBoolean());
    }
  }

  private final Shared shared;
  /** Vert.x's idle timeout: it never sees these polls, so each one tells it the connection is alive. */
  private final IdleStateHandler idle;
  private boolean vertxOwnsConnection;
  /** The empty end of a request answered here, still to come from the decoder. */
  private boolean skipUntilLast;
  private boolean flushPending;

  private PollFastPath(Shared shared, IdleStateHandler idle) {
    this.shared = shared;
    this.idle = idle;
  }

  /** Puts the fast path on a new HTTP/1.x connection; a pipeline laid out differently is left as it is. */
  static void install(HttpConnection connection, Shared shared) {
    if (!(connection instanceof ConnectionBase base)) {
      return; // not HTTP/1.x over Netty: nothing to step into
    }
    ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
    List<String> names = pipeline.names();
    int decoder = names.indexOf(DECODER);
    if (decoder < 0 || decoder + 1 >= names.size() || !names.get(decoder + 1).equals(ENCODER)) {
      if (shared.warned().compareAndSet(false, true)) {
        log.warn("Vert.x's HTTP pipeline is not {}, {} ({}): device polls take the general route", DECODER, ENCODER, names);
      }
      return;
    }
    // Between decoder and encoder: requests arrive decoded, bytes written here skip the encoder.
    pipeline.addAfter(DECODER, NAME, new PollFastPath(shared, pipeline.get(IdleStateHandler.class)));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (skipUntilLast && msg instanceof HttpContent) {
      skipUntilLast = !(msg instanceof LastHttpContent);
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!vertxOwnsConnection && msg instanceof HttpRequest request) {
      if (answered(ctx, request)) {
        skipUntilLast = !(msg instanceof LastHttpContent);
        ReferenceCountUtil.release(msg);
        return;
      }
      vertxOwnsConnection = true;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (flushPending) {
      // one flush for every poll of this read: pipelined polls leave in one write
      flushPending = false;
      ctx.flush();
    }
    ctx.fireChannelReadComplete();
  }

  private boolean answered(ChannelHandlerContext ctx, HttpRequest request) {
    long start = System.nanoTime();
    if (request.method() != HttpMethod.GET || request.protocolVersion() != HttpVersion.HTTP_1_1 || request.decoderResult().isFailure() || shared.draining().getAsBoolean()
        // a client that reads slower than it asks: Vert.x's flow control takes over
        || !ctx.channel().isWritable()) {
      return false;
    }
    String uri = request.uri();
    boolean poll = uri.startsWith(APPS);
    if (!(poll || uri.startsWith(STORE)) || uri.indexOf('#') >= 0) {
      return false;
    }
    HttpHeaders headers = request.headers();
    // OkHttp (Android) and NSURLSession (iOS) send "Connection: keep-alive" on every request: the default, so taken
    String connection = headers.get(HttpHeaderNames.CONNECTION);
    if (headers.contains(HttpHeaderNames.CONTENT_LENGTH) || headers.contains(HttpHeaderNames.TRANSFER_ENCODING) || headers.contains(HttpHeaderNames.EXPECT)
        || (connection != null && !connection.equalsIgnoreCase("keep-alive"))) {
      return false;
    }
    String ifNoneMatch = headers.get(HttpHeaderNames.IF_NONE_MATCH);
    if (!poll) {
      // a blob in memory, whole: ranges and Expo's patch requests (A-IM) take the general route
      if (uri.indexOf('?') >= 0 || headers.contains(HttpHeaderNames.RANGE) || headers.contains(A_IM)) {
        return false;
      }
      BlobCache.Blob blob = shared.source().snapshot().map(s -> shared.blobs().get(s, uri.substring(1))).orElse(null);
      if (blob == null || blob.inMemory() == null) {
        return false;
      }
      BlobCache.InMemory bytes = blob.inMemory();
      boolean notModified = ETags.matches(ifNoneMatch, blob.etag());
      send(ctx, notModified ? bytes.notModified() : bytes.ok(), notModified ? null : bytes.content(), "store", notModified ? 304 : 200, start);
      return true;
    }
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    if (path.endsWith(EXPO)) {
      String appId = path.substring(APPS.length(), path.length() - EXPO.length());
      if (appId.isEmpty() || appId.indexOf('/') >= 0) {
        return false;
      }
      // what HttpApi's expo route answers; errors (built per request, no prepared head) go back to it
      ExpoResponse expo = shared.expo().respond(appId, headers::get, shared.source().snapshot());
      ByteBuf head = expo.wire().head();
      if (head == null) {
        return false;
      }
      send(ctx, head, expo.status() == 204 ? null : expo.wire().body().getByteBuf(), "expo", expo.status(), start);
      return true;
    }
    Answer answer;
    String route;
    if (path.endsWith("/update")) {
      ChannelSnapshot channel = shared.channels().update(path);
      QueryParams query = channel == null || q < 0 ? null : SimpleQuery.parse(uri.substring(q + 1));
      if (query == null) {
        return false;
      }
      Device device;
      try {
        device = DeviceQuery.parse(query);
      } catch (BadRequestException e) {
        return false; // Vert.x's route answers it with the error
      }
      answer = channel.answers().forDecision(channel.decider().decide(device));
      route = "update";
    } else if (path.endsWith("/index")) {
      ChannelSnapshot channel = shared.channels().index(path);
      if (channel == null) {
        return false;
      }
      answer = channel.indexAnswer();
      route = "index";
    } else {
      return false;
    }
    boolean notModified = ETags.matches(ifNoneMatch, answer.etag());
    send(ctx, notModified ? answer.notModified() : answer.ok(), notModified ? null : answer.content(), route, notModified ? 304 : 200, start);
    return true;
  }

  /** A prepared head and the body (none: null), as duplicates of buffers that are never released. */
  private void send(ChannelHandlerContext ctx, ByteBuf head, ByteBuf body, String route, int status, long start) {
    ctx.write(head.duplicate(), ctx.voidPromise());
    if (body != null) {
      ctx.write(body.duplicate(), ctx.voidPromise());
    }
    flushPending = true;
    if (idle != null) {
      idle.resetReadTimeout();
    }
    shared.answered().increment();
    shared.metrics().request(route, status, System.nanoTime() - start);
  }
}
