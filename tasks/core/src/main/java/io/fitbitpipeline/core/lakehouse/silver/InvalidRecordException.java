package io.fitbitpipeline.core.lakehouse.silver;

/** A record that cannot be conformed; the message is the reason kept in rejected_records. */
public final class InvalidRecordException extends Exception {
  public InvalidRecordException(String reason) {
    super(reason, null, false, false);
  }
}
