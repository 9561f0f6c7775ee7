package com.kivyx.ota.dashboard.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.vertx.ext.web.RoutingContext;

/** Renders the jte templates (compiled at build time, HTML-escaped by default) into responses. */
public final class Pages {
  private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

  public String render(String template, Object model) {
    StringOutput out = new StringOutput();
    engine.render(template, model, out);
    return out.toString();
  }

  public void send(RoutingContext ctx, int status, String template, Object model) {
    respond(ctx, status, render(template, model));
  }

  /** For templates with more than one {@code @param}: the parameters by name. */
  public void send(RoutingContext ctx, int status, String template, java.util.Map<String, Object> params) {
    StringOutput out = new StringOutput();
    engine.render(template, params, out);
    respond(ctx, status, out.toString());
  }

  private static void respond(RoutingContext ctx, int status, String html) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").end(html);
  }

  public void error(RoutingContext ctx, int status, String title, String message) {
    send(ctx, status, "error.jte", new ErrorPage(status, title, message));
  }
}
