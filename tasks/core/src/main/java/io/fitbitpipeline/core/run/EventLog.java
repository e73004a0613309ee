package io.fitbitpipeline.core.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pipeline's progress and outcome lines: one JSON object per line in a container (for Airflow
 * task logs and CloudWatch Logs Insights), readable text in a terminal. Never given secrets.
 */
public final class EventLog {
  public enum Format {
    TEXT,
    JSON
  }

  private final PrintStream out;
  private final Format format;
  private final Clock clock;
  private final ObjectMapper json;

  public EventLog(PrintStream out, Format format, Clock clock, ObjectMapper json) {
    this.out = out;
    this.format = format;
    this.clock = clock;
    this.json = json;
  }

  /** LOG_FORMAT=json|text; auto (the default) means JSON when CONTAINER=true. */
  public static Format formatFrom(Map<String, String> env) {
    String configured =
        env.getOrDefault("LOG_FORMAT", "auto").trim().toLowerCase(java.util.Locale.ROOT);
    return switch (configured) {
      case "json" -> Format.JSON;
      case "text" -> Format.TEXT;
      default -> "true".equalsIgnoreCase(env.get("CONTAINER")) ? Format.JSON : Format.TEXT;
    };
  }

  public void info(String step, Object activity, RunId run, String message, Map<String, ?> fields) {
    emit("INFO", step, activity, run, message, fields);
  }

  public void warn(String step, Object activity, RunId run, String message, Map<String, ?> fields) {
    emit("WARN", step, activity, run, message, fields);
  }

  private synchronized void emit(
      String level,
      String step,
      Object activity,
      RunId run,
      String message,
      Map<String, ?> fields) {
    if (format == Format.JSON) {
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("ts", clock.instant().toString());
      event.put("level", level);
      event.put("step", step);
      event.put("activity", activity == null ? null : activity.toString());
      event.put("run_id", run == null ? null : run.value());
      event.put("message", message);
      // Sorted, so the same event always reads the same (callers pass unordered Map.of).
      event.putAll(new TreeMap<>(fields));
      try {
        out.println(json.writeValueAsString(event));
      } catch (JsonProcessingException e) {
        out.println("{\"level\":\"ERROR\",\"message\":\"unserialisable log event\"}");
      }
      return;
    }
    StringBuilder line = new StringBuilder();
    line.append(level.equals("INFO") ? "" : level + " ")
        .append(step)
        .append(activity == null ? "" : " " + activity)
        .append(": ")
        .append(message);
    new TreeMap<>(fields).forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
    out.println(line);
  }
}
