package com.kivyx.ota.signing;

/** A document whose signature verified: who signed it, what it is, and its payload bytes. */
public record VerifiedDocument(String kid, String contentType, byte[] payload) {}
