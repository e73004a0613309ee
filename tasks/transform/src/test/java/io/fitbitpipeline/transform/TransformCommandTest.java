package io.fitbitpipeline.transform;

import io.fitbitpipeline.core.cli.StepCommandContract;
import io.quarkus.test.junit.main.QuarkusMainTest;

@QuarkusMainTest
class TransformCommandTest extends StepCommandContract {
  @Override
  protected String step() {
    return "transform";
  }
}
