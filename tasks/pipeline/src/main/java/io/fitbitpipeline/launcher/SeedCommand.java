package io.fitbitpipeline.launcher;

import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.sample.SampleWeek;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "seed",
    mixinStandardHelpOptions = true,
    description =
        "Uploads raw files to the raw bucket: --input DIR, or the sample week for --week.")
final class SeedCommand implements Callable<Integer> {
  @Option(names = "--input", paramLabel = "DIR")
  Path input;

  @Option(
      names = "--week",
      paramLabel = "YYYY-Www",
      description = "sample week (default: ${DEFAULT-VALUE})")
  String week = RunCommand.SAMPLE_WEEK;

  @Override
  public Integer call() throws Exception {
    LauncherContext context = LauncherContext.fromSystem();
    try (LocalEnvironment environment =
        LocalEnvironment.open(context.env(), context.stateDir(), System.err)) {
      RawUploader uploader =
          new RawUploader(
              environment.store(),
              environment.config().rawBucket(),
              environment.config().rawPrefix());
      int count =
          input == null
              ? uploader.upload(SampleWeek.generate(Window.isoWeek(week)))
              : uploader.upload(input);
      System.out.println(
          "uploaded "
              + count
              + " raw files to s3://"
              + environment.config().rawBucket()
              + "/"
              + environment.config().rawPrefix());
      return 0;
    }
  }
}
