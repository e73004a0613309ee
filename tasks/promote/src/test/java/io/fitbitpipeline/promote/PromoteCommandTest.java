package io.fitbitpipeline.promote;

import io.fitbitpipeline.core.cli.StepCommandContract;
import io.quarkus.test.junit.main.QuarkusMainTest;

@QuarkusMainTest
class PromoteCommandTest extends StepCommandContract {
  @Override
  protected String step() {
    return "promote";
  }
}
