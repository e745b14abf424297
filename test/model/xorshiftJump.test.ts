// Jumping the dropout generator ahead (kernels/xorshiftJump.ts) lands where stepping does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { type XorshiftState, xorshiftJump, xorshiftStep } from "../../src/model/kernels/xorshiftJump";

const start: XorshiftState = [(0x9e3779b9 | 1) >>> 0, 0x243f6a88, 0xb7e15162, 0xdeadbeef];

test("xorshiftJump(s, n) is n steps of the generator", () => {
  let s = start;
  const checkAt = new Set([0, 1, 2, 3, 4, 31, 32, 33, 127, 128, 129, 1000, 4097, 65537, 300001]);
  for (let n = 0; n <= 300001; n++) {
    if (checkAt.has(n)) assert.deepEqual(xorshiftJump(start, n), s, `${n} steps`);
    s = xorshiftStep(s);
  }
});

test("jumps compose beyond 2^32 steps, and a bad step count is refused", () => {
  const [a, b] = [2 ** 31 + 5, 2 ** 33 + 7];
  assert.deepEqual(xorshiftJump(xorshiftJump(start, a), b), xorshiftJump(start, a + b));
  assert.deepEqual(xorshiftJump(xorshiftJump(start, b), a), xorshiftJump(start, a + b));
  assert.notDeepEqual(xorshiftJump(start, a), xorshiftJump(start, b));
  assert.throws(() => xorshiftJump(start, -1), /not a number of steps/);
  assert.throws(() => xorshiftJump(start, 1.5), /not a number of steps/);
});
