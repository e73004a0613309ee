package io.fitbitpipeline.core.format;

import io.fitbitpipeline.core.lake.TransferException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * The bytes of a raw file as the JSON parser should see them. A gzip body (it starts with the gzip
 * magic bytes 1f 8b, as after an upload with Content-Encoding: gzip) is decompressed; every body is
 * cut off at {@link InputLimits#maxFileBytes()}, counted after decompression, so a gzip bomb stops
 * there too. A body that is not gzip is passed on unchanged: a deflate stream without its gzip
 * header is just bytes that are not JSON, and the parser says so.
 */
public final class RawBody {
  private static final int BUFFER = 1 << 16;

  /**
   * Enough to look at the first two bytes; bulk reads (the parser reads a body whole) bypass a
   * BufferedInputStream's buffer, so a large one would only be allocated per file for nothing.
   */
  private static final int PEEK_BUFFER = 1 << 13;

  private final InputLimits limits;

  public RawBody(InputLimits limits) {
    this.limits = limits;
  }

  /** Wraps {@code in} (closing the result closes it). */
  public InputStream open(InputStream in) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, PEEK_BUFFER);
    buffered.mark(2);
    int first = buffered.read();
    int second = buffered.read();
    buffered.reset();
    if (first == 0x1f && second == 0x8b) {
      return new Capped(new GzipBody(buffered), limits.maxFileBytes(), true);
    }
    return new Capped(buffered, limits.maxFileBytes(), false);
  }

  /** Counts the bytes handed on and fails past the limit. */
  private static final class Capped extends FilterInputStream {
    private final long max;
    private final boolean gzip;
    private long count;

    Capped(InputStream in, long max, boolean gzip) {
      super(in);
      this.max = max;
      this.gzip = gzip;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        counted(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      // Never read more than one byte past the limit: that byte proves the body is too big.
      long room = max - count;
      int n = super.read(buffer, offset, room >= length ? length : (int) room + 1);
      if (n > 0) {
        counted(n);
      }
      return n;
    }

    private void counted(int n) throws UnreadableBodyException {
      count += n;
      if (count > max) {
        throw new UnreadableBodyException(
            (gzip ? "gzip body decompresses to" : "file is")
                + " more than "
                + InputLimits.bytes(max)
                + ", the raw file limit");
      }
    }

    @Override
    public long skip(long n) throws IOException {
      throw new IOException("skip is not supported");
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }

  /**
   * gzip decoding whose own failures (a bad header, corrupt data, a cut-off stream) are the file's
   * fault, while a broken transfer underneath stays a {@link TransferException} and is retried.
   */
  private static final class GzipBody extends InputStream {
    private final InputStream compressed;
    private GZIPInputStream gzip;

    GzipBody(InputStream compressed) {
      this.compressed = compressed;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      try {
        if (gzip == null) {
          gzip = new GZIPInputStream(compressed, BUFFER);
        }
        return gzip.read(buffer, offset, length);
      } catch (TransferException e) {
        throw e;
      } catch (IOException e) {
        throw new UnreadableBodyException(
            "gzip body is corrupt: "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      }
    }

    @Override
    public void close() throws IOException {
      compressed.close();
    }
  }
}
