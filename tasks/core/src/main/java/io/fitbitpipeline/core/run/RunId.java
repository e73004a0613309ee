package io.fitbitpipeline.core.run;

import java.util.regex.Pattern;

/** Ties the steps of one run together; Airflow's run ids (with ':' and '+') are accepted. */
public record RunId(String value) {
  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_.:+-]{1,200}");

  public RunId {
    if (value == null || !ALLOWED.matcher(value).matches() || value.contains("..")) {
      // ".." would make the run's lake keys (manifests/{run}/...) look like a parent folder.
      throw new IllegalArgumentException(
          "run id '" + value + "' must be 1-200 characters of [A-Za-z0-9_.:+-], without \"..\"");
    }
  }

  /** The form used in object keys, where ':' and '+' are awkward for some tools. */
  public String keySafe() {
    return value.replace(':', '_').replace('+', '_');
  }

  @Override
  public String toString() {
    return value;
  }
}
