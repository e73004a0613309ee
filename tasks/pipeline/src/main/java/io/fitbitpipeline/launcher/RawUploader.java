package io.fitbitpipeline.launcher;

import io.fitbitpipeline.core.lake.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Puts raw files into the raw bucket under the raw prefix, keeping their relative paths. */
final class RawUploader {
  private final ObjectStore store;
  private final String bucket;
  private final String prefix;

  RawUploader(ObjectStore store, String bucket, String rawPrefix) {
    this.store = store;
    this.bucket = bucket;
    String trimmed = rawPrefix.replaceAll("^/+|/+$", "");
    this.prefix = trimmed.isEmpty() ? "" : trimmed + "/";
  }

  int upload(Map<String, byte[]> files) {
    files.forEach((key, content) -> store.put(bucket, prefix + key, content));
    return files.size();
  }

  /**
   * Uploads every regular file below {@code dir}; its layout must be {user}/{date}/{activity}.json.
   */
  int upload(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("--input " + dir + " is not a folder");
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path file : files) {
      String relative = dir.relativize(file).toString().replace(java.io.File.separatorChar, '/');
      store.putFile(bucket, prefix + relative, file);
    }
    return files.size();
  }
}
