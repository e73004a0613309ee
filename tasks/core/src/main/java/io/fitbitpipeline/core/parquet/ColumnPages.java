package io.fitbitpipeline.core.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveComparator;

/**
 * One flat column of the row group being written: the current page's values in a primitive array,
 * encoded when the page is complete into the bytes parquet-java's own V1 column writer makes, and
 * handed to parquet-java's {@link PageWriter} (which compresses, indexes and writes them).
 *
 * <p>The encoding is parquet-java's: no repetition levels (every column is top-level); definition
 * levels for an optional column only, RLE with a 4-byte length; values dictionary-encoded
 * (PLAIN_DICTIONARY: a bit-width byte and RLE/bit-packed ids) if, on the chunk's first page, that
 * makes the page smaller than PLAIN, and until the page whose values take the dictionary past the
 * dictionary page size (parquet-java checks after every value, so its dictionary pages stop a
 * little smaller); PLAIN after that, and for the columns whose dictionary is turned off in the
 * properties. Pages keep the min/max statistics a page of parquet-java's has.
 *
 * <p>Why not parquet-java's {@code ColumnWriter}: it takes one value at a time through level
 * writers, a fallback writer, a dictionary writer and the statistics, all interfaces called from
 * the same places for every column, so the JIT cannot specialise them; the transform's profile put
 * most of its time there (docs/performance.md). Here adding a value is an array store, and a page
 * is encoded in one loop per column.
 */
abstract class ColumnPages {
  /** Rows per page, parquet-java's default page row limit. */
  static final int PAGE_ROWS = ParquetProperties.DEFAULT_PAGE_ROW_COUNT_LIMIT;

  /**
   * Arrays start this small and double up to a page: a day-level table's writer holds a few rows,
   * and a transform keeps several writers open at once.
   */
  static final int FIRST_CAPACITY = 512;

  final ColumnDescriptor descriptor;
  private final PageWriter pageWriter;
  private final boolean optional;
  private boolean[] present;
  private int[] ids = new int[0];
  private final int dictionaryLimit;
  private boolean plain;
  private boolean dictionaryUsed;
  private boolean firstPage = true;

  /** Values in the page, NULLs included, and the non-NULL ones. */
  int count;

  int values;

  ColumnPages(
      ColumnDescriptor descriptor,
      PageWriter pageWriter,
      ParquetProperties properties,
      boolean dictionary) {
    this.descriptor = descriptor;
    this.pageWriter = pageWriter;
    this.optional = descriptor.getMaxDefinitionLevel() > 0;
    this.present = optional ? new boolean[FIRST_CAPACITY] : null;
    this.dictionaryLimit = properties.getDictionaryPageSizeThreshold();
    this.plain = !dictionary || !properties.isDictionaryEnabled(descriptor);
  }

  /** The column's writer for this descriptor's type. */
  static ColumnPages of(
      ColumnDescriptor descriptor, PageWriter pageWriter, ParquetProperties properties) {
    return switch (descriptor.getPrimitiveType().getPrimitiveTypeName()) {
      case INT32 -> new Ints(descriptor, pageWriter, properties);
      case INT64 -> new Longs(descriptor, pageWriter, properties);
      case DOUBLE -> new Doubles(descriptor, pageWriter, properties);
      case BINARY -> new Texts(descriptor, pageWriter, properties);
      case BOOLEAN -> new Booleans(descriptor, pageWriter, properties);
      default ->
          throw new IllegalArgumentException(
              "no flat writer for " + descriptor + " (" + descriptor.getPrimitiveType() + ")");
    };
  }

  void addNull() {
    if (count == present.length) {
      present = Arrays.copyOf(present, grown(count));
    }
    present[count++] = false;
  }

  /** The next capacity of an array of {@code length} values, at most a page. */
  static int grown(int length) {
    return Math.min(length * 2, PAGE_ROWS);
  }

  /** A scratch array for the page's {@code values} dictionary ids. */
  final int[] ids() {
    if (ids.length < values) {
      ids = new int[values];
    }
    return ids;
  }

  /** Marks the value just stored at {@code values} as present and counts it. */
  final void added() {
    if (optional) {
      if (count == present.length) {
        present = Arrays.copyOf(present, grown(count));
      }
      present[count] = true;
    }
    count++;
    values++;
  }

