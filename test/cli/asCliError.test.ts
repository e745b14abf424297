// asCliError: library errors from sync and async calls become one-line CLI errors, prefixed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { asCliError, CliError } from "../../src/cli/command";

test("asCliError passes values through and turns thrown errors into prefixed CliErrors", async () => {
  assert.equal(asCliError(() => 7), 7);
  assert.throws(() => asCliError(() => { throw new RangeError("bad seed list 'x'"); }, "--seeds: "),
    (e: unknown) => e instanceof CliError && e.message === "--seeds: bad seed list 'x'");
  const own = new CliError("already one", 3);
  assert.throws(() => asCliError(() => { throw own; }, "--x: "), (e: unknown) => e === own);
  assert.equal(await asCliError(async () => "done"), "done");
  await assert.rejects(asCliError(async () => { throw new Error("store is read-only"); }),
    (e: unknown) => e instanceof CliError && e.message === "store is read-only");
});
