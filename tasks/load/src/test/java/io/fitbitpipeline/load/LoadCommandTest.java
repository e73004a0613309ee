package io.fitbitpipeline.load;

import io.fitbitpipeline.core.cli.StepCommandContract;
import io.quarkus.test.junit.main.QuarkusMainTest;

@QuarkusMainTest
class LoadCommandTest extends StepCommandContract {
  @Override
  protected String step() {
    return "load";
  }
}