  void add(int value) {
    throw new UnsupportedOperationException(descriptor + " takes no int");
  }

  void add(long value) {
    throw new UnsupportedOperationException(descriptor + " takes no long");
  }

  void add(double value) {
    throw new UnsupportedOperationException(descriptor + " takes no double");
  }

  void add(boolean value) {
    throw new UnsupportedOperationException(descriptor + " takes no boolean");
  }

  void add(Binary value) {
    throw new UnsupportedOperationException(descriptor + " takes no binary");
  }

  /** Bytes the current page holds before encoding; with the written pages, the row group's size. */
  long bufferedBytes() {
    return pageWriter.getMemSize() + (long) values * valueWidth() + count / 8;
  }

  /** Encodes the current page (one value per row) and hands it on; nothing if it is empty. */
  final void writePage() throws IOException {
    if (count == 0) {
      return;
    }
    Statistics<?> statistics = Statistics.createStats(descriptor.getPrimitiveType());
    statistics.incrementNumNulls(count - values);
    if (values > 0) {
      updateStatistics(statistics);
    }
    BytesInput encoded;
    Encoding encoding;
    if (!plain) {
      BytesInput ids = dictionaryIds();
      long dictionaryBytes = dictionaryBytes();
      if (firstPage && ids.size() + dictionaryBytes >= plainBytes()) {
        // As parquet-java decides: a dictionary that does not pay off on the first page is
        // dropped for the whole chunk.
        plain = true;
        clearDictionary();
        encoded = plainValues();
        encoding = Encoding.PLAIN;
      } else {
        encoded = ids;
        encoding = Encoding.PLAIN_DICTIONARY;
        dictionaryUsed = true;
        // Later pages are plain once the dictionary is full; this one's ids stay valid.
        plain = dictionaryBytes > dictionaryLimit;
      }
    } else {
      encoded = plainValues();
      encoding = Encoding.PLAIN;
    }
    BytesInput page = optional ? BytesInput.concat(definitionLevels(), encoded) : encoded;
    pageWriter.writePage(
        page,
        count,
        count,
        statistics,
        Encoding.BIT_PACKED,
        optional ? Encoding.RLE : Encoding.BIT_PACKED,
        encoding);
    firstPage = false;
    count = 0;
    values = 0;
    pageWritten();
  }

  /** Resets what a subclass counts per page. */
  void pageWritten() {}

  /** After the chunk's last page: its dictionary page, if a page used the dictionary. */
  final void finishChunk() throws IOException {
    if (dictionaryUsed) {
      pageWriter.writeDictionaryPage(
          new DictionaryPage(dictionaryValues(), dictionarySize(), Encoding.PLAIN_DICTIONARY));
    }
  }

  private BytesInput definitionLevels() throws IOException {
    RunLengthBitPackingHybridEncoder levels = encoder(1, count);
    for (int i = 0; i < count; i++) {
      levels.writeInt(present[i] ? 1 : 0);
    }
    BytesInput bytes = levels.toBytes();
    return BytesInput.concat(BytesInput.fromInt((int) bytes.size()), bytes);
  }

  /** The page's dictionary ids: a bit-width byte, then the ids RLE/bit-packed. */
  final BytesInput encodeIds(int[] ids, int dictionarySize) throws IOException {
    int bitWidth = BytesUtils.getWidthFromMaxInt(Math.max(dictionarySize - 1, 0));
    RunLengthBitPackingHybridEncoder encoder = encoder(bitWidth, values);
    for (int i = 0; i < values; i++) {
      encoder.writeInt(ids[i]);
    }
    return BytesInput.concat(BytesInput.from(new byte[] {(byte) bitWidth}), encoder.toBytes());
  }

  private static RunLengthBitPackingHybridEncoder encoder(int bitWidth, int count) {
    int capacity = Math.max(64, count * Math.max(bitWidth, 1) / 8 + 64);
    return new RunLengthBitPackingHybridEncoder(
        bitWidth, capacity, capacity * 2, HeapByteBufferAllocator.getInstance());
  }

