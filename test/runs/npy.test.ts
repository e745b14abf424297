// The .npy reader/writer against NumPy, both ways, and its errors on files it must refuse.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { NO_NUMPY, pythonWithNumpy, runPython } from "../helpers/python";
import { formatNpy, parseNpy, readNpy, writeNpy } from "../../src/runs/npy";

const noNumpy = !pythonWithNumpy() && NO_NUMPY;

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "npy-test-"));
}

test("numpy.save → readNpy for every supported dtype and header version", { skip: noNumpy }, () => {
  const dir = tmpdir();
  try {
    runPython(
      String.raw`
import sys, numpy as np, numpy.lib.format as fmt
d = sys.argv[1]
a = np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 7 - 1
np.save(d + "/f8.npy", a)
np.save(d + "/f4.npy", a.astype(np.float32))
np.save(d + "/i4.npy", np.array([[-3, 5], [7, 2**31 - 1]], dtype=np.int32))
np.save(d + "/i8.npy", np.array([-(2**53), 0, 2**53], dtype=np.int64))
np.save(d + "/u1.npy", np.array([0, 1, 255], dtype=np.uint8))
np.save(d + "/b1.npy", np.array([True, False, True]))
np.save(d + "/scalar.npy", np.float64(2.5))
np.save(d + "/empty.npy", np.zeros((0, 3)))
for v in [(2, 0), (3, 0)]:
    with open(d + "/v%d.npy" % v[0], "wb") as f:
        fmt.write_array(f, a, version=v)
`,
      [dir],
    );
    const f8 = readNpy(path.join(dir, "f8.npy"));
    assert.deepEqual(f8.shape, [2, 3, 4]);
    assert.equal(f8.dtype, "f8");
    assert.equal(f8.data[23], 23 / 7 - 1);
    const f4 = readNpy(path.join(dir, "f4.npy"));
    assert.equal(f4.dtype, "f4");
    assert.equal(f4.data[5], Math.fround(5 / 7 - 1));
    assert.deepEqual(Array.from(readNpy(path.join(dir, "i4.npy")).data as Int32Array), [-3, 5, 7, 2 ** 31 - 1]);
    assert.deepEqual(Array.from(readNpy(path.join(dir, "i8.npy")).data as BigInt64Array), [-(2n ** 53n), 0n, 2n ** 53n]);
    assert.deepEqual(Array.from(readNpy(path.join(dir, "u1.npy")).data as Uint8Array), [0, 1, 255]);
    const b1 = readNpy(path.join(dir, "b1.npy"));
    assert.equal(b1.dtype, "b1");
    assert.deepEqual(Array.from(b1.data as Uint8Array), [1, 0, 1]);
    assert.deepEqual(readNpy(path.join(dir, "scalar.npy")).shape, []);
    assert.deepEqual(readNpy(path.join(dir, "empty.npy")).shape, [0, 3]);
    for (const v of ["v2", "v3"]) {
      const arr = readNpy(path.join(dir, `${v}.npy`));
      assert.deepEqual(arr.shape, [2, 3, 4]);
      assert.deepEqual(Array.from(arr.data as Float64Array), Array.from(f8.data as Float64Array));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("writeNpy → numpy.load for every supported dtype", { skip: noNumpy }, () => {
  const dir = tmpdir();
  try {
    writeNpy(path.join(dir, "f8.npy"), Float64Array.from({ length: 6 }, (_, i) => i / 3), [2, 3]);
    writeNpy(path.join(dir, "f4.npy"), Float32Array.of(0.1, -2.5), [2]);
    writeNpy(path.join(dir, "i4.npy"), Int32Array.of(-1, 0, 1, 2), [2, 2]);
    writeNpy(path.join(dir, "i8.npy"), BigInt64Array.of(-5n, 2n ** 40n), [2]);
    writeNpy(path.join(dir, "u1.npy"), Uint8Array.of(0, 200), [2]);
    writeNpy(path.join(dir, "b1.npy"), Uint8Array.of(1, 0, 1), [3], { bool: true });
    const out = runPython(
      String.raw`
import sys, json, numpy as np
d = sys.argv[1]
r = {}
for n in ["f8", "f4", "i4", "i8", "u1", "b1"]:
    a = np.load(d + "/" + n + ".npy", allow_pickle=False)
    r[n] = {"dtype": a.dtype.str, "shape": list(a.shape), "values": [float(v) for v in a.ravel()], "c": bool(a.flags.c_contiguous)}
print(json.dumps(r))
`,
      [dir],
    );
    const r = JSON.parse(out);
    assert.deepEqual(r.f8, { dtype: "<f8", shape: [2, 3], values: [0, 1 / 3, 2 / 3, 1, 4 / 3, 5 / 3], c: true });
    assert.deepEqual(r.f4.values, [Math.fround(0.1), -2.5]);
    assert.deepEqual(r.i4, { dtype: "<i4", shape: [2, 2], values: [-1, 0, 1, 2], c: true });
    assert.deepEqual(r.i8.values, [-5, 2 ** 40]);
    assert.equal(r.u1.dtype, "|u1");
    assert.deepEqual(r.b1, { dtype: "|b1", shape: [3], values: [1, 0, 1], c: true });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function withHeader(dict: string, body: Buffer = Buffer.alloc(0)): Buffer {
  const len = Math.ceil((10 + dict.length + 1) / 64) * 64 - 10;
  const header = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(header);
  header.writeUInt16LE(len, 8);
  return Buffer.concat([header, Buffer.from(dict.padEnd(len - 1) + "\n", "latin1"), body]);
}

test("refused files are clear errors that name the file", () => {
  const f = "runs/x/logits.npy";
  const cases: [Buffer, RegExp][] = [
    [withHeader("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", Buffer.alloc(32)), /logits\.npy: Fortran-order/],
    [withHeader("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", Buffer.alloc(16)), /logits\.npy: big-endian/],
    [withHeader("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", Buffer.alloc(16)), /logits\.npy: object arrays/],
    [withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", Buffer.alloc(16)), /logits\.npy: truncated.*needs 32 data bytes, file has 16/],
    [withHeader("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", Buffer.alloc(16)), /logits\.npy: unsupported dtype/],
    [Buffer.from("not numpy at all"), /logits\.npy: not a \.npy file/],
    [formatNpy(Float64Array.of(1, 2), [2]).subarray(0, 40), /logits\.npy: truncated/],
  ];
  for (const [bytes, re] of cases) assert.throws(() => parseNpy(bytes, f), re);
  assert.throws(() => readNpy("/nonexistent/labels.npy"), /labels\.npy: file not found/);
  assert.throws(() => formatNpy(Float64Array.of(1, 2, 3), [2, 2]), /shape \[2, 2\] does not match 3 values/);
});

test("round trip in Node keeps shape, dtype and values; data starts 64-byte aligned", () => {
  const data = Float32Array.from({ length: 30 }, (_, i) => Math.fround(i * 0.37));
  const bytes = formatNpy(data, [2, 3, 5]);
  assert.equal((bytes.length - data.byteLength) % 64, 0);
  const back = parseNpy(bytes);
  assert.deepEqual(back.shape, [2, 3, 5]);
  assert.equal(back.dtype, "f4");
  assert.deepEqual(Array.from(back.data as Float32Array), Array.from(data));
});
