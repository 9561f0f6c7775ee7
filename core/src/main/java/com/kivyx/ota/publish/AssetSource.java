package com.kivyx.ota.publish;

/** One file of a release: its path inside the bundle, its content type and where to get it. */
public record AssetSource(String path, String contentType, FileSource source) {}
