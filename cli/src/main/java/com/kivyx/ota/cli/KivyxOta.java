package com.kivyx.ota.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the one runnable jar: {@code kivyx-ota <subcommand>}. */
@Command(
    name = "kivyx-ota",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Self-hosted, signed over-the-air updates for React Native apps.",
    subcommands = {
      DemoCommand.class,
      PublishCommand.class,
      RolloutCommand.class,
      VerifyCommand.class,
      ServeCommand.class,
      OperatorCommand.class,
      KeysCommand.class,
      DeltaCommand.class,
      AnalyzeCommand.class,
      AnalyzeBenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class KivyxOta {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command line and returns its exit code; used by tests without exiting the JVM. */
  public static int run(String... args) {
    return Cli.newCommandLine(new KivyxOta()).execute(args);
  }
}
