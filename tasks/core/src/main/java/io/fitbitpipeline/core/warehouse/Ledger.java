package io.fitbitpipeline.core.warehouse;

import io.fitbitpipeline.core.activity.Activity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * fitbit_ops.file_ledger: which raw objects production already holds, and with which content. It is
 * written only by promote, in the same transaction as the data, so a run that fails before promote
 * leaves nothing that would make the next run skip a file.
 */
public final class Ledger {
  private final Warehouse warehouse;

  public Ledger(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** source_key to content_hash of every object of {@code activity} already processed. */
  public Map<String, String> processed(Activity activity) throws SQLException {
    Map<String, String> hashes = new HashMap<>();
    try (Connection c = warehouse.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT source_key, content_hash FROM fitbit_ops.file_ledger WHERE activity = ?")) {
      s.setString(1, activity.id());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          hashes.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return hashes;
  }
}
