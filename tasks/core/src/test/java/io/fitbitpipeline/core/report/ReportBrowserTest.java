package io.fitbitpipeline.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.config.S3Clients;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.S3ObjectStore;
import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.sample.SampleWeek;
import io.fitbitpipeline.core.step.LocalServers;
import io.fitbitpipeline.core.step.Manifests;
import io.fitbitpipeline.core.step.Pipeline;
import io.fitbitpipeline.core.warehouse.Tables;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The report of the sample week, rendered by a real headless browser (Debian's chromium): the page
 * loads with no error and no request leaving the file, every chart is drawn, and every number it
 * shows equals the warehouse's. The screenshot goes to target/ (and, with -Dreport.screenshot=docs,
 * to docs/report.png for the README).
 */
class ReportBrowserTest {
  private static final Window WEEK = Window.isoWeek("2026-W47");
  private static final String BROWSER = System.getProperty("report.browser", "/usr/bin/chromium");

  private static Pipeline pipeline;
  private static RunId run;
  private static Path page;
  private static Document dom;
  private static String browserLog;
  private static Path screenshot;

  @BeforeAll
  static void runTheSampleWeekAndRenderItsReport() throws Exception {
    assertTrue(
        Files.isExecutable(Path.of(BROWSER)),
        BROWSER + " is missing: apt-get install -y chromium (.ci/run installs it)");
    LocalServers servers = LocalServers.get();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    // A database of its own: the gold tables of other tests must not reach this report.
    String database = "report_" + suffix;
    try (Connection c =
            DriverManager.getConnection(servers.postgres.jdbcUrl(), servers.postgres.user(), "");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    }
    PipelineConfig config =
        servers
            .config("raw-" + suffix, "lake-" + suffix)
            .withWarehouse(
                servers.postgres.jdbcUrl().replaceAll("/[^/]+$", "/" + database),
                servers.postgres.user(),
                "");
    ObjectStore store = new S3ObjectStore(S3Clients.create(config));
    store.ensureBucket(config.rawBucket());
    store.ensureBucket(config.lakeBucket());
    EventLog log =
        new EventLog(
            new PrintStream(new ByteArrayOutputStream()),
            EventLog.Format.TEXT,
            Clock.systemUTC(),
            Manifests.objectMapper());
    pipeline =
        new Pipeline(config, store, log, Clock.systemUTC(), Files.createTempDirectory("work"));
    pipeline.migrate();
    SampleWeek.generate(WEEK)
        .forEach((key, content) -> store.put(config.rawBucket(), "raw/" + key, content));
    run = new RunId("report-" + suffix);
    for (Activity activity : Activity.values()) {
      pipeline.extractor().run(activity, WEEK, run, false);
      pipeline.transformer().run(activity, WEEK, run);
      pipeline.loader().run(activity, WEEK, run);
    }
    pipeline.promoter().run(List.of(Activity.values()), WEEK, run);

    ReportData data;
    try (Connection c = pipeline.warehouse().connect()) {
      data = ReportData.read(c, null, WEEK);
    }
    assertEquals(run.value(), data.run(), "--week finds the window's latest run");
    Path dir = Files.createTempDirectory("report");
    page = dir.resolve("index.html");
    Files.writeString(page, HtmlReport.render(data, Instant.now()), StandardCharsets.UTF_8);

    Path profile = Files.createTempDirectory("chromium-profile");
    Browser dump = browse(profile, "--dump-dom", page.toUri().toString());
    dom = Jsoup.parse(dump.stdout);
    browserLog = dump.stderr;
    screenshot = Path.of("target/report-screenshot.png").toAbsolutePath();
    Files.deleteIfExists(screenshot);
    browse(
        Files.createTempDirectory("chromium-profile"),
        "--screenshot=" + screenshot,
        "--window-size=1280,2000",
        "--hide-scrollbars",
        page.toUri().toString());
    if ("docs".equals(System.getProperty("report.screenshot"))) {
      Files.copy(screenshot, Path.of("../../docs/report.png"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private record Browser(String stdout, String stderr) {}

  /** Runs headless Chromium once on a fresh profile, with every request off the page refused. */
  private static Browser browse(Path profile, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                BROWSER,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--host-resolver-rules=MAP * ~NOTFOUND",
                "--enable-logging=stderr",
                "--v=0",
                "--virtual-time-budget=5000"));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("chromium", ".out");
    Path err = Files.createTempFile("chromium", ".err");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("chromium did not finish in 120 s: " + command);
    }
    String stderr = Files.readString(err);
    assertEquals(0, process.exitValue(), "chromium failed: " + stderr);
    return new Browser(Files.readString(out), stderr);
  }

  private static Map<String, String> rows(String sql) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = pipeline.warehouse().connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2));
      }
    }
    return out;
  }

  @Test
  void thePageLoadsWithoutErrorsAndNeedsNothingFromElsewhere() throws Exception {
    for (String line : browserLog.split("\n")) {
      assertFalse(
          line.contains(":CONSOLE") || line.contains("Uncaught") || line.contains("net::ERR_"),
          "the browser reported: " + line);
    }
    String html = Files.readString(page);
    Document source = Jsoup.parse(html);
    assertTrue(source.select("script, link, iframe, img[src^=http], object").isEmpty());
    for (Element e : source.select("[src], [href]")) {
      String ref = e.hasAttr("src") ? e.attr("src") : e.attr("href");
      assertTrue(ref.startsWith("#") || ref.startsWith("data:"), "external reference " + ref);
    }
    for (String external : List.of("@import", "url(http", "href=\"http", "src=\"http")) {
      assertFalse(html.contains(external), "no external file, style or font: " + external);
    }
    assertEquals("Data yield and run report", dom.selectFirst("h1").text());
    assertTrue(dom.title().contains(run.value()), dom.title());
  }

  @Test
  void everyChartIsDrawn() throws Exception {
    for (String chart : List.of("heatmap", "valid-share", "steps", "rejects")) {
      Element svg = dom.selectFirst("figure#figure-" + chart + " > svg#chart-" + chart);
      assertNotNull(svg, chart + " chart");
      assertTrue(svg.select("path, rect, line, polyline, text").size() > 20, chart + " is empty");
      assertTrue(svg.select("text").size() > 3, chart + " has labels");
    }
    // One block per user-day (20 users x 7 days) in the heat map.
    assertTrue(dom.select("svg#chart-heatmap rect").size() >= 140);
    // Every user is a series of the steps chart's legend.
    String steps = dom.selectFirst("svg#chart-steps").text();
    for (int u = 1; u <= SampleWeek.USERS; u++) {
      assertTrue(steps.contains(String.format("user%02d", u)), steps);
    }
    BufferedImage image = ImageIO.read(screenshot.toFile());
    assertEquals(1280, image.getWidth());
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 7) {
      for (int x = 0; x < image.getWidth(); x += 7) {
        colours.add(image.getRGB(x, y));
      }
    }
    assertTrue(colours.size() > 20, "the screenshot shows a rendered page");
    assertTrue(dom.select("section#lakehouse").isEmpty(), "no gold tables, no lakehouse section");
  }

  @Test
  void theNumbersAreTheWarehouses() throws Exception {
    String window = "date >= DATE '" + WEEK.from() + "' AND date <= DATE '" + WEEK.to() + "'";
    // The heat map's numbers and the valid days.
    Map<String, String> minutes =
        rows(
            "SELECT user_id || ' ' || date, heart_rate_minutes || '|' || valid_hours FROM"
                + " fitbit.data_yield WHERE "
                + window);
    assertEquals(140, minutes.size(), "20 users x 7 days, every user-day has data");
    Map<String, String> shown = new TreeMap<>();
    for (Element td : dom.select("#yield-table td[data-field=heart_rate_minutes]")) {
      shown.put(
          td.parent().attr("data-user") + " " + td.attr("data-date"),
          td.ownText().trim() + "|" + td.attr("data-valid-hours"));
      assertEquals("(" + td.attr("data-valid-hours") + ")", td.selectFirst("small").text());
    }
    assertEquals(minutes, shown);
    Map<String, String> validDays =
        rows(
            "SELECT user_id, CAST(SUM(CASE WHEN valid_day THEN 1 ELSE 0 END) AS TEXT) FROM"
                + " fitbit.data_yield WHERE "
                + window
                + " GROUP BY user_id");
    Map<String, String> validShown = new TreeMap<>();
    for (Element td : dom.select("#yield-table td[data-field=valid_days]")) {
      validShown.put(td.parent().attr("data-user"), td.text());
      long valid = Long.parseLong(td.text());
      assertEquals(
          Math.round(100.0 * valid / 7) + "%",
          td.parent().selectFirst("td[data-field=valid_share]").text());
    }
    assertEquals(validDays, validShown);

    // Daily steps.
    Map<String, String> steps =
        rows(
            "SELECT user_id || ' ' || date, CAST(steps AS TEXT) FROM fitbit.data_yield WHERE steps"
                + " IS NOT NULL AND "
                + window);
    Map<String, String> stepsShown = new TreeMap<>();
    for (Element td : dom.select("#steps-table td[data-field=steps]")) {
      stepsShown.put(td.parent().attr("data-user") + " " + td.attr("data-date"), td.ownText());
    }
    assertEquals(steps, stepsShown);

    // The run, per activity, from transform's and promote's statistics.
    Map<String, String> runRows =
        rows(
            "SELECT activity, files_seen || '|' || files_loaded || '|' || files_skipped || '|' ||"
                + " files_quarantined || '|' || points_read || '|' || points_rejected || '|' ||"
                + " duplicates FROM fitbit_ops.pipeline_runs WHERE step = 'transform' AND run_id = '"
                + run.value()
                + "'");
    Map<String, String> runShown = new TreeMap<>();
    for (Element tr : dom.select("#run-table tbody tr")) {
      runShown.put(
          tr.attr("data-activity"),
          String.join(
              "|",
              List.of(
                      "files_seen",
                      "files_loaded",
                      "files_skipped",
                      "files_quarantined",
                      "points_read",
                      "points_rejected",
                      "duplicates")
                  .stream()
                  .map(f -> tr.selectFirst("td[data-field=" + f + "]").text())
                  .toList()));
    }
    assertEquals(runRows, runShown);
    assertEquals(6, runShown.size());
    for (Element tr : dom.select("#run-table tbody tr")) {
      String activity = tr.attr("data-activity");
      long expected = 0;
      for (WarehouseTable table : Tables.of(Activity.parse(activity))) {
        expected +=
            Long.parseLong(
                rows("SELECT 'n', CAST(COUNT(*) AS TEXT) FROM " + table.production()).get("n"));
      }
      assertEquals(
          expected,
          Long.parseLong(tr.selectFirst("td[data-field=rows]").text()),
          activity + " rows: a first run writes every production row");
    }

    // Quarantined files, rejected points by reason, the cards.
    Map<String, String> quarantined =
        rows("SELECT source_key, reason FROM fitbit_ops.file_ledger WHERE status = 'quarantined'");
    Map<String, String> quarantinedShown = new TreeMap<>();
    for (Element tr : dom.select("#quarantine-table tbody tr")) {
      quarantinedShown.put(tr.attr("data-source-key"), tr.child(4).text());
    }
    assertEquals(quarantined, quarantinedShown, "every file the run quarantined, with its reason");
    Map<String, String> rejects =
        rows(
            "SELECT activity, CAST(COUNT(*) AS TEXT) FROM fitbit_ops.rejected_points WHERE "
                + window
                + " GROUP BY activity");
    Map<String, Long> rejectsShown = new TreeMap<>();
    for (Element tr : dom.select("#rejects-table tbody tr")) {
      rejectsShown.merge(
          tr.attr("data-activity"),
          Long.parseLong(tr.selectFirst("td[data-field=points]").text()),
          Long::sum);
    }
    assertEquals(rejects.keySet(), rejectsShown.keySet());
    rejects.forEach((a, n) -> assertEquals(Long.parseLong(n), rejectsShown.get(a), a));
    assertTrue(
        dom.select("#rejects-table tr[data-reason='value is outside 0..300']").size() == 1,
        "the raw value is not part of the reason's group");
    assertEquals(
        String.valueOf(quarantined.size()), dom.selectFirst("[data-field=quarantined]").text());
    assertEquals("20", dom.selectFirst("[data-field=users]").text());

    // Users who need attention: no valid day in the window's last 3 days, or a quarantined file.
    Map<String, String> attention =
        rows(
            "SELECT u.user_id, 'x' FROM (SELECT user_id FROM fitbit.data_yield WHERE "
                + window
                + " UNION SELECT user_id FROM fitbit_ops.file_ledger WHERE user_id IS NOT NULL AND "
                + window
                + ") u WHERE NOT EXISTS (SELECT 1 FROM fitbit.data_yield y WHERE y.user_id ="
                + " u.user_id AND y.valid_day AND y.date >= DATE '"
                + WEEK.to().minusDays(2)
                + "' AND y.date <= DATE '"
                + WEEK.to()
                + "') OR EXISTS (SELECT 1 FROM fitbit_ops.file_ledger l WHERE l.user_id ="
                + " u.user_id AND l.status = 'quarantined' AND l."
                + window
                + ")");
    Set<String> attentionShown = new TreeSet<>();
    for (Element tr : dom.select("#attention-table tbody tr")) {
      attentionShown.add(tr.attr("data-user"));
    }
    assertEquals(attention.keySet(), attentionShown);
    assertTrue(attentionShown.containsAll(Set.of("user08", "user09", "user10", "user11")));
  }

  @Test
  void theLakehouseGoldTablesGetTheirSectionWhenTheyHaveRows() throws Exception {
    try (Connection c = pipeline.warehouse().connect();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO gold.workout_bpm_summary (user_id, workout_id, session_id, age, min_bpm,"
              + " avg_bpm, max_bpm, num_recordings) VALUES (1, 1, 1, '25-34', 80, 120, 150, 30),"
              + " (2, 1, 2, '25-34', 70, 110, 170, 30), (3, 2, 3, '45-54', 75, 105, 140, 20),"
              + " (4, 2, 4, NULL, 90, 100, 130, 10)");
      s.execute(
          "INSERT INTO gold.gym_summary (date, gym, mac_address, workout_id, session_id,"
              + " minutes_in_gym, minutes_exercising) VALUES ('2026-11-16', 1, 'a', 1, 1, 60, 45),"
              + " ('2026-11-16', 1, 'b', 1, 2, 50, 40), ('2026-11-17', 2, 'c', 2, 3, 70, 50)");
    }
    ReportData data;
    try (Connection c = pipeline.warehouse().connect()) {
      data = ReportData.read(c, run, null);
    }
    Path other = Files.createTempDirectory("report").resolve("index.html");
    Files.writeString(other, HtmlReport.render(data, Instant.now()), StandardCharsets.UTF_8);
    Document gold =
        Jsoup.parse(
            browse(
                    Files.createTempDirectory("chromium-profile"),
                    "--dump-dom",
                    other.toUri().toString())
                .stdout);
    for (String chart : List.of("workouts", "bpm-by-age")) {
      Element svg =
          gold.selectFirst("section#lakehouse figure#figure-" + chart + " > svg#chart-" + chart);
      assertNotNull(svg, chart);
      assertTrue(svg.select("rect, path").size() > 5, chart + " is empty");
    }
    Map<String, String> bands = new TreeMap<>();
    for (Element tr : gold.select("#age-band-table tbody tr")) {
      bands.put(
          tr.attr("data-band"),
          tr.selectFirst("td[data-field=workouts]").text()
              + "|"
              + tr.child(2).text()
              + "|"
              + tr.child(3).text()
              + "|"
              + tr.child(4).text());
    }
    assertEquals(
        Map.of("25-34", "2|70|115.0|170", "45-54", "1|75|105.0|140", "unknown", "1|90|100.0|130"),
        bands);
    String workouts = gold.selectFirst("svg#chart-workouts").text();
    assertTrue(workouts.contains("2026-11-16") && workouts.contains("2026-11-17"), workouts);
  }
}
