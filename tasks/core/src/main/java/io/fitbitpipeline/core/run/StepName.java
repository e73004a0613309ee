package io.fitbitpipeline.core.run;

/** The four steps of a run, in order. */
public enum StepName {
  EXTRACT,
  TRANSFORM,
  LOAD,
  PROMOTE;

  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
