import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { reinitNames, reinitTopLayers } from "../../src/train/mitigation/reinit";
import { Random } from "../../src/util/random";
import { disposeParams, fakeParams, snapshot } from "./fakeParams";

tf.setBackend("cpu");

/** Written from method.md §4.3: blocks L−4..L (1-based), i.e. HF indices L−5..L−1, and the pooler. */
function expectedNames(names: string[], L: number, arch: "bert" | "roberta"): Set<string> {
  return new Set(names.filter((n) => {
    const m = n.match(/\.encoder\.layer\.(\d+)\./);
    if (m) return Number(m[1]) + 1 > L - 5;
    return arch === "bert" ? n.startsWith("bert.pooler.dense.") : n.startsWith("classifier.dense.");
  }));
}

for (const arch of ["bert", "roberta"] as const) {
  test(`re-init changes exactly the top 5 blocks and the pooler (${arch})`, () => {
    const L = 7;
    const params = fakeParams({ arch, layers: L, hidden: 32, ffn: 64 }, 1);
    const before = snapshot(params);
    const names = reinitTopLayers(params, { rng: new Random(3) });
    const want = expectedNames([...params.keys()], L, arch);
    assert.deepEqual(new Set(names), want);
    assert.equal(names.length, want.size);
    assert.equal(names.length, 5 * 16 + 2);
    for (const [n, v] of params) {
      const now = v.dataSync(), old = before.get(n)!;
      if (!want.has(n)) {
        assert.deepEqual(Array.from(now), Array.from(old), `${n} must not change`);
        continue;
      }
      if (n.includes("LayerNorm.weight")) assert.ok(now.every((x) => x === 1), n);
      else if (n.endsWith(".bias")) assert.ok(now.every((x) => x === 0), n);
      else {
        assert.equal(v.rank, 2);
        let s = 0, s2 = 0;
        for (const x of now) { s += x; s2 += x * x; }
        const mean = s / now.length, sd = Math.sqrt(s2 / now.length - mean * mean);
        // ≥ 1024 draws: SD within 10% of 0.02, mean within ~4 standard errors of 0.
        assert.ok(Math.abs(sd - 0.02) < 0.002, `${n}: sd ${sd}`);
        assert.ok(Math.abs(mean) < 4 * 0.02 / Math.sqrt(now.length), `${n}: mean ${mean}`);
      }
    }
    if (arch === "roberta") assert.ok(!names.includes("classifier.out_proj.weight"));
    else assert.ok(!names.includes("classifier.weight"));
    disposeParams(params);
  });
}

test("re-init is seeded and independent of the map's order", () => {
  const shape = { arch: "bert" as const, layers: 5, hidden: 8, ffn: 16 };
  const a = fakeParams(shape, 1), b = fakeParams(shape, 2), c = fakeParams(shape, 1);
  const reversed = new Map([...b].reverse());
  reinitTopLayers(a, { rng: new Random(9) });
  reinitTopLayers(reversed, { rng: new Random(9) });
  reinitTopLayers(c, { rng: new Random(10) });
  const w = "bert.encoder.layer.2.attention.self.key.weight";
  assert.deepEqual(Array.from(a.get(w)!.dataSync()), Array.from(b.get(w)!.dataSync()));
  assert.notDeepEqual(Array.from(a.get(w)!.dataSync()), Array.from(c.get(w)!.dataSync()));
  [a, b, c].forEach(disposeParams);
});

test("re-init refuses a model it cannot handle, before changing anything", () => {
  const names = [...fakeParams({ arch: "bert", layers: 3, hidden: 2, ffn: 2 }).keys()];
  assert.throws(() => reinitNames(names, 5), /\[0, 3\].*got 5/);
  assert.deepEqual(reinitNames(names, 0), ["bert.pooler.dense.weight", "bert.pooler.dense.bias"]);
  assert.throws(() => reinitNames(names.filter((n) => !n.includes("pooler")), 1), /no pooler/);
  const params = fakeParams({ arch: "bert", layers: 1, hidden: 2, ffn: 2 });
  const odd = tf.variable(tf.ones([2, 2, 2]));
  params.set("bert.encoder.layer.0.attention.self.rel.weight", odd);
  const before = snapshot(params);
  assert.throws(() => reinitTopLayers(params, { layers: 1, rng: new Random(1) }), /does not know how to initialise bert.encoder.layer.0.attention.self.rel.weight/);
  for (const [n, v] of params) assert.deepEqual(Array.from(v.dataSync()), Array.from(before.get(n)!), n);
  disposeParams(params);
});