  static ByteBuffer littleEndian(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  abstract int valueWidth();

  abstract void updateStatistics(Statistics<?> statistics);

  abstract BytesInput plainValues();

  abstract long plainBytes();

  /** Looks every value of the page up in (or adds it to) the chunk's dictionary. */
  BytesInput dictionaryIds() throws IOException {
    throw new IllegalStateException(descriptor + " has no dictionary");
  }

  long dictionaryBytes() {
    return 0;
  }

  int dictionarySize() {
    return 0;
  }

  BytesInput dictionaryValues() {
    return BytesInput.empty();
  }

  void clearDictionary() {}

  /**
   * Dictionary of 64-bit keys (an int, a long, a double's bits) to ids in first-seen order, open
   * addressing with linear probing; the keys in id order make the dictionary page.
   */
  static final class LongDictionary {
    private long[] slots = new long[64];
    private int[] ids = new int[64];
    private boolean[] used = new boolean[64];
    private long[] keys = new long[16];
    private int size;
    private long lastKey;
    private int lastId = -1;

    int id(long key) {
      // Runs are common (a night of zero steps, a steady heart rate): the last key first.
      if (key == lastKey && lastId >= 0) {
        return lastId;
      }
      lastKey = key;
      lastId = lookUp(key);
      return lastId;
    }

    private int lookUp(long key) {
      int mask = slots.length - 1;
      int i = (int) mix(key) & mask;
      while (used[i]) {
        if (slots[i] == key) {
          return ids[i];
        }
        i = (i + 1) & mask;
      }
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
      }
      keys[size] = key;
      used[i] = true;
      slots[i] = key;
      ids[i] = size;
      if (++size * 2 > slots.length) {
        grow();
      }
      return size - 1;
    }

    int size() {
      return size;
    }

    long key(int id) {
      return keys[id];
    }

    private void grow() {
      int capacity = slots.length * 2;
      slots = new long[capacity];
      ids = new int[capacity];
      used = new boolean[capacity];
      int mask = capacity - 1;
      for (int id = 0; id < size; id++) {
        int i = (int) mix(keys[id]) & mask;
        while (used[i]) {
          i = (i + 1) & mask;
        }
        used[i] = true;
        slots[i] = keys[id];
        ids[i] = id;
      }
    }

    private static long mix(long key) {
      long h = key * 0x9E3779B97F4A7C15L;
      return h ^ (h >>> 32);
    }
  }

  /**
   * A fixed-width column whose dictionary is keyed by 64 bits (an int, a long, a double's exact
   * bits, so every value reads back as it was): what the three numeric kinds share but the loop
   * over the page, kept in each so that it calls nothing virtual per value.
   */
  abstract static class Numbers extends ColumnPages {
    private final int width;
    LongDictionary dictionary = new LongDictionary();

    Numbers(
        ColumnDescriptor descriptor,
        PageWriter pageWriter,
        ParquetProperties properties,
        int width) {
      super(descriptor, pageWriter, properties, true);
      this.width = width;
    }

    @Override
    final int valueWidth() {
      return width;
    }

    @Override
    final long plainBytes() {
      return values * (long) width;
    }

    @Override
    final long dictionaryBytes() {
      return dictionary.size() * (long) width;
    }

    @Override
    final int dictionarySize() {
      return dictionary.size();
    }

    /** The dictionary page: the keys in id order, PLAIN (a double's key is its bits). */
    @Override
    final BytesInput dictionaryValues() {
      ByteBuffer out = littleEndian(dictionary.size() * width);
      for (int id = 0; id < dictionary.size(); id++) {
        if (width == 4) {
          out.putInt((int) dictionary.key(id));
        } else {
          out.putLong(dictionary.key(id));
        }
      }
      return BytesInput.from(out.array());
    }

    @Override
    final void clearDictionary() {
      dictionary = new LongDictionary();
    }
  }

  /** INT32 columns (INTEGER, SMALLINT, DATE). */
  static final class Ints extends Numbers {
    private int[] page = new int[FIRST_CAPACITY];

    Ints(ColumnDescriptor descriptor, PageWriter pageWriter, ParquetProperties properties) {
      super(descriptor, pageWriter, properties, 4);
    }

