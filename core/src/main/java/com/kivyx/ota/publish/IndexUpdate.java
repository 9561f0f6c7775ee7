package com.kivyx.ota.publish;

import com.kivyx.ota.format.ChannelIndex;

/** A channel index that was signed and stored, with its key and the SHA-256 of its COSE bytes. */
public record IndexUpdate(ChannelIndex index, String key, String sha256, byte[] cose, int attempts) {}
