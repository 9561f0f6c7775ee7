package com.kivyx.ota.publish;

import java.nio.file.Path;
import java.util.Optional;

/** Makes kvxd1 patches for the pipeline; empty when a patch cannot be made within budget. */
public interface DeltaMaker {
  Optional<byte[]> make(Path oldFile, Path newFile);

  /** Size of the full file as a device would download it (Brotli, quality 11). */
  long compressedSize(Path file);
}
