package com.kivyx.ota.server;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a query in the order they came, names compared without case as in Vert.x's
 * {@code params()}. A flat array: a poll's few parameters are looked up by a scan, with no map
 * built per request.
 */
public final class QueryParams {
  /** Name, value, name, value, ... */
  private final String[] pairs;

  QueryParams(String[] pairs) {
    this.pairs = pairs;
  }

  /** The request's query: split by {@link SimpleQuery} where it can be, else as Vert.x decodes it. */
  public static QueryParams of(HttpServerRequest req) {
    QueryParams simple = SimpleQuery.parse(req.query());
    return simple != null ? simple : of(req.params());
  }

  public static QueryParams of(MultiMap params) {
    List<String> pairs = new ArrayList<>();
    for (Map.Entry<String, String> e : params) {
      pairs.add(e.getKey());
      pairs.add(e.getValue());
    }
    return new QueryParams(pairs.toArray(String[]::new));
  }

  public int size() {
    return pairs.length / 2;
  }

  public String name(int i) {
    return pairs[2 * i];
  }

  public String value(int i) {
    return pairs[2 * i + 1];
  }

  /** The first value of the parameter, or null when it is not there. */
  public String get(String name) {
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i].equalsIgnoreCase(name)) {
        return pairs[i + 1];
      }
    }
    return null;
  }

  /** How many times the parameter is given. */
  public int count(String name) {
    int count = 0;
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i].equalsIgnoreCase(name)) {
        count++;
      }
    }
    return count;
  }

  /** Whether parameter {@code i} is the first of its name: the spelling Vert.x's {@code names()} gives. */
  public boolean isFirst(int i) {
    String name = pairs[2 * i];
    for (int j = 0; j < 2 * i; j += 2) {
      if (pairs[j].equalsIgnoreCase(name)) {
        return false;
      }
    }
    return true;
  }
}
