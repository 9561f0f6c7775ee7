package com.kivyx.ota.cli;

import com.kivyx.ota.delta.DeltaBench;
import com.kivyx.ota.delta.DeltaDecoder;
import com.kivyx.ota.delta.DeltaEncoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kivyx-ota delta create|apply|bench}: kvxd1 binary deltas between bundle files. */
@Command(
    name = "delta",
    description = "Create, apply and benchmark kvxd1 binary deltas between bundle files.",
    mixinStandardHelpOptions = true,
    subcommands = {DeltaCommand.Create.class, DeltaCommand.Apply.class, DeltaCommand.Bench.class})
public final class DeltaCommand implements Runnable {

  @Override
  public void run() {
    throw new Cli.UsageError("delta needs a subcommand: create, apply or bench (see delta --help)");
  }

  private static byte[] read(Path file, String what) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new Cli.UsageError(what + " file " + file + " does not exist");
    }
  }

  /** Writes beside the target then renames, so a failed run leaves no half-written file. */
  private static void write(Path file, byte[] data) throws IOException {
    Path abs = file.toAbsolutePath();
    Path tmp = Files.createTempFile(abs.getParent(), abs.getFileName().toString(), ".tmp");
    try {
      Files.write(tmp, data);
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Command(
      name = "create",
      description = "Write a kvxd1 patch that turns OLD into NEW.",
      mixinStandardHelpOptions = true)
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OLD", description = "The file the device has.")
    Path oldFile;

    @Parameters(index = "1", paramLabel = "NEW", description = "The file to deliver.")
    Path newFile;

    @Parameters(index = "2", paramLabel = "PATCH", description = "Where to write the patch.")
    Path patchFile;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      byte[] oldData = read(oldFile, "OLD");
      byte[] newData = read(newFile, "NEW");
      err.printf("delta: encoding %s (%d bytes) -> %s (%d bytes)...%n",
          oldFile, oldData.length, newFile, newData.length);
      err.flush();
      long t0 = System.nanoTime();
      byte[] patch = new DeltaEncoder().encode(oldData, newData);
      write(patchFile, patch);
      err.printf("delta: wrote %s, %d bytes in %d ms%n",
          patchFile, patch.length, (System.nanoTime() - t0) / 1_000_000);
      return 0;
    }
  }

  @Command(
      name = "apply",
      description = "Apply a kvxd1 PATCH to OLD and write the checked result to OUT.",
      mixinStandardHelpOptions = true)
  static final class Apply implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OLD", description = "The file the patch was made from.")
    Path oldFile;

    @Parameters(index = "1", paramLabel = "PATCH", description = "The kvxd1 patch.")
    Path patchFile;

    @Parameters(index = "2", paramLabel = "OUT", description = "Where to write the new file.")
    Path outFile;

    @Option(
        names = "--max-size",
        paramLabel = "BYTES",
        defaultValue = "1073741824",
        description = "Refuse patches whose new file is larger (default: ${DEFAULT-VALUE}).")
    long maxSize;

    @Override
    public Integer call() throws Exception {
      byte[] oldData = read(oldFile, "OLD");
      byte[] patch = read(patchFile, "PATCH");
      byte[] out = new DeltaDecoder(maxSize).apply(oldData, patch);
      write(outFile, out);
      spec.commandLine().getErr().printf("delta: wrote %s, %d bytes (SHA-256 checked)%n",
          outFile, out.length);
      return 0;
    }
  }

  @Command(
      name = "bench",
      description = "Measure kvxd1 against bsdiff, xdelta3 and zstd on a corpus of release pairs.",
      mixinStandardHelpOptions = true)
  static final class Bench implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--corpus",
        paramLabel = "DIR",
        defaultValue = "../shared/corpus",
        description = "Folder with v1.min.js, v2.min.js, v1.hbc, ... (default: ${DEFAULT-VALUE}).")
    Path corpus;

    @Override
    public Integer call() throws Exception {
      if (!Files.isDirectory(corpus)) {
        throw new Cli.UsageError(
            "corpus folder " + corpus.toAbsolutePath() + " does not exist; pass --corpus DIR");
      }
      var rows = new DeltaBench(spec.commandLine().getErr()).run(corpus);
      PrintWriter out = spec.commandLine().getOut();
      DeltaBench.print(rows, out);
      out.flush();
      return 0;
    }
  }
}
