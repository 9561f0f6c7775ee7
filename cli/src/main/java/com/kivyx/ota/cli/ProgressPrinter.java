package com.kivyx.ota.cli;

import com.kivyx.ota.publish.Progress;
import java.io.PrintWriter;

/** Progress on stderr, so stdout carries only the result. */
final class ProgressPrinter implements Progress {
  private final PrintWriter err;

  ProgressPrinter(PrintWriter err) {
    this.err = err;
  }

  @Override
  public void step(String message) {
    err.println("  " + message);
    err.flush();
  }
}
