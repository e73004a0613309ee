package io.fitbitpipeline.core.lakehouse.bronze;

/**
 * Received text as the warehouse can hold it. PostgreSQL and Redshift text cannot hold a NUL
 * character, so one record with a NUL byte would make every load of its batch fail and stall its
 * partition for good; each NUL is stored as the six characters backslash, u, 0, 0, 0, 0 instead
 * (the only change bronze makes to what it received; docs/hostile-input.md).
 */
final class StorableText {
  private static final byte[] NUL_TEXT = {'\\', 'u', '0', '0', '0', '0'};

  private StorableText() {}

  /** The bytes unchanged when they hold no NUL byte (the usual case: no copy). */
  static byte[] bytes(byte[] received) {
    int nuls = 0;
    for (byte b : received) {
      if (b == 0) {
        nuls++;
      }
    }
    if (nuls == 0) {
      return received;
    }
    byte[] out = new byte[received.length + nuls * (NUL_TEXT.length - 1)];
    int at = 0;
    for (byte b : received) {
      if (b == 0) {
        System.arraycopy(NUL_TEXT, 0, out, at, NUL_TEXT.length);
        at += NUL_TEXT.length;
      } else {
        out[at++] = b;
      }
    }
    return out;
  }

  static String string(String received) {
    return received.indexOf('\u0000') < 0 ? received : received.replace("\u0000", "\\u0000");
  }
}
