package io.fitbitpipeline.core.warehouse;

import io.fitbitpipeline.core.lake.StagedFile;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The files of one load in date-partition order, cut into consecutive groups that the PostgreSQL
 * loader merges into one key-ordered stream each ({@link
 * io.fitbitpipeline.core.parquet.UserOrderedMerge}). A merge keeps every file of its group open,
 * each holding a row group's compressed column chunks (at most the file's size) and a decompressed
 * page per column (Parquet's 1 MiB pages at most), so a group is bounded in files and in that
 * estimate of memory; a file over the budget alone is a group of its own.
 */
record MergeGroups(int maxFiles, long maxBytes) {
  /** Parquet's default page size, the most a column reader holds decompressed. */
  static final long PAGE_BYTES = 1L << 20;

  MergeGroups {
    if (maxFiles < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("a merge group holds at least one file");
    }
  }

  /** {@code files} sorted by date (stable; undated files last), in groups. */
  List<List<StagedFile>> of(List<StagedFile> files, int columns) {
    List<StagedFile> ordered = new ArrayList<>(files);
    ordered.sort(
        Comparator.comparing(
            StagedFile::date, Comparator.nullsLast(Comparator.<LocalDate>naturalOrder())));
    List<List<StagedFile>> groups = new ArrayList<>();
    List<StagedFile> group = new ArrayList<>();
    long bytes = 0;
    for (StagedFile file : ordered) {
      long estimate = file.bytes() + columns * PAGE_BYTES;
      if (!group.isEmpty() && (group.size() == maxFiles || bytes + estimate > maxBytes)) {
        groups.add(List.copyOf(group));
        group.clear();
        bytes = 0;
      }
      group.add(file);
      bytes += estimate;
    }
    if (!group.isEmpty()) {
      groups.add(List.copyOf(group));
    }
    return groups;
  }
}
