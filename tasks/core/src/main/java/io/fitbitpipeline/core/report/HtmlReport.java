package io.fitbitpipeline.core.report;

import java.awt.Color;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run report as one self-contained HTML page: inline CSS, charts as inline SVG, no script, no
 * font or file from elsewhere. Every number shown in a table carries data-* attributes naming what
 * it is, so a test (or a reader's tool) can check it against the warehouse.
 */
public final class HtmlReport {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private HtmlReport() {}

  public static String render(ReportData data, Instant generatedAt) {
    StringBuilder h = new StringBuilder(256 * 1024);
    String title =
        "Fitbit data yield, "
            + data.window().from()
            + " to "
            + data.window().to()
            + (data.run() == null ? "" : " (run " + data.run() + ")");
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>")
        .append(esc(title))
        .append("</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n<header>\n<h1>Data yield and run report</h1>\n<p>")
        .append("Window <b data-field=\"window\">")
        .append(data.window().from())
        .append(" to ")
        .append(data.window().to())
        .append("</b>, ")
        .append(
            data.run() == null
                ? "no run recorded for this window"
                : "run <b data-field=\"run\">" + esc(data.run()) + "</b>")
        .append(". Generated ")
        .append(TIME.format(generatedAt))
        .append(" from the warehouse (fitbit.data_yield, fitbit_ops).</p>\n</header>\n<main>\n");
    summary(h, data);
    run(h, data);
    wearTime(h, data);
    steps(h, data);
    problems(h, data);
    attention(h, data);
    if (data.gold() != null) {
      gold(h, data.gold());
    }
    h.append("</main>\n<footer>A user-day is valid with at least 10 hours (the default of")
        .append(" YIELD_MIN_VALID_HOURS) that each have 30 or more minutes with a heart-rate")
        .append(" reading. Charts drawn by JFreeChart.</footer>\n</body>\n</html>\n");
    return h.toString();
  }

  private static void summary(StringBuilder h, ReportData data) {
    long userDays = data.yield().values().stream().mapToLong(Map::size).sum();
    long valid =
        data.yield().values().stream()
            .flatMap(m -> m.values().stream())
            .filter(ReportData.YieldDay::validDay)
            .count();
    h.append("<section id=\"summary\" class=\"cards\">\n");
    card(h, "users", data.users().size(), "users");
    card(h, "user_days", userDays, "user-days with data");
    card(h, "valid_days", valid, "valid days");
    card(h, "quarantined", data.quarantined().size(), "quarantined files");
    card(
        h,
        "rejected",
        data.rejects().stream().mapToLong(ReportData.RejectGroup::points).sum(),
        "rejected points");
    card(h, "attention", data.attention().size(), "users who need attention");
    h.append("</section>\n");
  }

  private static void card(StringBuilder h, String field, long value, String label) {
    h.append("<div class=\"card\"><span class=\"big\" data-field=\"")
        .append(field)
        .append("\">")
        .append(value)
        .append("</span><span>")
        .append(label)
        .append("</span></div>\n");
  }

  private static void run(StringBuilder h, ReportData data) {
    h.append("<section id=\"run\">\n<h2>The run</h2>\n");
    if (data.run() == null) {
      h.append(
          "<p>No run of this window is recorded in fitbit_ops.pipeline_runs.</p>\n</section>\n");
      return;
    }
    h.append("<p>Started ")
        .append(TIME.format(data.started()))
        .append(", ended ")
        .append(TIME.format(data.ended()))
        .append(": <b data-field=\"duration\">")
        .append(String.format(Locale.ROOT, "%.1f", data.seconds()))
        .append(" s</b>.</p>\n<table id=\"run-table\">\n<thead><tr><th>activity</th>")
        .append("<th>files</th><th>loaded</th><th>skipped</th><th>quarantined</th><th>points</th>")
        .append("<th>rows</th><th>rejected</th><th>duplicates</th><th>time (s)</th><th>status</th>")
        .append("</tr></thead>\n<tbody>\n");
    for (ReportData.ActivityRun a : data.activities()) {
      h.append("<tr data-activity=\"")
          .append(a.activity())
          .append("\"><th>")
          .append(a.activity())
          .append("</th>");
      num(h, "files_seen", a.filesSeen());
      num(h, "files_loaded", a.filesLoaded());
      num(h, "files_skipped", a.filesSkipped());
      num(h, "files_quarantined", a.filesQuarantined());
      num(h, "points_read", a.pointsRead());
      num(h, "rows", a.rows());
      num(h, "points_rejected", a.rejected());
      num(h, "duplicates", a.duplicates());
      h.append("<td class=\"n\">")
          .append(String.format(Locale.ROOT, "%.1f", a.seconds()))
          .append("</td>");
      h.append("<td class=\"")
          .append("succeeded".equals(a.status()) ? "ok" : "bad")
          .append("\">")
          .append(esc(a.status()))
          .append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n</section>\n");
  }

  private static void num(StringBuilder h, String field, long value) {
    h.append("<td class=\"n\" data-field=\"")
        .append(field)
        .append("\">")
        .append(value)
        .append("</td>");
  }

  private static void wearTime(StringBuilder h, ReportData data) {
    h.append("<section id=\"yield\">\n<h2>Who wore the device</h2>\n")
        .append("<p>Minutes with at least one heart-rate reading, per user and day")
        .append(" (fitbit.data_yield.heart_rate_minutes; blank: no data that day).</p>\n")
        .append("<figure id=\"figure-heatmap\">")
        .append(ReportCharts.heatmap(data))
        .append("<figcaption>Heart-rate minutes, user x day</figcaption></figure>\n")
        .append("<figure id=\"figure-valid-share\">")
        .append(ReportCharts.validShare(data))
        .append("<figcaption>Share of valid days per user</figcaption></figure>\n")
        .append("<details open><summary>The numbers: heart-rate minutes (valid hours), valid days")
        .append("</summary>\n<table id=\"yield-table\">\n<thead><tr><th>user</th>");
    for (LocalDate day : data.days()) {
      h.append("<th>").append(day.toString().substring(5)).append("</th>");
    }
    h.append("<th>valid days</th><th>share</th></tr></thead>\n<tbody>\n");
    for (String user : data.users()) {
      Map<LocalDate, ReportData.YieldDay> own = data.yield().getOrDefault(user, Map.of());
      h.append("<tr data-user=\"")
          .append(esc(user))
          .append("\"><th>")
          .append(esc(user))
          .append("</th>");
      for (LocalDate day : data.days()) {
        ReportData.YieldDay y = own.get(day);
        if (y == null) {
          h.append("<td class=\"none\" data-date=\"").append(day).append("\"></td>");
          continue;
        }
        h.append("<td class=\"n")
            .append(y.validDay() ? " valid" : "")
            .append("\" style=\"background:")
            .append(hex(heat(y.heartRateMinutes())))
            .append(y.heartRateMinutes() >= 900 ? ";color:#fff" : "")
            .append("\" data-date=\"")
            .append(day)
            .append("\" data-field=\"heart_rate_minutes\" data-valid-hours=\"")
            .append(y.validHours())
            .append("\" data-valid-day=\"")
            .append(y.validDay())
            .append("\"")
            .append(y.flags() == null ? "" : " title=\"" + esc(y.flags()) + "\"")
            .append(">")
            .append(y.heartRateMinutes())
            .append(" <small>(")
            .append(y.validHours())
            .append(")</small></td>");
      }
      h.append("<td class=\"n\" data-field=\"valid_days\">")
          .append(data.validDays(user))
          .append("</td><td class=\"n\" data-field=\"valid_share\">")
          .append(String.format(Locale.ROOT, "%.0f%%", 100 * data.validShare(user)))
          .append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n</details>\n</section>\n");
  }

  private static void steps(StringBuilder h, ReportData data) {
    h.append("<section id=\"steps\">\n<h2>Daily steps</h2>\n")
        .append("<p>The sum of each day's intraday steps (fitbit.data_yield.steps).</p>\n")
        .append("<figure id=\"figure-steps\">")
        .append(ReportCharts.steps(data))
        .append("<figcaption>Daily steps per user</figcaption></figure>\n")
        .append(
            "<details><summary>The numbers: steps and flags</summary>\n<table id=\"steps-table\">\n")
        .append("<thead><tr><th>user</th>");
    for (LocalDate day : data.days()) {
      h.append("<th>").append(day.toString().substring(5)).append("</th>");
    }
    h.append("</tr></thead>\n<tbody>\n");
    for (String user : data.users()) {
      Map<LocalDate, ReportData.YieldDay> own = data.yield().getOrDefault(user, Map.of());
      h.append("<tr data-user=\"")
          .append(esc(user))
          .append("\"><th>")
          .append(esc(user))
          .append("</th>");
      for (LocalDate day : data.days()) {
        ReportData.YieldDay y = own.get(day);
        h.append("<td class=\"n\" data-date=\"").append(day).append("\"");
        if (y != null && y.steps() != null) {
          h.append(" data-field=\"steps\"");
        }
        if (y != null && y.flags() != null) {
          h.append(" data-flags=\"").append(esc(y.flags())).append("\"");
        }
        h.append(">");
        if (y != null && y.steps() != null) {
          h.append(y.steps());
        }
        if (y != null && y.flags() != null) {
          h.append("<br><small>").append(esc(y.flags().replace(",", ", "))).append("</small>");
        }
        h.append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</tbody>\n</table>\n</details>\n</section>\n");
  }

  private static void problems(StringBuilder h, ReportData data) {
    h.append("<section id=\"quarantine\">\n<h2>Quarantined files</h2>\n");
    if (data.quarantined().isEmpty()) {
      h.append("<p>None.</p>\n");
    } else {
      h.append("<table id=\"quarantine-table\">\n<thead><tr><th>file</th><th>activity</th>")
          .append("<th>user</th><th>date</th><th>reason</th><th>run</th></tr></thead>\n<tbody>\n");
      for (ReportData.Quarantined q : data.quarantined()) {
        h.append("<tr data-source-key=\"")
            .append(esc(q.sourceKey()))
            .append("\"><td><code>")
            .append(esc(q.sourceKey()))
            .append("</code></td><td>")
            .append(esc(q.activity()))
            .append("</td><td>")
            .append(q.user() == null ? "" : esc(q.user()))
            .append("</td><td>")
            .append(q.date() == null ? "" : q.date().toString())
            .append("</td><td>")
            .append(esc(q.reason() == null ? "" : q.reason()))
            .append("</td><td>")
            .append(esc(q.run()))
            .append("</td></tr>\n");
      }
      h.append("</tbody>\n</table>\n");
    }
    h.append("</section>\n<section id=\"rejects\">\n<h2>Rejected points, by reason</h2>\n");
    if (data.rejects().isEmpty()) {
      h.append("<p>None.</p>\n");
    } else {
      h.append("<figure id=\"figure-rejects\">")
          .append(ReportCharts.rejects(data))
          .append("<figcaption>Rejected points per reason and activity</figcaption></figure>\n")
          .append("<table id=\"rejects-table\">\n<thead><tr><th>activity</th><th>reason</th>")
          .append(
              "<th>points</th><th>files</th><th>users</th><th>e.g. raw value</th></tr></thead>\n<tbody>\n");
      for (ReportData.RejectGroup g : data.rejects()) {
        h.append("<tr data-activity=\"")
            .append(esc(g.activity()))
            .append("\" data-reason=\"")
            .append(esc(g.reason()))
            .append("\"><td>")
            .append(esc(g.activity()))
            .append("</td><td>")
            .append(esc(g.reason()))
            .append("</td>");
        num(h, "points", g.points());
        num(h, "files", g.files());
        num(h, "users", g.users());
        h.append("<td><code>").append(esc(g.example())).append("</code></td></tr>\n");
      }
      h.append("</tbody>\n</table>\n");
    }
    h.append("</section>\n");
  }

  private static void attention(StringBuilder h, ReportData data) {
    h.append("<section id=\"attention\">\n<h2>Users who need attention</h2>\n<p>No valid day in")
        .append(" the last ")
        .append(ReportData.RECENT_DAYS)
        .append(" days of the window, or a quarantined file.</p>\n");
    if (data.attention().isEmpty()) {
      h.append("<p>None.</p>\n</section>\n");
      return;
    }
    h.append(
        "<table id=\"attention-table\">\n<thead><tr><th>user</th><th>why</th></tr></thead>\n<tbody>\n");
    for (Map.Entry<String, List<String>> e : data.attention().entrySet()) {
      h.append("<tr data-user=\"")
          .append(esc(e.getKey()))
          .append("\"><th>")
          .append(esc(e.getKey()))
          .append("</th><td>")
          .append(esc(String.join("; ", e.getValue())))
          .append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n</section>\n");
  }

  private static void gold(StringBuilder h, ReportData.Gold gold) {
    h.append("<section id=\"lakehouse\">\n<h2>Workout lakehouse (gold)</h2>\n");
    if (!gold.workoutsPerDay().isEmpty()) {
      h.append("<figure id=\"figure-workouts\">")
          .append(ReportCharts.workoutsPerDay(gold))
          .append("<figcaption>Workouts per day (gold.gym_summary)</figcaption></figure>\n");
    }
    if (!gold.ageBands().isEmpty()) {
      h.append("<figure id=\"figure-bpm-by-age\">")
          .append(ReportCharts.bpmByAge(gold))
          .append("<figcaption>Workout heart-rate ranges by age band")
          .append(" (gold.workout_bpm_summary)</figcaption></figure>\n")
          .append("<table id=\"age-band-table\">\n<thead><tr><th>age band</th><th>workouts</th>")
          .append(
              "<th>lowest bpm</th><th>average bpm</th><th>highest bpm</th></tr></thead>\n<tbody>\n");
      for (ReportData.AgeBand b : gold.ageBands()) {
        h.append("<tr data-band=\"")
            .append(esc(b.band()))
            .append("\"><th>")
            .append(esc(b.band()))
            .append("</th>");
        num(h, "workouts", b.workouts());
        h.append(
            String.format(
                Locale.ROOT,
                "<td class=\"n\">%.0f</td><td class=\"n\">%.1f</td><td class=\"n\">%.0f</td></tr>%n",
                b.minBpm(),
                b.avgBpm(),
                b.maxBpm()));
      }
      h.append("</tbody>\n</table>\n");
    }
    h.append("</section>\n");
  }

  static Color heat(int minutes) {
    Color c = ReportCharts.HEAT_COLORS[0];
    for (int s = 0; s < ReportCharts.HEAT_STEPS.length; s++) {
      if (minutes >= ReportCharts.HEAT_STEPS[s]) {
        c = ReportCharts.HEAT_COLORS[s];
      }
    }
    return c;
  }

  private static String hex(Color c) {
    return String.format(Locale.ROOT, "#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
  }

  static String esc(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(ch);
      }
    }
    return out.toString();
  }

  private static final String CSS =
      """
      :root { color-scheme: light; }
      body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1f2933; background: #f6f7f9; }
      header { background: #1f2933; color: #fff; padding: 18px 32px; }
      header h1 { margin: 0 0 4px; font-size: 22px; }
      header p { margin: 0; color: #cbd2d9; }
      main { max-width: 1100px; margin: 0 auto; padding: 16px 32px 32px; }
      section { background: #fff; border: 1px solid #e4e7eb; border-radius: 8px; padding: 12px 20px 16px; margin: 16px 0; }
      h2 { font-size: 17px; margin: 6px 0 8px; }
      .cards { display: flex; flex-wrap: wrap; gap: 12px; background: none; border: none; padding: 0; }
      .card { background: #fff; border: 1px solid #e4e7eb; border-radius: 8px; padding: 10px 16px; min-width: 130px; display: flex; flex-direction: column; }
      .card .big { font-size: 26px; font-weight: 600; }
      figure { margin: 8px 0 16px; }
      figure svg { width: 100%; height: auto; display: block; }
      figcaption { color: #52606d; font-size: 12px; text-align: center; }
      table { border-collapse: collapse; width: 100%; font-size: 13px; }
      th, td { border-bottom: 1px solid #e4e7eb; padding: 4px 8px; text-align: left; vertical-align: top; }
      thead th { background: #f0f2f5; }
      td.n { text-align: right; font-variant-numeric: tabular-nums; }
      td.valid { font-weight: 600; }
      td.none { background: #fff; }
      td.ok { color: #047857; }
      td.bad { color: #dc2626; font-weight: 600; }
      small { color: inherit; opacity: 0.8; }
      details summary { cursor: pointer; color: #2563eb; margin: 4px 0 8px; }
      code { font-size: 12px; }
      footer { max-width: 1100px; margin: 0 auto 32px; padding: 0 32px; color: #52606d; font-size: 12px; }
      """;
}
