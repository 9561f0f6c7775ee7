package com.kivyx.ota.dashboard.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A time-series chart and the same numbers as a table: uPlot draws {@link #json()} when
 * JavaScript runs, the table is what a reader without it (or a screen reader) gets. Each point has
 * a table cell that says the count behind a rate ("4.0% (2 of 50)").
 *
 * @param from the range asked for, in epoch seconds: the x axis spans it even when samples cover less
 * @param times epoch seconds, shared by every line
 * @param limit a horizontal line (the guardrail's failed-trial limit), in the lines' unit
 * @param problem why there is no chart (Prometheus down or refusing): shown where the chart would be
 */
public record Chart(String id, String title, String description, String unit, long from, long to, List<Long> times, List<Line> lines, List<Marker> markers,
    Optional<Limit> limit, Optional<String> problem) {
  /** @param values null where the series had no sample */
  public record Line(String label, List<Double> values, List<String> cells) {
    /** The newest non-empty cell: printed beside the chart, so the count behind the line is always in sight. */
    public String latest() {
      for (int i = cells.size() - 1; i >= 0; i--) {
        if (!cells.get(i).isEmpty()) {
          return cells.get(i);
        }
      }
      return "no data";
    }
  }

  /** A vertical line at a rollout step (or any Rollout event). */
  public record Marker(long time, String label) {}

  public record Limit(double value, String label) {}

  public Chart {
    times = List.copyOf(times);
    lines = List.copyOf(lines);
    markers = List.copyOf(markers);
  }

  public static Chart failed(String id, String title, String description, String reason) {
    return new Chart(id, title, description, "", 0, 0, List.of(), List.of(), List.of(), Optional.empty(), Optional.of(reason));
  }

  public boolean empty() {
    return times.isEmpty() || lines.isEmpty();
  }

  /** The table's time column. */
  public String time(int i) {
    return Instant.ofEpochSecond(times.get(i)).toString();
  }

  public String markerTime(Marker m) {
    return Instant.ofEpochSecond(m.time()).toString();
  }

  /** What charts.js reads: {@code {unit, times, lines:[{label, values}], markers, limit}}. */
  public String json() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("unit", unit);
    out.put("from", from);
    out.put("to", to);
    out.put("times", times);
    List<Map<String, Object>> ls = new ArrayList<>();
    for (Line l : lines) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("label", l.label());
      line.put("values", l.values()); // null stays null: a gap, not a zero
      line.put("cells", l.cells());
      ls.add(line);
    }
    out.put("lines", ls);
    out.put("markers", markers.stream().map(m -> Map.of("time", m.time(), "label", m.label())).toList());
    limit.ifPresent(l -> out.put("limit", Map.of("value", l.value(), "label", l.label())));
    try {
      return new ObjectMapper().writeValueAsString(out);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a chart did not serialise", e);
    }
  }
}
