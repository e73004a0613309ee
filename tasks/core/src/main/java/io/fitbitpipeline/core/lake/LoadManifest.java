package io.fitbitpipeline.core.lake;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The exact Parquet files of one table that a load copies, in Redshift's COPY manifest format (with
 * content_length, which COPY needs for columnar files). Transform writes it, so that load needs no
 * write access to the lake.
 */
public final class LoadManifest {
  private LoadManifest() {}

  public static byte[] render(LakeLayout lake, List<StagedFile> files) {
    List<String> entries = new ArrayList<>();
    for (StagedFile file : files) {
      entries.add(
          "{\"url\":\""
              + lake.uri(file.key())
              + "\",\"mandatory\":true,\"meta\":{\"content_length\":"
              + file.bytes()
              + "}}");
    }
    return ("{\"entries\":[" + String.join(",", entries) + "]}").getBytes(StandardCharsets.UTF_8);
  }
}
