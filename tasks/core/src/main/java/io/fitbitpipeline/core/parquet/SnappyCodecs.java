package io.fitbitpipeline.core.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * The codecs of the Parquet files this project reads: snappy, the lake's only codec, straight
 * through snappy-java as {@link SnappyPages} writes it; any other codec through parquet-java's
 * {@code CodecFactory}, made only when a file needs one. parquet-java's factory reaches snappy
 * through Hadoop's codec classes, whose first use builds a Hadoop {@code Configuration} and parses
 * its XML defaults: 0.18 s of every fresh load step JVM (docs/performance.md).
 */
final class SnappyCodecs implements CompressionCodecFactory {
  private CodecFactory others;

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    return codec == CompressionCodecName.SNAPPY ? new SnappyPages() : others().getCompressor(codec);
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    return codec == CompressionCodecName.SNAPPY
        ? new SnappyDecompressor()
        : others().getDecompressor(codec);
  }

  @Override
  public void release() {
    if (others != null) {
      others.release();
      others = null;
    }
  }

  private CodecFactory others() {
    if (others == null) {
      others = new CodecFactory(new PlainParquetConfiguration(), 0);
    }
    return others;
  }

  /** A page back from its one raw snappy block (empty for an empty page, as it was written). */
  private static final class SnappyDecompressor implements BytesInputDecompressor {
    @Override
    public BytesInput decompress(BytesInput bytes, int decompressedSize) throws IOException {
      byte[] compressed = bytes.toByteArray();
      if (compressed.length == 0 && decompressedSize == 0) {
        return BytesInput.empty();
      }
      byte[] page = new byte[decompressedSize];
      int length = Snappy.uncompress(compressed, 0, compressed.length, page, 0);
      if (length != decompressedSize) {
        throw new IOException(
            "a snappy page of " + length + " bytes where its header says " + decompressedSize);
      }
      return BytesInput.from(page);
    }

    /** As parquet-java's heap decompressor: all of {@code input} that remains, into output. */
    @Override
    public void decompress(
        ByteBuffer input, int compressedSize, ByteBuffer output, int decompressedSize)
        throws IOException {
      output.put(decompress(BytesInput.from(input), decompressedSize).toByteBuffer());
    }

    @Override
    public void release() {}
  }
}
