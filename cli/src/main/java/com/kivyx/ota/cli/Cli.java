package com.kivyx.ota.cli;

import picocli.CommandLine;

/** Builds the picocli command line with the house rules: one-line reasons, non-zero exits. */
final class Cli {
  private Cli() {}

  static CommandLine newCommandLine(Object root) {
    CommandLine cl = new CommandLine(root);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          // One line a person can act on; the stack trace only when asked for.
          commandLine.getErr().println("kivyx-ota: " + oneLine(ex));
          if (System.getenv("KIVYX_OTA_DEBUG") != null) {
            ex.printStackTrace(commandLine.getErr());
          }
          return ex instanceof UsageError ? 2 : 1;
        });
    return cl;
  }

  private static String oneLine(Throwable ex) {
    String message = ex.getMessage();
    if (message == null || message.isBlank()) {
      message = ex.getClass().getSimpleName();
    }
    return message.replace('\n', ' ');
  }

  /** A mistake in how the command was called (exit code 2, like a parse error). */
  static final class UsageError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
      super(message);
    }
  }
}
