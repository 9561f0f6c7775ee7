package com.kivyx.ota.publish;

import java.nio.file.Path;

/** A source copied to a local temporary file, with its measured SHA-256 and size. */
public record FetchedFile(Path file, String sha256, long size) {}
