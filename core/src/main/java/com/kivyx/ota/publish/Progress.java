package com.kivyx.ota.publish;

/** Where long work reports what it is doing; the CLI prints it, the operator logs it. */
public interface Progress {
  void step(String message);

  Progress SILENT = message -> {};
}
