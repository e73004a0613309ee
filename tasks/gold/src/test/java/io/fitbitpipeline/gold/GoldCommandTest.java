package io.fitbitpipeline.gold;

import io.fitbitpipeline.core.cli.LakehouseCommandContract;
import io.quarkus.test.junit.main.QuarkusMainTest;

@QuarkusMainTest
class GoldCommandTest extends LakehouseCommandContract {
  @Override
  protected String step() {
    return "gold";
  }
}
