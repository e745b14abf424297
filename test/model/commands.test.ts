// `instability bench` and `instability models`: bad input is a one-line CliError naming the
// option and the fix, before any heavy work starts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CliError } from "../../src/cli/command";
import * as bench from "../../src/cli/commands/bench";
import * as models from "../../src/cli/commands/models";

async function rejectsWith(p: Promise<unknown>, re: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => err instanceof CliError && re.test(err.message));
}

test("bench train validates its shape options", async () => {
  await rejectsWith(bench.run(["train", "--layers", "2"]), /--hidden is required/);
  await rejectsWith(bench.run(["train", "--layers", "0", "--hidden", "8", "--heads", "2", "--ffn", "8", "--seq", "4", "--batch", "1"]), /--layers must be a positive integer, got '0'/);
  await rejectsWith(bench.run(["train", "--layers", "1", "--hidden", "10", "--heads", "3", "--ffn", "8", "--seq", "4", "--batch", "1"]), /multiple of --heads/);
  await rejectsWith(bench.run(["train", "--bogus"]), /bogus/);
  await rejectsWith(bench.run(["infer"]), /unknown bench 'infer'/);
});

test("models pull validates its arguments", async () => {
  await rejectsWith(models.run(["pull"]), /exactly one model NAME/);
  await rejectsWith(models.run(["push", "x"]), /unknown models sub-command 'push'/);
  await rejectsWith(models.run(["pull", "bad name!"]), /not a Hugging Face model name/);
});
