import { test } from "node:test";
import assert from "node:assert/strict";
import { Progress, formatDuration } from "../../src/util/progress";

test("formatDuration writes mm:ss and h:mm:ss, and dashes for unknown", () => {
  assert.equal(formatDuration(65), "01:05");
  assert.equal(formatDuration(3723), "1:02:03");
  assert.equal(formatDuration(NaN), "--:--");
});

test("plain mode writes throttled lines with counts, rate and ETA", () => {
  let clock = 0;
  const lines: string[] = [];
  const p = new Progress({
    label: "fine-tune", total: 100, unit: "steps", intervalMs: 1000, now: () => clock,
    stream: { write: (s: string) => lines.push(s), isTTY: false },
  });
  clock = 500; p.tick(10); // first draw happens immediately
  clock = 700; p.tick(10); // throttled
  clock = 2000; p.tick(30, "loss 0.5");
  assert.equal(lines.length, 2);
  assert.match(lines[1], /^fine-tune: 50\/100 steps \(50%\), 25 steps\/s, elapsed 00:02, ETA 00:02 · loss 0\.5\n$/);
  clock = 2100; p.update(100);
  assert.equal(lines.length, 3, "reaching the total always draws");
});

test("TTY mode redraws one line in place and ends with a newline", () => {
  let clock = 0;
  let out = "";
  const p = new Progress({ label: "x", total: 4, now: () => clock, stream: { write: (s: string) => (out += s), isTTY: true } });
  clock = 1000; p.tick(2);
  clock = 2000; p.finish();
  assert.ok(out.startsWith("\r\x1b[K"));
  assert.ok(out.endsWith("\n"));
  assert.match(out, /\[#{10}\.{10}\] 2\/4/);
});

test("a sink receives each drawing; finish() after the total adds no line, and a later total can be set", () => {
  let clock = 0;
  const drawn: { line: string; final: boolean }[] = [];
  let ended = 0;
  const p = new Progress({ label: "sweep", unit: "runs", intervalMs: 0, now: () => clock, sink: { draw: (line, s) => drawn.push({ line, final: s.final }), end: () => ended++ } });
  clock = 1000; p.update(1);
  p.setTotal(2);
  clock = 2000; p.update(2, "seed 1");
  p.finish();
  assert.deepEqual(drawn, [
    { line: "sweep: 1 runs, elapsed 00:01", final: false },
    { line: "sweep: 2/2 runs (100%), 1.00 runs/s, elapsed 00:02, ETA 00:00 · seed 1", final: true },
  ]);
  assert.equal(ended, 1);
  assert.throws(() => p.update(Number.NaN), /done must be a number ≥ 0/);
});
