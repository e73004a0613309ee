package io.fitbitpipeline.core.step;

import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.RawFile;
import io.fitbitpipeline.core.lake.Transfers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Reads a transform's raw files ahead of the one being parsed, several at once, so S3's per-request
 * latency is paid in parallel instead of file after file. Bounded twice: at most {@link #AHEAD}
 * files and {@link #BYTES_AHEAD} bytes in flight or waiting, each file at most {@link #MAX_BYTES}
 * (larger files are streamed when their turn comes, as before), so memory stays small whatever the
 * input. Most files are minute-level days of 50-100 KB: a count bound alone would keep too few
 * requests in flight to hide 20 ms of latency per request behind a C1-compiled parser (measured:
 * 1.84x the time without latency at 8 files and 4 threads). {@link #THREADS} requests at once: a
 * request held 20 ms took about 34 ms in all on the bench, so 12 threads capped the step at about
 * 350 files a second, below what the parser does (20: 1.16x against 1.27x, same peak RSS; the bytes
 * bound, not the thread count, bounds memory). Once the parser and Parquet writer got faster
 * (ColumnPages), 20 capped it again: alternating on the bench, 20 gave 1.21x and 1.26x at 207 MB
 * peak RSS, 32 gave 1.12x and 1.10x at 224 MB (40: 1.14x at 236 MB). Each read keeps the store's
 * retry of broken-off transfers.
 */
final class RawPrefetch implements AutoCloseable {
  static final int AHEAD = 48;
  static final long MAX_BYTES = 4L * 1024 * 1024;
  static final long BYTES_AHEAD = 16L * 1024 * 1024;
  private static final int THREADS = 32;

  private final ObjectStore store;
  private final String bucket;
  private final List<RawFile> files;
  private final Consumer<String> onRetry;
  private final Future<?>[] pending;
  private final ExecutorService pool;
  private int submitted;
  private long bytesAhead;

  RawPrefetch(ObjectStore store, String bucket, List<RawFile> files, Consumer<String> onRetry) {
    this.store = store;
    this.bucket = bucket;
    this.files = files;
    this.onRetry = onRetry;
    this.pending = new Future<?>[files.size()];
    this.pool = Transfers.pool("raw-prefetch", THREADS);
  }

  /**
   * Starts the first files' requests now, so their latency passes while the step does its other
   * start-up work (quarantine copies, the work folder).
   */
  void start() {
    fillAhead(0);
  }

  /** Submits the files up to {@code index + AHEAD} not yet submitted, within the byte budget. */
  private void fillAhead(int index) {
    while (submitted < files.size() && submitted <= index + AHEAD) {
      RawFile file = files.get(submitted);
      if (file.size() <= MAX_BYTES) {
        // The file being asked for is always fetched; those ahead of it only within the budget.
        if (submitted > index && bytesAhead + file.size() > BYTES_AHEAD) {
          break;
        }
        bytesAhead += file.size();
        pending[submitted] =
            pool.submit(() -> store.read(bucket, file.key(), in -> in.readAllBytes(), onRetry));
      }
      submitted++;
    }
  }

  /** Reads file {@code index} of the list with {@code reader}; call in list order. */
  <T, E extends Exception> T read(int index, ObjectStore.Reader<T, E> reader)
      throws IOException, E {
    fillAhead(index);
    Future<?> future = pending[index];
    pending[index] = null;
    if (future == null) {
      return store.read(bucket, files.get(index).key(), reader, onRetry);
    }
    bytesAhead -= files.get(index).size();
    byte[] content = (byte[]) Transfers.await(future, "reading " + files.get(index).key());
    return reader.read(new ByteArrayInputStream(content));
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