    @Override
    void add(int value) {
      if (values == page.length) {
        page = Arrays.copyOf(page, grown(values));
      }
      page[values] = value;
      added();
    }

    @Override
    void updateStatistics(Statistics<?> statistics) {
      int min = page[0];
      int max = page[0];
      for (int i = 1; i < values; i++) {
        min = Math.min(min, page[i]);
        max = Math.max(max, page[i]);
      }
      statistics.updateStats(min);
      statistics.updateStats(max);
    }

    @Override
    BytesInput plainValues() {
      ByteBuffer out = littleEndian(values * 4);
      out.asIntBuffer().put(page, 0, values);
      return BytesInput.from(out.array());
    }

    @Override
    BytesInput dictionaryIds() throws IOException {
      int[] ids = ids();
      for (int i = 0; i < values; i++) {
        ids[i] = dictionary.id(page[i]);
      }
      return encodeIds(ids, dictionary.size());
    }
  }

  /** INT64 columns (BIGINT, timestamps). */
  static final class Longs extends Numbers {
    private long[] page = new long[FIRST_CAPACITY];

    Longs(ColumnDescriptor descriptor, PageWriter pageWriter, ParquetProperties properties) {
      super(descriptor, pageWriter, properties, 8);
    }

    @Override
    void add(long value) {
      if (values == page.length) {
        page = Arrays.copyOf(page, grown(values));
      }
      page[values] = value;
      added();
    }

    @Override
    void updateStatistics(Statistics<?> statistics) {
      long min = page[0];
      long max = page[0];
      for (int i = 1; i < values; i++) {
        min = Math.min(min, page[i]);
        max = Math.max(max, page[i]);
      }
      statistics.updateStats(min);
      statistics.updateStats(max);
    }

    @Override
    BytesInput plainValues() {
      ByteBuffer out = littleEndian(values * 8);
      out.asLongBuffer().put(page, 0, values);
      return BytesInput.from(out.array());
    }

    @Override
    BytesInput dictionaryIds() throws IOException {
      int[] ids = ids();
      for (int i = 0; i < values; i++) {
        ids[i] = dictionary.id(page[i]);
      }
      return encodeIds(ids, dictionary.size());
    }
  }

  /** DOUBLE columns; the dictionary is keyed by the exact bits, so every value reads back. */
  static final class Doubles extends Numbers {
    private double[] page = new double[FIRST_CAPACITY];

    Doubles(ColumnDescriptor descriptor, PageWriter pageWriter, ParquetProperties properties) {
      super(descriptor, pageWriter, properties, 8);
    }

    @Override
    void add(double value) {
      if (values == page.length) {
        page = Arrays.copyOf(page, grown(values));
      }
      page[values] = value;
      added();
    }

    @Override
    void updateStatistics(Statistics<?> statistics) {
      // Math.min/max order -0.0 below 0.0, as parquet-java's double statistics do, and let a NaN
      // win both, which the statistics then record as having no min/max, as they would.
      double min = page[0];
      double max = page[0];
      for (int i = 1; i < values; i++) {
        min = Math.min(min, page[i]);
        max = Math.max(max, page[i]);
      }
      statistics.updateStats(min);
      statistics.updateStats(max);
    }

    @Override
    BytesInput plainValues() {
      ByteBuffer out = littleEndian(values * 8);
      out.asDoubleBuffer().put(page, 0, values);
      return BytesInput.from(out.array());
    }

    @Override
    BytesInput dictionaryIds() throws IOException {
      int[] ids = ids();
      for (int i = 0; i < values; i++) {
        ids[i] = dictionary.id(Double.doubleToRawLongBits(page[i]));
      }
      return encodeIds(ids, dictionary.size());
    }
  }

  /**
   * BINARY (text) columns. A run of the same Binary object (a file's user id, row after row) is
   * compared and looked up once.
   */
  static final class Texts extends ColumnPages {
    private Binary[] page = new Binary[FIRST_CAPACITY];
    private Map<Binary, Integer> dictionary = new HashMap<>();
    private List<Binary> dictionaryInOrder = new ArrayList<>();
    private long dictionaryBytes;
    private long pageBytes;

    Texts(ColumnDescriptor descriptor, PageWriter pageWriter, ParquetProperties properties) {
      super(descriptor, pageWriter, properties, true);
    }

