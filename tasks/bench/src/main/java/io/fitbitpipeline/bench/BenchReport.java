package io.fitbitpipeline.bench;

import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.svg.SVGGraphics2D;

/** The benchmark's results as a text table, the targets' verdicts, and docs/performance.md. */
final class BenchReport {
  private final BenchWeek week;
  private final long bytes;
  private final long rows;
  private final Map<String, Measurement> cases;
  private final List<String> memory;
  private final int reps;
  private final int passes;

  BenchReport(
      BenchWeek week,
      long bytes,
      long rows,
      Map<String, Measurement> cases,
      List<String> memory,
      int reps,
      int passes) {
    this.week = week;
    this.bytes = bytes;
    this.rows = rows;
    this.cases = cases;
    this.memory = memory;
    this.reps = reps;
    this.passes = passes;
  }

  private double duck() {
    // NaN when the DuckDB passes were left out (--skip passes): the ratios print as NaN.
    return cases.containsKey("duckdb1") ? cases.get("duckdb1").median() : Double.NaN;
  }

  String table() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "| %-36s | %9s | %9s | %8s | %11s | %9s | %10s |%n",
            "case",
            "median s",
            "1st pass",
            "MB/s",
            "rows/s",
            "peak RSS",
            "vs DuckDB 1T"));
    out.append("|").append("-".repeat(38)).append("|---:|---:|---:|---:|---:|---:|\n");
    for (Measurement m : cases.values()) {
      if (m.seconds.isEmpty()) {
        continue;
      }
      out.append(
          String.format(
              Locale.ROOT,
              "| %-36s | %9.2f | %9s | %8.1f | %11.0f | %9s | %10.2fx |%n",
              m.name,
              m.median(),
              m.firstPass.isEmpty() ? "" : String.format(Locale.ROOT, "%.2f", m.medianFirstPass()),
              m.mbPerSecond(),
              m.rowsPerSecond(),
              m.peakRssKb < 0 ? "" : (m.peakRssKb / 1024) + " MB",
              duck() / m.median()));
    }
    return out.toString();
  }

  String targets() {
    StringBuilder out = new StringBuilder("\nTargets (issue 8):\n");
    Measurement core = cases.get("core1");
    if (core != null) {
      target(
          out, "transform core >= 2.0x DuckDB 1 thread (warm)", duck() / core.median(), 2.0, true);
      target(
          out,
          "fresh JVM first pass within 1.5x of warm (core, 1 thread)",
          core.medianFirstPass() / core.median(),
          1.5,
          false);
    }
    if (cases.containsKey("deployed") && cases.containsKey("duckdb1")) {
      target(
          out,
          "deployed transform at least as fast as DuckDB 1 thread",
          duck() / cases.get("deployed").median(),
          1.0,
          true);
    }
    if (cases.containsKey("latency")) {
      target(
          out,
          "deployed with S3 latency <= 1.2x without",
          cases.get("latency").median() / cases.get("deployed").median(),
          1.2,
          false);
    }
    if (cases.containsKey("deployed")) {
      target(
          out,
          "transform step peak RSS <= 256 MB",
          cases.get("deployed").peakRssKb / 1024.0,
          256,
          false);
    }
    if (cases.containsKey("load")) {
      target(
          out,
          "load >= 80 % of psql \\copy throughput",
          cases.get("psql").median() / cases.get("load").median(),
          0.8,
          true);
    }
    if (cases.containsKey("e2e")) {
      target(out, "./pipeline run <= 25 s", cases.get("e2e").median(), 25, false);
      target(out, "launcher peak RSS <= 512 MB", cases.get("e2e").peakRssKb / 1024.0, 512, false);
    }
    if (cases.containsKey("promote")) {
      target(out, "promote <= 8 s", cases.get("promote").median(), 8, false);
    }
    return out.toString();
  }

  private static void target(
      StringBuilder out, String what, double value, double limit, boolean atLeast) {
    boolean met = atLeast ? value >= limit : value <= limit;
    out.append(
        String.format(
            Locale.ROOT,
            "  %-4s %-58s %.2f (%s %.2f)%n",
            met ? "MET" : "NOT",
            what,
            value,
            atLeast ? ">=" : "<=",
            limit));
  }

  void writeDocs(Path docs, String command) throws IOException {
    Files.createDirectories(docs);
    Files.writeString(docs.resolve("performance.svg"), chart());
    StringBuilder md = new StringBuilder();
    md.append("# Performance: the batch benchmark\n\n")
        .append(
            "Measured by `./pipeline bench` (module `tasks/bench`); every figure below comes from one"
                + " run of the command, all cases alternating, so the ratios hold even on a busy"
                + " machine. Regenerate this page with `--docs docs`.\n\n")
        .append("![Throughput relative to DuckDB on one thread](performance.svg)\n\n")
        .append("## Setting\n\n")
        .append("- Date: ")
        .append(LocalDate.now(ZoneOffset.UTC))
        .append("; command: `")
        .append(command)
        .append(" --docs docs`\n")
        .append("- Machine: ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, ")
        .append(System.getProperty("os.name"))
        .append(" ")
        .append(System.getProperty("os.arch"))
        .append(", load average at the end ")
        .append(
            String.format(
                Locale.ROOT,
                "%.2f",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()))
        .append(" (shared with other builds)\n")
        .append("- Java ")
        .append(System.getProperty("java.version"))
        .append(" (")
        .append(System.getProperty("java.vm.name"))
        .append("), DuckDB JDBC 1.5.2.0, Parquet 1.16.0, PostgreSQL 15\n")
        .append(
            String.format(
                Locale.ROOT,
                "- Input: %d users x %d days x 6 activities, %.1f MB of JSON, %d intraday rows; a"
                    + " quarter of the users with 1-second heart data; %d repetitions of %d passes"
                    + " per child JVM (the first pass of each is the fresh JVM's)%n%n",
                week.users(),
                week.window().days(),
                bytes / 1e6,
                rows,
                reps,
                passes))
        .append("## Results\n\n")
        .append(table())
        .append("\n```\n")
        .append(targets().trim())
        .append("\n```\n\n");
    if (!memory.isEmpty()) {
      md.append("## Memory checks (the step images' JVM flags)\n\n");
      memory.forEach(m -> md.append("- ").append(m).append('\n'));
      md.append('\n');
    }
    md.append(
        "What each case is: `transform core` is the step's parser, validator and row writer on"
            + " local files (no S3, no warehouse); `DuckDB` converts the same files with `read_json`"
            + " + `unnest` to snappy Parquet (intraday tables only, no validation); `tokenize` is"
            + " Jackson reading every token and nothing else; `transform step as deployed` runs"
            + " the six Quarkus step jars one after the other, each a fresh JVM with the images'"
            + " flags, reading and writing through a real S3-API server (s3proxy), also through a"
            + " proxy that holds each request 20 ms; `load` is the load step's code for all six"
            + " activities, `psql \\copy` loads the same rows from CSV into tables of the same"
            + " definition; `./pipeline run` is the launcher end to end on a fresh state folder"
            + " (embedded servers included). Peak RSS is GNU time's figure for the child process"
            + " (for `./pipeline run`: the launcher JVM, not the PostgreSQL server).\n");
    // The analysis below the marker is written by people: a new run keeps it.
    Path page = docs.resolve("performance.md");
    if (Files.exists(page)) {
      String old = Files.readString(page);
      int at = old.indexOf(KEEP_MARKER);
      if (at >= 0) {
        md.append('\n').append(old.substring(at));
      }
    }
    Files.writeString(page, md.toString());
  }

  /** Everything from this line on in docs/performance.md survives a rerun of the benchmark. */
  static final String KEEP_MARKER =
      "<!-- written by hand from here on; ./pipeline bench keeps it -->";

  private String chart() {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Measurement m : cases.values()) {
      if (!m.seconds.isEmpty() && !m.name.startsWith("psql") && !m.name.startsWith("promote")) {
        data.addValue(duck() / m.median(), "throughput vs DuckDB 1 thread", m.name);
      }
    }
    JFreeChart chart =
        ChartFactory.createBarChart(
            "Throughput relative to DuckDB, 1 thread (higher is faster)",
            null,
            "x DuckDB",
            data,
            PlotOrientation.HORIZONTAL,
            false,
            false,
            false);
    chart.setBackgroundPaint(Color.WHITE);
    chart.getTitle().setFont(new Font("SansSerif", Font.BOLD, 14));
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setSeriesPaint(0, new Color(0x2b6cb0));
    SVGGraphics2D svg = new SVGGraphics2D(800, 420);
    chart.draw(svg, new Rectangle2D.Double(0, 0, 800, 420));
    return svg.getSVGDocument();
  }
}
