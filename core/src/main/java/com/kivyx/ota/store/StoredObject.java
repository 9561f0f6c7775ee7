package com.kivyx.ota.store;

/** An object read from a store, with the tag a later compare-and-swap must name. */
public record StoredObject(byte[] bytes, String etag) {}
