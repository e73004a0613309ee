package io.fitbitpipeline.localstack;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.LocalStorageStrategy;

/**
 * A real S3-API server (s3proxy) in this process, on loopback. The pipeline reaches it with the AWS
 * SDK exactly as it reaches Amazon S3: only the endpoint and the credentials differ.
 */
public final class LocalS3 implements AutoCloseable {
  /**
   * s3proxy runs without authentication. Step processes and tests sign with these keys anyway (the
   * SDK's credential chain needs some); the launcher's own requests go unsigned
   * (PipelineConfig.StaticCredentials.forServerWithoutAuthentication).
   */
  public static final String ACCESS_KEY = "local";

  public static final String SECRET_KEY = "local-secret";

  private final S3Proxy proxy;
  private final BlobStoreContext context;

  private LocalS3(S3Proxy proxy, BlobStoreContext context) {
    this.proxy = proxy;
    this.context = context;
  }

  /** Starts a server that keeps its objects under {@code baseDir} (kept across restarts). */
  public static LocalS3 start(Path baseDir) throws Exception {
    Files.createDirectories(baseDir);
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", baseDir.toAbsolutePath().toString());
    BlobStoreContext context =
        ContextBuilder.newBuilder("filesystem").overrides(properties).build(BlobStoreContext.class);
    // Flat listings read only the metadata of the page's keys (see PagedListing).
    BlobStore store =
        new PagedListing(
            context.getBlobStore(),
            context.utils().injector().getInstance(LocalStorageStrategy.class));
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(store)
            .endpoint(URI.create("http://127.0.0.1:" + LocalPostgres.freePort()))
            .awsAuthentication(AuthenticationType.NONE, null, null)
            .build();
    proxy.start();
    long deadline = System.currentTimeMillis() + 30_000;
    while (!proxy.getState().equals("STARTED")) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
      }
      Thread.sleep(10);
    }
    return new LocalS3(proxy, context);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}
