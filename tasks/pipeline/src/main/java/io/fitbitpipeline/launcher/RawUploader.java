package io.fitbitpipeline.launcher;

import io.fitbitpipeline.core.lake.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/** Puts raw files into the raw bucket under the raw prefix, keeping their relative paths. */
final class RawUploader {
  private static final int PARALLEL_UPLOADS = 4;

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
    // A few uploads at once: each PUT is a round trip, and 4,200 of them one after the other
    // were a good part of a local run of a 100-user week.
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_UPLOADS);
    try {
      List<Future<?>> uploads = new ArrayList<>(files.size());
      for (Path file : files) {
        String relative = dir.relativize(file).toString().replace(java.io.File.separatorChar, '/');
        uploads.add(pool.submit(() -> store.putFile(bucket, prefix + relative, file)));
      }
      for (Future<?> upload : uploads) {
        upload.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while uploading " + dir, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return files.size();
  }
}
