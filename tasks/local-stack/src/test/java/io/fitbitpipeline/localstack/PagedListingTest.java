package io.fitbitpipeline.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.LocalStorageStrategy;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The paged listing gives the same pages as jclouds' own filesystem listing. */
class PagedListingTest {
  @TempDir Path dir;

  private BlobStoreContext context;
  private BlobStore jclouds;
  private BlobStore paged;

  @BeforeEach
  void start() {
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", dir.toString());
    context =
        ContextBuilder.newBuilder("filesystem").overrides(properties).build(BlobStoreContext.class);
    jclouds = context.getBlobStore();
    paged =
        new PagedListing(
            jclouds, context.utils().injector().getInstance(LocalStorageStrategy.class));
    jclouds.createContainerInLocation(null, "raw");
    for (String user : List.of("u1", "u2", "u10")) {
      for (String date : List.of("2026-11-16", "2026-11-17")) {
        for (String activity : List.of("steps", "heart_rate", "calories")) {
          String key = "raw/" + user + "/" + date + "/" + activity + ".json";
          jclouds.putBlob("raw", jclouds.blobBuilder(key).payload("{\"" + key + "\":1}").build());
        }
      }
    }
    jclouds.putBlob("raw", jclouds.blobBuilder("other/readme.txt").payload("x").build());
    jclouds.putBlob("raw", jclouds.blobBuilder("raw-notes.txt").payload("xy").build());
  }

  @AfterEach
  void stop() {
    context.close();
  }

  @Test
  void everyPageMatchesJclouds() {
    for (String prefix : new String[] {null, "", "raw/", "raw/u1", "raw/u1/", "raw", "none/"}) {
      for (int pageSize : new int[] {1, 4, 7, 18, 1000}) {
        List<String> all = new ArrayList<>();
        String marker = null;
        int pages = 0;
        do {
          ListContainerOptions options = ListContainerOptions.Builder.recursive();
          if (prefix != null) {
            options.prefix(prefix);
          }
          options.maxResults(pageSize);
          if (marker != null) {
            options.afterMarker(marker);
          }
          PageSet<? extends StorageMetadata> expected = jclouds.list("raw", options);
          PageSet<? extends StorageMetadata> actual = paged.list("raw", options);
          String where = "prefix " + prefix + ", page " + pageSize + ", after " + marker;
          assertEquals(describe(expected), describe(actual), where);
          assertEquals(expected.getNextMarker(), actual.getNextMarker(), where);
          actual.forEach(m -> all.add(m.getName()));
          marker = actual.getNextMarker();
          pages++;
        } while (marker != null && pages < 100);
        assertNull(marker, "the listing ends");
        if ("raw/".equals(prefix)) {
          assertFalse(all.isEmpty());
          assertEquals(
              all.stream().filter(k -> !k.endsWith("/")).count(),
              18,
              "every file once, page size " + pageSize);
        }
      }
    }
  }

  @Test
  void delimitedListingsAreJclouds() {
    ListContainerOptions options = ListContainerOptions.Builder.delimiter("/").prefix("raw/");
    assertEquals(describe(jclouds.list("raw", options)), describe(paged.list("raw", options)));
  }

  /** Name, type, size and ETag of each entry, in order. */
  private static List<String> describe(PageSet<? extends StorageMetadata> page) {
    List<String> out = new ArrayList<>();
    for (StorageMetadata m : page) {
      out.add(
          m.getName()
              + " "
              + m.getType()
              + " "
              + m.getSize()
              + " "
              + m.getETag()
              + " "
              + m.getLastModified()
              + " "
              + m.getUserMetadata());
    }
    return out;
  }
}
