package io.fitbitpipeline.extract;

import io.fitbitpipeline.core.cli.StepCommandContract;
import io.quarkus.test.junit.main.QuarkusMainTest;

@QuarkusMainTest
class ExtractCommandTest extends StepCommandContract {
  @Override
  protected String step() {
    return "extract";
  }
}
