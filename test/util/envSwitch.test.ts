// A switch is read from the environment once; refreshEnvSwitches makes the next read see it anew.
import { test } from "node:test";
import assert from "node:assert/strict";
import { envSwitch, refreshEnvSwitches } from "../../src/util/envSwitch";

test("envSwitch remembers the first read until refreshEnvSwitches", () => {
  const name = "INSTABILITY_ENVSWITCH_TEST";
  delete process.env[name];
  refreshEnvSwitches();
  try {
    assert.equal(envSwitch(name), undefined);
    process.env[name] = "2";
    assert.equal(envSwitch(name), undefined, "still the first read");
    refreshEnvSwitches();
    assert.equal(envSwitch(name), "2");
    delete process.env[name];
    assert.equal(envSwitch(name), "2", "still the read after the refresh");
    refreshEnvSwitches();
    assert.equal(envSwitch(name), undefined);
  } finally {
    delete process.env[name];
    refreshEnvSwitches();
  }
});
