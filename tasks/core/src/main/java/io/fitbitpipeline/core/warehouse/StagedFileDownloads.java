package io.fitbitpipeline.core.warehouse;

import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.StagedFile;
import io.fitbitpipeline.core.lake.Transfers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The load's staged files as local temporary files, in order and a group at a time (the files the
 * loader merges into one stream), each downloaded while the loader is still copying the ones before
 * it: up to {@code ahead} files beyond the group asked for, on one background thread, so S3's
 * latency overlaps COPY instead of adding up file by file. A group's files are deleted once the
 * next group is asked for, and everything left on close.
 */
final class StagedFileDownloads implements AutoCloseable {
  private final ObjectStore store;
  private final String bucket;
  private final List<StagedFile> files;
  private final int ahead;
  private final ExecutorService worker;
  private final Deque<Download> pending = new ArrayDeque<>();
  private int submitted;
  private final List<Path> current = new ArrayList<>();

  private record Download(Path file, Future<?> done) {}

  StagedFileDownloads(ObjectStore store, String bucket, List<StagedFile> files, int ahead) {
    this.store = store;
    this.bucket = bucket;
    this.files = files;
    this.ahead = Math.max(1, ahead);
    this.worker = Transfers.pool("load-download", 1);
  }

  /**
   * The next {@code count} files in order, all downloaded; waits for those whose download has not
   * finished. The files of the group before are deleted first.
   */
  List<Path> next(int count) throws IOException {
    deleteCurrent();
    while (pending.size() < count + ahead - 1 && submitted < files.size()) {
      String key = files.get(submitted++).key();
      Path temp = Files.createTempFile("fitbit-load-", ".parquet");
      pending.add(
          new Download(
              temp,
              worker.submit(
                  () -> {
                    try {
                      store.download(bucket, key, temp);
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  })));
    }
    for (int i = 0; i < count; i++) {
      Download next = pending.poll();
      if (next == null) {
        throw new IllegalStateException("no staged file left to download");
      }
      // In the list before waiting: if the download fails, close() still deletes its file.
      current.add(next.file());
      Transfers.await(next.done(), "downloading " + next.file());
    }
    return List.copyOf(current);
  }

  private void deleteCurrent() throws IOException {
    for (Path file : current) {
      Files.deleteIfExists(file);
    }
    current.clear();
  }

  @Override
  public void close() throws IOException {
    worker.shutdownNow();
    for (Download download : pending) {
      download.done().cancel(true);
    }
    try {
      // A download still writing its file must stop before the file can be deleted for good.
      worker.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteCurrent();
    for (Download download : pending) {
      Files.deleteIfExists(download.file());
    }
    pending.clear();
  }
}
