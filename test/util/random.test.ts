import { test } from "node:test";
import assert from "node:assert/strict";
import { Random } from "../../src/util/random";

test("the same seed gives the same stream; different seeds and forks differ", () => {
  const a = new Random(7), b = new Random(7), c = new Random(8);
  const xs = Array.from({ length: 5 }, () => a.nextUint32());
  assert.deepEqual(xs, Array.from({ length: 5 }, () => b.nextUint32()));
  assert.notDeepEqual(xs, Array.from({ length: 5 }, () => c.nextUint32()));
  const f1 = new Random(7).fork("shuffle").next(), f2 = new Random(7).fork("dropout").next();
  assert.notEqual(f1, f2);
  assert.equal(new Random(7).fork("shuffle").next(), f1);
});

test("uniform and normal draws have the right first two moments", () => {
  const r = new Random(123);
  const n = 200000;
  let su = 0, su2 = 0, sn = 0, sn2 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.next(); su += u; su2 += u * u;
    const z = r.normal(); sn += z; sn2 += z * z;
  }
  assert.ok(Math.abs(su / n - 0.5) < 0.005);
  assert.ok(Math.abs(su2 / n - 1 / 3) < 0.005);
  assert.ok(Math.abs(sn / n) < 0.01);
  assert.ok(Math.abs(sn2 / n - 1) < 0.01);
});

test("permutation contains every index once and int stays in range", () => {
  const r = new Random(1);
  const p = r.permutation(1000);
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  for (let i = 0; i < 1000; i++) { const k = r.int(3); assert.ok(k >= 0 && k < 3); }
  assert.throws(() => r.int(0), /positive integer/);
});
