package io.fitbitpipeline.core.lake;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/** {@link ObjectStore} on the AWS SDK v2: the same code for Amazon S3 and local S3-API servers. */
public final class S3ObjectStore implements ObjectStore {
  private final S3Client s3;

  public S3ObjectStore(S3Client s3) {
    this.s3 = s3;
  }

  @Override
  public void list(String bucket, String prefix, Consumer<StoredObject> sink) {
    // Keys come URL-encoded (the SDK decodes them): a key with a control character cannot be
    // written in the XML response otherwise, and one such object would break every listing.
    ListObjectsV2Request request =
        ListObjectsV2Request.builder()
            .bucket(bucket)
            .prefix(prefix)
            .encodingType(EncodingType.URL)
            .build();
    for (S3Object object : s3.listObjectsV2Paginator(request).contents()) {
      // Some S3-API servers list folder markers as objects; they are not files.
      if (!object.key().endsWith("/")) {
        sink.accept(new StoredObject(object.key(), unquote(object.eTag()), object.size()));
      }
    }
  }

  @Override
  public InputStream open(String bucket, String key) {
    ResponseInputStream<GetObjectResponse> response = s3.getObject(b -> b.bucket(bucket).key(key));
    Long length = response.response().contentLength();
    return new CheckedStream(response, length == null ? -1 : length);
  }

  /**
   * The body of one GET: a read that fails, or an end before the announced length, is a {@link
   * TransferException}, so a reset connection never looks like a truncated file.
   */
  private static final class CheckedStream extends FilterInputStream {
    private final ResponseInputStream<GetObjectResponse> response;
    private final long expected;
    private long received;

    CheckedStream(ResponseInputStream<GetObjectResponse> response, long expected) {
      super(response);
      this.response = response;
      this.expected = expected;
    }

    @Override
    public int read() throws IOException {
      try {
        int b = super.read();
        if (b < 0) {
          checkComplete();
        } else {
          received++;
        }
        return b;
      } catch (TransferException e) {
        throw e;
      } catch (IOException | SdkClientException e) {
        throw broken(e);
      }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      try {
        int n = super.read(buffer, offset, length);
        if (n < 0) {
          checkComplete();
        } else {
          received += n;
        }
        return n;
      } catch (TransferException e) {
        throw e;
      } catch (IOException | SdkClientException e) {
        throw broken(e);
      }
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      received += skipped;
      return skipped;
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    @Override
    public void close() throws IOException {
      if (expected >= 0 && received < expected) {
        // Not read to the end: drop the connection instead of draining it.
        response.abort();
      }
      try {
        super.close();
      } catch (IOException e) {
        throw broken(e);
      }
    }

    private void checkComplete() throws TransferException {
      if (expected >= 0 && received < expected) {
        throw new TransferException(
            "the body ended after " + received + " of " + expected + " bytes", null);
      }
    }

    private TransferException broken(Exception e) {
      return new TransferException(
          e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + " after "
              + received
              + (expected >= 0 ? " of " + expected : "")
              + " bytes",
          e);
    }
  }

  @Override
  public <T, E extends Exception> Optional<T> readIfPresent(
      String bucket, String key, Reader<T, E> reader, Consumer<String> onRetry)
      throws IOException, E {
    // The GET answers 404 NoSuchKey for a missing object: no HEAD first (a round trip saved).
    try {
      return Optional.of(read(bucket, key, reader, onRetry));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
  }

  @Override
  public void put(String bucket, String key, byte[] content) {
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content));
  }

  @Override
  public void put(String bucket, String key, byte[] content, String contentType) {
    s3.putObject(
        b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(content));
  }

  @Override
  public void putFile(String bucket, String key, Path file) {
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(file));
  }

  @Override
  public void download(String bucket, String key, Path target) throws IOException {
    read(
        bucket,
        key,
        in -> Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING),
        message -> System.err.println("WARN: " + message));
  }

  @Override
  public void copy(String sourceBucket, String sourceKey, String targetBucket, String targetKey) {
    s3.copyObject(
        b ->
            b.sourceBucket(sourceBucket)
                .sourceKey(sourceKey)
                .destinationBucket(targetBucket)
                .destinationKey(targetKey));
  }

  @Override
  public boolean exists(String bucket, String key) {
    try {
      s3.headObject(b -> b.bucket(bucket).key(key));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public void delete(String bucket, String key) {
    s3.deleteObject(b -> b.bucket(bucket).key(key));
  }

  @Override
  public void ensureBucket(String bucket) {
    try {
      s3.headBucket(b -> b.bucket(bucket));
    } catch (NoSuchBucketException e) {
      create(bucket);
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      if (e.statusCode() != 404) {
        throw e;
      }
      create(bucket);
    }
  }

  private void create(String bucket) {
    try {
      s3.createBucket(b -> b.bucket(bucket));
    } catch (BucketAlreadyOwnedByYouException e) {
      // Another step created it first.
    }
  }

  static String unquote(String etag) {
    if (etag == null) {
      return "";
    }
    return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
        ? etag.substring(1, etag.length() - 1)
        : etag;
  }
}
