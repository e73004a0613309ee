package io.fitbitpipeline.core.parquet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Snappy for one writer's pages, straight through snappy-java. parquet-java's {@code CodecFactory}
 * reaches the same native call through Hadoop's codec stream classes, whose first use loads
 * Hadoop's {@code Configuration} and parses its XML defaults: a cost every fresh step JVM paid on
 * its first page. A Parquet snappy page is one raw snappy block of the whole page (no framing), so
 * the bytes are the same.
 *
 * <p>The compressed page stays in a buffer reused by the next call: the page store copies it before
 * it asks for another, as it does with parquet-java's own heap compressor.
 */
final class SnappyPages implements BytesInputCompressor {
  private final Page page = new Page();
  private byte[] compressed = new byte[0];

  @Override
  public BytesInput compress(BytesInput bytes) throws IOException {
    page.reset();
    bytes.writeAllTo(page);
    if (page.size() == 0) {
      // parquet-java's compressor stream writes nothing for nothing (snappy would give one byte).
      return BytesInput.empty();
    }
    int bound = Snappy.maxCompressedLength(page.size());
    if (compressed.length < bound) {
      compressed = new byte[bound];
    }
    int length = Snappy.compress(page.bytes(), 0, page.size(), compressed, 0);
    return BytesInput.from(compressed, 0, length);
  }

  @Override
  public CompressionCodecName getCodecName() {
    return CompressionCodecName.SNAPPY;
  }

  @Override
  public void release() {
    compressed = new byte[0];
  }

  /** The uncompressed page, collected without a copy per page. */
  private static final class Page extends ByteArrayOutputStream {
    byte[] bytes() {
      return buf;
    }
  }
}
