package io.fitbitpipeline.core.lake;

/** An object as listed: its key, its ETag (quotes removed) and its size in bytes. */
public record StoredObject(String key, String etag, long size) {}
