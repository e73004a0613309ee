package io.fitbitpipeline.core.lake;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.Consumer;

/** The few object-storage operations the pipeline needs; S3 in production and locally. */
public interface ObjectStore {
  /** Calls {@code sink} for every object under {@code prefix}, in key order. */
  void list(String bucket, String prefix, Consumer<StoredObject> sink);

  InputStream open(String bucket, String key) throws IOException;

  void put(String bucket, String key, byte[] content);

  void putFile(String bucket, String key, Path file);

  void download(String bucket, String key, Path target) throws IOException;

  void copy(String sourceBucket, String sourceKey, String targetBucket, String targetKey);

  boolean exists(String bucket, String key);

  /** Deletes the object; deleting a missing object is not an error. */
  void delete(String bucket, String key);

  /** Creates the bucket when it is missing (local stacks; in AWS Terraform creates them). */
  void ensureBucket(String bucket);
}
