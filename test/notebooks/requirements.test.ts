// The Python environment users create is the one CI tests: environment.yml's pip list and
// requirements.txt (what .ci/run installs into .venv) pin the same packages at the same versions.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..", "..");

/** name → version of `name==version` lines (names normalised as pip does: case, - _ .). */
function pins(lines: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of lines) {
    const line = raw.replace(/#.*/, "").trim();
    if (!line) continue;
    const m = /^([A-Za-z0-9._-]+)==([A-Za-z0-9.+!-]+)$/.exec(line);
    assert.ok(m, `not a pinned requirement (name==version): "${line}"`);
    out.set(m[1].toLowerCase().replace(/[-_.]+/g, "-"), m[2]);
  }
  return out;
}

test("requirements.txt pins JupyterLab 4, Notebook 7 and plotly, and environment.yml pins the same", () => {
  const req = pins(fs.readFileSync(path.join(root, "requirements.txt"), "utf8").split("\n"));
  assert.match(req.get("jupyterlab") ?? "", /^4\./);
  assert.match(req.get("notebook") ?? "", /^7\./);
  assert.ok(req.has("plotly"), "plotly (its JupyterLab renderer draws figures in untrusted notebooks)");

  const yml = fs.readFileSync(path.join(root, "environment.yml"), "utf8").split("\n");
  const at = yml.findIndex((l) => /^\s*- pip:\s*$/.test(l));
  assert.ok(at >= 0, "environment.yml has no `- pip:` list");
  const indent = /^(\s*)/.exec(yml[at])![1].length;
  const items: string[] = [];
  for (const l of yml.slice(at + 1)) {
    if (!l.trim() || l.trim().startsWith("#")) continue;
    if (/^(\s*)/.exec(l)![1].length <= indent) break;
    items.push(l.trim().replace(/^-\s*/, ""));
  }
  assert.deepEqual([...pins(items)].sort(), [...req].sort());
});
