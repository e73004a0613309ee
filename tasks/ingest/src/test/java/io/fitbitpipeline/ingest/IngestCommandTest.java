package io.fitbitpipeline.ingest;

import io.fitbitpipeline.core.cli.LakehouseCommandContract;
import io.quarkus.test.junit.main.QuarkusMainTest;

@QuarkusMainTest
class IngestCommandTest extends LakehouseCommandContract {
  @Override
  protected String step() {
    return "ingest";
  }
}
