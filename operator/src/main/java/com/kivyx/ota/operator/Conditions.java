package com.kivyx.ota.operator;

import com.kivyx.ota.crds.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Sets one condition in a list, keeping its transition time when its status does not change. */
final class Conditions {
  private Conditions() {}

  static List<Condition> set(List<Condition> existing, String type, boolean ok, String reason, String message, long generation, Instant now) {
    List<Condition> out = new ArrayList<>();
    String status = ok ? Condition.TRUE : Condition.FALSE;
    String since = now.toString();
    if (existing != null) {
      for (Condition c : existing) {
        if (c.type().equals(type)) {
          if (status.equals(c.status())) {
            since = c.lastTransitionTime();
          }
        } else {
          out.add(c);
        }
      }
    }
    out.add(new Condition(type, status, reason, message, since, generation));
    return out;
  }
}
