package io.fitbitpipeline.core.config;

/** The environment is missing or contradicts a setting; the message names the variable. */
public final class ConfigurationException extends RuntimeException {
  public ConfigurationException(String message) {
    super(message);
  }
}
