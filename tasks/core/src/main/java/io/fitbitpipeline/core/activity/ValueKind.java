package io.fitbitpipeline.core.activity;

/** Whether an activity's values are whole numbers (steps, floors, bpm) or decimals. */
public enum ValueKind {
  INTEGER,
  DECIMAL
}
