// `models pull` offline: fails at once with a clear message and writes nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pullModel } from "../../src/model/hub";

test("pull without network fails fast, names the cause, and leaves no files", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pull-"));
  try {
    const out = path.join(root, "bert");
    const offline = (async () => {
      throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ENOTFOUND" } });
    }) as unknown as typeof fetch;
    const t0 = Date.now();
    await assert.rejects(pullModel("bert-base-uncased", out, { fetch: offline }), /cannot reach https:\/\/huggingface.co \(ENOTFOUND\).*needs internet/);
    assert.ok(Date.now() - t0 < 5000);
    assert.deepEqual(fs.readdirSync(root), []);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("pull rejects bad names before any network access, and a non-empty folder it cannot check while offline", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pull-"));
  try {
    let called = false;
    const spy = (async () => {
      called = true;
      throw new Error("no");
    }) as unknown as typeof fetch;
    await assert.rejects(pullModel("not a name", path.join(root, "x"), { fetch: spy }), /not a Hugging Face model name/);
    fs.writeFileSync(path.join(root, "keep.txt"), "mine");
    assert.equal(called, false);
    await assert.rejects(pullModel("bert-base-uncased", root, { fetch: spy }), /cannot reach/);
    assert.equal(fs.readFileSync(path.join(root, "keep.txt"), "utf8"), "mine");
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
