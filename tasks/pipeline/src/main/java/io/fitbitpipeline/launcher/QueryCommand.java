package io.fitbitpipeline.launcher;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description =
        "Runs one SQL query on the warehouse (embedded unless WAREHOUSE_JDBC_URL is set) and prints the rows.")
final class QueryCommand implements Callable<Integer> {
  @Parameters(paramLabel = "SQL")
  String sql;

  @Override
  public Integer call() throws Exception {
    LauncherContext context = LauncherContext.fromSystem();
    try (LocalEnvironment environment =
            LocalEnvironment.open(context.env(), context.stateDir(), System.err);
        Connection c = context.pipeline(environment).warehouse().connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData meta = rs.getMetaData();
      List<String> header = new ArrayList<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        header.add(meta.getColumnLabel(i));
      }
      System.out.println(String.join(" | ", header));
      long rows = 0;
      while (rs.next()) {
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= header.size(); i++) {
          values.add(String.valueOf(rs.getObject(i)));
        }
        System.out.println(String.join(" | ", values));
        rows++;
      }
      System.out.println("(" + rows + " rows)");
      return 0;
    }
  }
}
