package io.fitbitpipeline.core.parquet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputDecompressor;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;

/**
 * {@link SnappyCodecs} reads back what parquet-java's compressors wrote, through both of a
 * decompressor's entry points: snappy by itself, other codecs through parquet-java's factory.
 */
class SnappyCodecsTest {
  @Test
  void readsBackEveryPageOfEveryCodec() throws Exception {
    byte[] noise = new byte[300_000];
    new Random(11).nextBytes(noise);
    byte[] text = "user0042,2026-11-16,".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
    List<byte[]> pages = List.of(noise, text, new byte[] {7}, new byte[0]);
    CodecFactory reference = new CodecFactory(new PlainParquetConfiguration(), 1 << 20);
    SnappyCodecs codecs = new SnappyCodecs();
    for (CompressionCodecName codec :
        List.of(
            CompressionCodecName.SNAPPY,
            CompressionCodecName.GZIP,
            CompressionCodecName.UNCOMPRESSED)) {
      BytesInputDecompressor decompressor = codecs.getDecompressor(codec);
      for (byte[] page : pages) {
        byte[] compressed =
            reference.getCompressor(codec).compress(BytesInput.from(page)).toByteArray();
        String what = codec + ", page of " + page.length + " bytes";
        assertArrayEquals(
            page,
            decompressor.decompress(BytesInput.from(compressed), page.length).toByteArray(),
            what);
        ByteBuffer out = ByteBuffer.allocate(page.length);
        decompressor.decompress(ByteBuffer.wrap(compressed), compressed.length, out, page.length);
        assertArrayEquals(page, out.array(), what + ", by buffers");
      }
    }
    // A page shorter than its header says is an error, not short data.
    byte[] compressed =
        reference
            .getCompressor(CompressionCodecName.SNAPPY)
            .compress(BytesInput.from(text))
            .toByteArray();
    BytesInputDecompressor snappy = codecs.getDecompressor(CompressionCodecName.SNAPPY);
    assertThrows(
        IOException.class,
        () -> snappy.decompress(BytesInput.from(compressed), text.length + 1).toByteArray());
    codecs.release();
    reference.release();
  }
}
