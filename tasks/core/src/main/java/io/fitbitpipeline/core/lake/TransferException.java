package io.fitbitpipeline.core.lake;

import java.io.IOException;

/**
 * An object's transfer broke off (connection reset mid-body, fewer bytes than announced): a
 * transport fault, never a property of the content, so reading the object again may succeed.
 */
public final class TransferException extends IOException {
  public TransferException(String message, Throwable cause) {
    super(message, cause);
  }
}