    @Override
    void add(Binary value) {
      if (values == page.length) {
        page = Arrays.copyOf(page, grown(values));
      }
      page[values] = value;
      pageBytes += 4 + value.length();
      added();
    }

    @Override
    long bufferedBytes() {
      return super.bufferedBytes() + pageBytes;
    }

    @Override
    int valueWidth() {
      return 0;
    }

    @Override
    void updateStatistics(Statistics<?> statistics) {
      PrimitiveComparator<Binary> order = descriptor.getPrimitiveType().comparator();
      Binary min = page[0];
      Binary max = page[0];
      for (int i = 1; i < values; i++) {
        Binary value = page[i];
        if (value == page[i - 1]) {
          continue;
        }
        if (order.compare(value, min) < 0) {
          min = value;
        }
        if (order.compare(value, max) > 0) {
          max = value;
        }
      }
      statistics.updateStats(min);
      statistics.updateStats(max);
    }

    @Override
    BytesInput plainValues() {
      ByteBuffer out = littleEndian((int) pageBytes);
      for (int i = 0; i < values; i++) {
        putPlain(out, page[i]);
      }
      return BytesInput.from(out.array());
    }

    private static void putPlain(ByteBuffer out, Binary value) {
      out.putInt(value.length());
      out.put(value.toByteBuffer());
    }

    @Override
    long plainBytes() {
      return pageBytes;
    }

    @Override
    void pageWritten() {
      pageBytes = 0;
    }

    @Override
    BytesInput dictionaryIds() throws IOException {
      int[] ids = ids();
      Binary last = null;
      int lastId = -1;
      for (int i = 0; i < values; i++) {
        Binary value = page[i];
        if (value != last) {
          Integer id = dictionary.get(value);
          if (id == null) {
            // The writer reuses no byte arrays, so the value can be kept as it is.
            id = dictionaryInOrder.size();
            dictionary.put(value, id);
            dictionaryInOrder.add(value);
            dictionaryBytes += 4 + value.length();
          }
          last = value;
          lastId = id;
        }
        ids[i] = lastId;
      }
      return encodeIds(ids, dictionaryInOrder.size());
    }

    @Override
    long dictionaryBytes() {
      return dictionaryBytes;
    }

    @Override
    int dictionarySize() {
      return dictionaryInOrder.size();
    }

    @Override
    BytesInput dictionaryValues() {
      ByteBuffer out = littleEndian((int) dictionaryBytes);
      for (Binary value : dictionaryInOrder) {
        putPlain(out, value);
      }
      return BytesInput.from(out.array());
    }

    @Override
    void clearDictionary() {
      dictionary = new HashMap<>();
      dictionaryInOrder = new ArrayList<>();
      dictionaryBytes = 0;
    }
  }

  /** BOOLEAN columns: PLAIN, one bit per value, as parquet-java writes them (no dictionary). */
  static final class Booleans extends ColumnPages {
    private boolean[] page = new boolean[FIRST_CAPACITY];

    Booleans(ColumnDescriptor descriptor, PageWriter pageWriter, ParquetProperties properties) {
      super(descriptor, pageWriter, properties, false);
    }

    @Override
    void add(boolean value) {
      if (values == page.length) {
        page = Arrays.copyOf(page, grown(values));
      }
      page[values] = value;
      added();
    }

    @Override
    int valueWidth() {
      return 1;
    }

    @Override
    void updateStatistics(Statistics<?> statistics) {
      boolean anyFalse = false;
      boolean anyTrue = false;
      for (int i = 0; i < values; i++) {
        anyTrue |= page[i];
        anyFalse |= !page[i];
      }
      if (anyFalse) {
        statistics.updateStats(false);
      }
      if (anyTrue) {
        statistics.updateStats(true);
      }
    }

    @Override
    BytesInput plainValues() {
      byte[] out = new byte[(values + 7) / 8];
      for (int i = 0; i < values; i++) {
        if (page[i]) {
          out[i >> 3] |= (byte) (1 << (i & 7));
        }
      }
      return BytesInput.from(out);
    }

    @Override
    long plainBytes() {
      return (values + 7) / 8;
    }
  }
}
