package com.kivyx.ota.crds;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One file of a release: where CI put it and what it must be. */
public record FileSourceSpec(
    @JsonPropertyDescription("Path of the file inside the bundle, e.g. index.android.bundle or assets/logo.png.")
        @Required @Pattern("^[^/\\\\][^\\\\]*$") @Size(max = 1024)
        String path,
    @JsonPropertyDescription("https:// or s3://bucket/key URL of the file; plain http:// only from the operator's own host "
            + "(127.0.0.1, localhost), as kivyx-ota demo --kubernetes serves it. The file is pinned by sha256 either way.")
        @Required @Pattern("^(https://|s3://|http://(127\\.[0-9.]+|localhost)[:/])[^\\s]+$")
        String url,
    @JsonPropertyDescription("Lowercase hex SHA-256 of the file.") @Required @Pattern("^[0-9a-f]{64}$") String sha256,
    @JsonPropertyDescription("Size in bytes.") @Required @Min(1) Long size,
    @JsonPropertyDescription("Content type; guessed from the path when absent.") String contentType) {}
