package io.fitbitpipeline.core.parquet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputDecompressor;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;

/**
 * {@link SnappyPages} against parquet-java's own snappy compressor: the same bytes for every page,
 * one after the other through one instance (its buffers are reused), and they decompress back.
 */
class SnappyPagesTest {
  @Test
  void compressesEveryPageAsParquetJavaDoes() throws Exception {
    Random random = new Random(7);
    byte[] noise = new byte[1 << 20];
    random.nextBytes(noise);
    byte[] levels = new byte[300_000];
    for (int i = 0; i < levels.length; i++) {
      levels[i] = (byte) (i / 1000 % 3);
    }
    byte[] text = "user0001,".repeat(20_000).getBytes(StandardCharsets.US_ASCII);
    List<BytesInput> pages =
        List.of(
            BytesInput.from(noise),
            BytesInput.from(new byte[] {1, 2, 3}),
            // A page as the column pages hand it over: levels, then values, in two parts.
            BytesInput.concat(BytesInput.from(levels), BytesInput.from(text)),
            BytesInput.from(text, 9, 1_000),
            BytesInput.empty());
    CodecFactory codecs = new CodecFactory(new PlainParquetConfiguration(), 1 << 20);
    BytesInputCompressor reference = codecs.getCompressor(CompressionCodecName.SNAPPY);
    BytesInputDecompressor decompressor = codecs.getDecompressor(CompressionCodecName.SNAPPY);
    SnappyPages pagesCompressor = new SnappyPages();
    assertEquals(CompressionCodecName.SNAPPY, pagesCompressor.getCodecName());
    for (BytesInput page : pages) {
      byte[] raw = page.toByteArray();
      byte[] expected = reference.compress(BytesInput.from(raw)).toByteArray();
      byte[] actual = pagesCompressor.compress(page).toByteArray();
      assertArrayEquals(expected, actual, "page of " + raw.length + " bytes");
      assertArrayEquals(
          raw, decompressor.decompress(BytesInput.from(actual), raw.length).toByteArray());
    }
    codecs.release();
  }
}
