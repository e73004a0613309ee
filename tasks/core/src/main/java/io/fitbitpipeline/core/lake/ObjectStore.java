package io.fitbitpipeline.core.lake;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/** The few object-storage operations the pipeline needs; S3 in production and locally. */
public interface ObjectStore {
  /** Calls {@code sink} for every object under {@code prefix}, in key order. */
  void list(String bucket, String prefix, Consumer<StoredObject> sink);

  /**
   * The object's content as a stream. A transport fault while it is read surfaces as a {@link
   * TransferException}; a stream that ends early is one too, never a silently shorter object.
   */
  InputStream open(String bucket, String key) throws IOException;

  /** How many times {@link #read} reads an object in all before it gives up. */
  int READ_ATTEMPTS = 3;

  /** Consumes an object's content; may fail for its own reasons, which are never retried. */
  interface Reader<T, E extends Exception> {
    T read(InputStream in) throws IOException, E;
  }

  /**
   * Reads an object whole with {@code reader}. When the transfer breaks off ({@link
   * TransferException}) the object is read again from the start, up to {@link #READ_ATTEMPTS} times
   * in all; {@code onRetry} hears of each retry (for the log). Any other failure is the reader's
   * and is thrown at once.
   */
  default <T, E extends Exception> T read(
      String bucket, String key, Reader<T, E> reader, Consumer<String> onRetry)
      throws IOException, E {
    for (int attempt = 1; ; attempt++) {
      try (InputStream in = open(bucket, key)) {
        return reader.read(in);
      } catch (TransferException e) {
        if (attempt >= READ_ATTEMPTS) {
          throw new TransferException(
              "reading s3://"
                  + bucket
                  + "/"
                  + key
                  + " failed "
                  + attempt
                  + " times, last: "
                  + e.getMessage(),
              e);
        }
        onRetry.accept(
            "reading s3://"
                + bucket
                + "/"
                + key
                + " broke off ("
                + e.getMessage()
                + "); reading it again from the start, attempt "
                + (attempt + 1)
                + " of "
                + READ_ATTEMPTS);
      }
    }
  }

  /**
   * As {@link #read}, or empty when there is no such object. Stores that can tell a missing object
   * from the GET itself override it: one request instead of an existence check and a read.
   */
  default <T, E extends Exception> Optional<T> readIfPresent(
      String bucket, String key, Reader<T, E> reader, Consumer<String> onRetry)
      throws IOException, E {
    if (!exists(bucket, key)) {
      return Optional.empty();
    }
    return Optional.of(read(bucket, key, reader, onRetry));
  }

  void put(String bucket, String key, byte[] content);

  /**
   * Writes an object with a content type (a page a browser should show, say). Stores that keep no
   * content type write it as {@link #put(String, String, byte[])} does.
   */
  default void put(String bucket, String key, byte[] content, String contentType) {
    put(bucket, key, content);
  }

  void putFile(String bucket, String key, Path file);

  void download(String bucket, String key, Path target) throws IOException;

  void copy(String sourceBucket, String sourceKey, String targetBucket, String targetKey);

  boolean exists(String bucket, String key);

  /** Deletes the object; deleting a missing object is not an error. */
  void delete(String bucket, String key);

  /** Creates the bucket when it is missing (local stacks; in AWS Terraform creates them). */
  void ensureBucket(String bucket);
}
