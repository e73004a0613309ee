package io.fitbitpipeline.core.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Rectangle2D;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/**
 * The report's charts, drawn by JFreeChart into SVG elements (JFreeSVG) that the page embeds
 * inline: no script, no external file, sharp at any zoom. Each chart's SVG ids carry its own
 * prefix, so several charts share one page without clashing clip paths.
 */
public final class ReportCharts {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** The palette of the page (also used by its CSS). */
  static final Color INK = new Color(0x1f2933);

  static final Color ACCENT = new Color(0x2563eb);
  static final Color WARN = new Color(0xdc2626);
  private static final Color GRID = new Color(0xd9dee4);

  /** Heat-map steps: minutes with heart rate, from none to the whole day. */
  static final int[] HEAT_STEPS = {0, 1, 120, 360, 600, 900, 1200};

  static final Color[] HEAT_COLORS = {
    new Color(0xf1f5f9),
    new Color(0xfee2b3),
    new Color(0xfdba74),
    new Color(0x86efac),
    new Color(0x34d399),
    new Color(0x059669),
    new Color(0x065f46)
  };

  private ReportCharts() {}

  /** Users (rows) by days (columns), coloured by heart_rate_minutes. */
  public static String heatmap(ReportData data) {
    List<String> users = data.users();
    List<LocalDate> days = data.days();
    int n = users.size() * days.size();
    double[] x = new double[n];
    double[] y = new double[n];
    double[] z = new double[n];
    int i = 0;
    for (int u = 0; u < users.size(); u++) {
      Map<LocalDate, ReportData.YieldDay> own = data.yield().getOrDefault(users.get(u), Map.of());
      for (int d = 0; d < days.size(); d++) {
        x[i] = d;
        y[i] = users.size() - 1 - u;
        ReportData.YieldDay day = own.get(days.get(d));
        z[i] = day == null ? -1 : day.heartRateMinutes();
        i++;
      }
    }
    DefaultXYZDataset dataset = new DefaultXYZDataset();
    dataset.addSeries("heart_rate_minutes", new double[][] {x, y, z});
    String[] dayLabels =
        days.stream()
            .map(d -> d.getDayOfWeek().toString().substring(0, 3) + " " + d.toString().substring(5))
            .toArray(String[]::new);
    String[] userLabels = new String[users.size()];
    for (int u = 0; u < users.size(); u++) {
      userLabels[users.size() - 1 - u] = users.get(u);
    }
    SymbolAxis xAxis = new SymbolAxis(null, dayLabels);
    SymbolAxis yAxis = new SymbolAxis(null, userLabels);
    xAxis.setGridBandsVisible(false);
    yAxis.setGridBandsVisible(false);
    LookupPaintScale scale = new LookupPaintScale(-1, 1441, Color.WHITE);
    scale.add(-1, Color.WHITE);
    for (int s = 0; s < HEAT_STEPS.length; s++) {
      scale.add(HEAT_STEPS[s], HEAT_COLORS[s]);
    }
    XYBlockRenderer renderer = new XYBlockRenderer();
    renderer.setPaintScale(scale);
    renderer.setBlockWidth(0.94);
    renderer.setBlockHeight(0.9);
    XYPlot plot = new XYPlot(dataset, xAxis, yAxis, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    plot.setOutlineVisible(false);
    JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
    NumberAxis legendAxis = new NumberAxis("minutes with heart rate");
    legendAxis.setRange(0, 1440);
    PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
    legend.setPosition(RectangleEdge.BOTTOM);
    legend.setMargin(new RectangleInsets(8, 60, 4, 60));
    legend.setStripWidth(10);
    chart.addSubtitle(legend);
    style(chart);
    return svg(chart, "heatmap", 900, 140 + 24 * users.size());
  }

  /** The share of valid days per user, as a percentage of the window's days. */
  public static String validShare(ReportData data) {
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    for (String user : data.users()) {
      dataset.addValue(100.0 * data.validShare(user), "valid days", user);
    }
    JFreeChart chart =
        ChartFactory.createBarChart(
            null,
            null,
            "valid days (% of the window)",
            dataset,
            PlotOrientation.HORIZONTAL,
            false,
            false,
            false);
    CategoryPlot plot = chart.getCategoryPlot();
    ((NumberAxis) plot.getRangeAxis()).setRange(0, 100);
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setSeriesPaint(0, ACCENT);
    style(chart);
    return svg(chart, "valid-share", 900, 90 + 22 * data.users().size());
  }

  /** Daily steps per user over the window, one line each. */
  public static String steps(ReportData data) {
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    for (String user : data.users()) {
      Map<LocalDate, ReportData.YieldDay> own = data.yield().getOrDefault(user, Map.of());
      for (LocalDate day : data.days()) {
        ReportData.YieldDay y = own.get(day);
        dataset.addValue(y == null ? null : y.steps(), user, day.toString().substring(5));
      }
    }
    JFreeChart chart =
        ChartFactory.createLineChart(
            null, null, "steps", dataset, PlotOrientation.VERTICAL, true, false, false);
    LineAndShapeRenderer renderer = (LineAndShapeRenderer) chart.getCategoryPlot().getRenderer();
    renderer.setDefaultShapesVisible(true);
    for (int s = 0; s < data.users().size(); s++) {
      renderer.setSeriesStroke(s, new BasicStroke(1.6f));
    }
    style(chart);
    return svg(chart, "steps", 900, 460);
  }

  /** Rejected points per kind of reason, one bar per activity. */
  public static String rejects(ReportData data) {
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    for (ReportData.RejectGroup g : data.rejects()) {
      dataset.addValue(g.points(), g.activity(), g.reason());
    }
    JFreeChart chart =
        ChartFactory.createBarChart(
            null, null, "rejected points", dataset, PlotOrientation.HORIZONTAL, true, false, false);
    integerCounts(chart);
    style(chart);
    return svg(chart, "rejects", 900, 120 + 30 * Math.max(1, data.rejects().size()));
  }

  /** Lakehouse: workouts (gold.gym_summary rows) per day. */
  public static String workoutsPerDay(ReportData.Gold gold) {
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    gold.workoutsPerDay()
        .forEach((day, count) -> dataset.addValue(count, "workouts", day.toString()));
    JFreeChart chart =
        ChartFactory.createBarChart(
            null, null, "workouts", dataset, PlotOrientation.VERTICAL, false, false, false);
    CategoryAxis axis = chart.getCategoryPlot().getDomainAxis();
    if (gold.workoutsPerDay().size() > 10) {
      axis.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    }
    ((BarRenderer) chart.getCategoryPlot().getRenderer()).setSeriesPaint(0, ACCENT);
    integerCounts(chart);
    style(chart);
    return svg(chart, "workouts", 900, 340);
  }

  /** Lakehouse: workout heart-rate ranges (lowest, mean of averages, highest) by age band. */
  public static String bpmByAge(ReportData.Gold gold) {
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    for (ReportData.AgeBand band : gold.ageBands()) {
      dataset.addValue(band.minBpm(), "lowest bpm", band.band());
      dataset.addValue(band.avgBpm(), "average bpm", band.band());
      dataset.addValue(band.maxBpm(), "highest bpm", band.band());
    }
    JFreeChart chart =
        ChartFactory.createBarChart(
            null, null, "bpm", dataset, PlotOrientation.VERTICAL, true, false, false);
    BarRenderer renderer = (BarRenderer) chart.getCategoryPlot().getRenderer();
    renderer.setSeriesPaint(0, new Color(0x93c5fd));
    renderer.setSeriesPaint(1, ACCENT);
    renderer.setSeriesPaint(2, WARN);
    style(chart);
    return svg(chart, "bpm-by-age", 900, 340);
  }

  /** Counts: whole-number ticks only. */
  private static void integerCounts(JFreeChart chart) {
    ((NumberAxis) chart.getCategoryPlot().getRangeAxis())
        .setStandardTickUnits(NumberAxis.createIntegerTickUnits());
  }

  private static void style(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
    if (chart.getLegend() != null) {
      chart.getLegend().setFrame(BlockBorder.NONE);
      chart.getLegend().setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    }
    if (chart.getPlot() instanceof CategoryPlot plot) {
      plot.setBackgroundPaint(Color.WHITE);
      plot.setRangeGridlinePaint(GRID);
      plot.setOutlineVisible(false);
      if (plot.getRenderer() instanceof BarRenderer bar) {
        bar.setBarPainter(new StandardBarPainter());
        bar.setShadowVisible(false);
        bar.setItemMargin(0.05);
      }
      plot.getDomainAxis().setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      plot.getRangeAxis().setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    }
    if (chart.getPlot() instanceof XYPlot plot) {
      plot.getDomainAxis().setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      plot.getRangeAxis().setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    }
  }

  /** The chart as an inline SVG element with id {@code chart-<name>}, scaled by its viewBox. */
  private static String svg(JFreeChart chart, String name, int width, int height) {
    SVGGraphics2D g2 = new SVGGraphics2D(width, height);
    g2.setDefsKeyPrefix(name + "-");
    chart.draw(g2, new Rectangle2D.Double(0, 0, width, height));
    return g2.getSVGElement("chart-" + name, false, new ViewBox(0, 0, width, height), null, null);
  }
}
