package io.fitbitpipeline.core.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The background object transfers of a step (raw prefetch, staging uploads, load downloads): their
 * threads, and their failures given back to the caller's thread as the direct call would have
 * raised them.
 */
public final class Transfers {
  private Transfers() {}

  /**
   * A fixed pool of daemon threads named {@code name}: a failed step never waits on them to exit.
   */
  public static ExecutorService pool(String name, int threads) {
    return Executors.newFixedThreadPool(
        threads,
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * The transfer's result; its failure as it would have been raised in the caller's thread (an
   * {@link UncheckedIOException} as its IOException). {@code what} names the transfer for an
   * interruption.
   */
  public static <T> T await(Future<T> transfer, String what) throws IOException {
    try {
      return transfer.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while " + what, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof UncheckedIOException unchecked) {
        throw unchecked.getCause();
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException(cause);
    }
  }
}
