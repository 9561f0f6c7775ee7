package com.kivyx.ota.server;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.telemetry.EventType;
import com.kivyx.ota.telemetry.TrialReason;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/events}: a batch of device events, checked against the schema in
 * openapi.yaml (all or nothing), then counted. Events for channels this server does not serve
 * are valid but not counted by name (their labels would let any client grow the metrics).
 */
final class DeviceEvents {
  /** Longest reason accepted; unknown reasons are counted as "other", so this only bounds the body. */
  static final int MAX_REASON = 64;
  /** Counted under this release label when the release was never on the channel. */
  static final String OTHER_RELEASE = "other";

  /** The event's own clock is not trusted for anything, so only its shape is checked (any offset, leap seconds). */
  private static final Pattern RFC_3339 =
      Pattern.compile("(\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:)(\\d{2})(\\.\\d{1,9})?\\d*([Zz]|[+-]\\d{2}:\\d{2})");

  private static final Pattern OFFSET = Pattern.compile("[+-]([01]\\d|2[0-3]):[0-5]\\d");

  /** RFC 3339 date-time with real calendar values; a leap second (:60) is allowed, as the RFC does. */
  static boolean isRfc3339(String time) {
    java.util.regex.Matcher m = RFC_3339.matcher(time);
    if (!m.matches()) {
      return false;
    }
    String seconds = m.group(2).equals("60") ? "59" : m.group(2);
    String local = (m.group(1) + seconds + (m.group(3) == null ? "" : m.group(3))).toUpperCase(java.util.Locale.ROOT);
    String offset = m.group(4);
    // RFC 3339 offsets go to ±23:59, past what java.time accepts (±18:00): checked apart
    if (offset.length() > 1 && !OFFSET.matcher(offset).matches()) {
      return false;
    }
    try {
      java.time.LocalDateTime.parse(local, java.time.format.DateTimeFormatter.ISO_LOCAL_DATE_TIME);
      return true;
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
  }

  /** @param reason the device's reason mapped onto the bounded set (unknown: other) */
  record Event(EventType type, ChannelId channel, String releaseId, String deviceId, String time, TrialReason reason) {}

  private final ObjectMapper json =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxStringLength(16 * 1024).build())
                  .build())
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .build();
  private final int maxEvents;
  private final ServerMetrics metrics;

  DeviceEvents(int maxEvents, ServerMetrics metrics) {
    this.maxEvents = maxEvents;
    this.metrics = metrics;
  }

  /** @return how many events were counted under their channel */
  int accept(byte[] body, Function<ChannelId, Optional<ChannelSnapshot>> channels) throws BadRequestException {
    List<Event> events = parse(body);
    int counted = 0;
    for (Event e : events) {
      Optional<ChannelSnapshot> channel = channels.apply(e.channel());
      if (channel.isEmpty()) {
        metrics.eventDropped("unknown_channel");
        continue;
      }
      String release = channel.get().knownReleases().contains(e.releaseId()) ? e.releaseId() : OTHER_RELEASE;
      metrics.deviceEvent(e.channel(), release, e.type(), e.reason());
      counted++;
    }
    return counted;
  }

  List<Event> parse(byte[] body) throws BadRequestException {
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (IOException e) {
      throw new BadRequestException("bad_json", "the body is not valid JSON: " + firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject() || !root.path("events").isArray()) {
      throw new BadRequestException("bad_event", "the body must be {\"events\": [ ... ]}");
    }
    JsonNode list = root.get("events");
    if (list.isEmpty() || list.size() > maxEvents) {
      throw new BadRequestException("bad_event", "a batch holds 1-" + maxEvents + " events, got " + list.size());
    }
    List<Event> events = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      events.add(event(list.get(i), "events[" + i + "]"));
    }
    return events;
  }

  private static Event event(JsonNode node, String where) throws BadRequestException {
    if (!node.isObject()) {
      throw new BadRequestException("bad_event", where + " must be an object");
    }
    Optional<EventType> type = EventType.fromWire(field(node, where, "type", 32));
    if (type.isEmpty()) {
      throw new BadRequestException("bad_event", where + ".type must be one of downloaded, applied, healthy, crashed, rolledBack");
    }
    String app = name(node, where, "appId");
    String platform = field(node, where, "platform", 16);
    String channelName = name(node, where, "channel");
    Optional<ChannelId> channel = ChannelId.parse(app, platform, channelName);
    if (channel.isEmpty()) {
      throw new BadRequestException("bad_event", where + ".platform must be ios or android");
    }
    String releaseId = name(node, where, "releaseId");
    String deviceId = field(node, where, "deviceId", 128);
    String time = field(node, where, "time", 64);
    JsonNode detail = node.get("detail");
    if (detail != null && (!detail.isTextual() || detail.textValue().length() > 1000)) {
      throw new BadRequestException("bad_event", where + ".detail, when given, is a string of at most 1000 characters");
    }
    if (!isRfc3339(time)) {
      throw new BadRequestException("bad_event", where + ".time must be an RFC 3339 time like 2026-11-27T10:00:00Z");
    }
    JsonNode reason = node.get("reason");
    if (reason != null && (!reason.isTextual() || reason.textValue().isEmpty() || reason.textValue().length() > MAX_REASON)) {
      throw new BadRequestException("bad_event", where + ".reason, when given, is a string of 1-" + MAX_REASON + " characters (e.g. jsError)");
    }
    return new Event(type.get(), channel.get(), releaseId, deviceId, time, TrialReason.fromWire(reason == null ? null : reason.textValue()));
  }

  private static String name(JsonNode node, String where, String field) throws BadRequestException {
    String value = field(node, where, field, 128);
    if (!ChannelId.NAME.matcher(value).matches()) {
      throw new BadRequestException("bad_event", where + "." + field + " must be 1-128 letters, digits, '.', '_' or '-'");
    }
    return value;
  }

  private static String field(JsonNode node, String where, String field, int maxLength) throws BadRequestException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new BadRequestException("bad_event", where + "." + field + " is required and must be a string");
    }
    String text = value.textValue();
    if (text.isEmpty() || text.length() > maxLength) {
      throw new BadRequestException("bad_event", where + "." + field + " must be 1-" + maxLength + " characters");
    }
    return text;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) : line;
  }
}
