package com.kivyx.ota.publish;

import com.kivyx.ota.delta.Brotli;
import com.kivyx.ota.delta.DeltaBudget;
import com.kivyx.ota.delta.DeltaBudgetExceededException;
import com.kivyx.ota.delta.DeltaEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The pipeline's delta maker: kvxd1 within a budget; past the budget, no delta. */
public final class Kvxd1DeltaMaker implements DeltaMaker {
  private final DeltaEncoder encoder;

  public Kvxd1DeltaMaker(DeltaBudget budget) {
    this.encoder = new DeltaEncoder(budget);
  }

  @Override
  public Optional<byte[]> make(Path oldFile, Path newFile) {
    try {
      return Optional.of(encoder.encode(Files.readAllBytes(oldFile), Files.readAllBytes(newFile)));
    } catch (DeltaBudgetExceededException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public long compressedSize(Path file) {
    try {
      return Brotli.compress(Files.readAllBytes(file)).length;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
