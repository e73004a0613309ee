package io.fitbitpipeline.silver;

import io.fitbitpipeline.core.cli.LakehouseCommandContract;
import io.quarkus.test.junit.main.QuarkusMainTest;

@QuarkusMainTest
class SilverCommandTest extends LakehouseCommandContract {
  @Override
  protected String step() {
    return "silver";
  }
}
