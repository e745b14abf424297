// Fuzzing the two binary readers that take files from elsewhere: .npy (runs from PyTorch/JAX) and
// safetensors (checkpoints). Random bytes and mutations of valid files (flipped bytes, truncation,
// edited headers) must give either a clear error that names the file, or a value that is what the
// bytes say, never a crash (TypeError, RangeError…), a hang or an allocation beyond the file size.
// Seeded and bounded: the same ~6,000 cases every run, in about a second.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseNpy } from "../../src/runs/npy";
import { parseSafetensors } from "../../src/model/safetensors";
import { Random } from "../../src/util/random";

const FILE = "/fuzz/input.bin";

function npyBytes(rng: Random): Buffer {
  const dtype = ["<f4", "<f8", "<i4", "<i8", "|u1", "|b1"][rng.int(6)];
  const shape = Array.from({ length: rng.int(4) }, () => rng.int(5));
  const count = shape.reduce((a, b) => a * b, 1);
  const size = Number(dtype.slice(2));
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  const major = 1 + rng.int(3);
  const pre = major === 1 ? 10 : 12;
  while ((pre + header.length + 1) % 64 !== 0) header += " ";
  header += "\n";
  const head = Buffer.alloc(pre);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]).copy(head);
  if (major === 1) head.writeUInt16LE(header.length, 8);
  else head.writeUInt32LE(header.length, 8);
  const data = Buffer.from(Array.from({ length: count * size }, () => rng.int(256)));
  return Buffer.concat([head, Buffer.from(header, "latin1"), data]);
}

function safetensorsBytes(rng: Random): Buffer {
  const header: Record<string, unknown> = { __metadata__: { format: "pt" } };
  const parts: Buffer[] = [];
  let offset = 0;
  for (let t = 0; t < 1 + rng.int(3); t++) {
    const dtype = ["F32", "F16", "BF16", "I64"][rng.int(4)];
    const width = dtype === "F32" ? 4 : dtype === "I64" ? 8 : 2;
    const shape = Array.from({ length: rng.int(3) }, () => rng.int(4));
    const bytes = shape.reduce((a, b) => a * b, 1) * width;
    header[`t${t}`] = { dtype, shape, data_offsets: [offset, offset + bytes] };
    parts.push(Buffer.from(Array.from({ length: bytes }, () => rng.int(256))));
    offset += bytes;
  }
  const text = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(text.length));
  return Buffer.concat([len, text, ...parts]);
}

/** One of: random bytes, a valid file, or a valid file with flipped bytes, cut short or extended. */
function mutate(rng: Random, valid: Buffer): Buffer {
  const kind = rng.int(6);
  if (kind === 0) return Buffer.from(Array.from({ length: rng.int(64) }, () => rng.int(256)));
  const b = Buffer.from(valid);
  if (kind === 1) return b;
  if (kind === 2) {
    for (let k = 0; k < 1 + rng.int(4); k++) if (b.length) b[rng.int(b.length)] = rng.int(256);
    return b;
  }
  if (kind === 3) return b.subarray(0, rng.int(b.length + 1));
  if (kind === 4) return Buffer.concat([b, Buffer.from(Array.from({ length: rng.int(16) }, () => rng.int(256)))]);
  // Edit the header's text: a digit, quote or bracket swapped for another (shapes, offsets, syntax).
  const alphabet = "0123456789-,.[]{}():'\"eE ";
  for (let k = 0; k < 1 + rng.int(3); k++) {
    const at = 8 + rng.int(Math.max(1, Math.min(b.length - 8, 120)));
    if (at < b.length) b[at] = alphabet.charCodeAt(rng.int(alphabet.length));
  }
  return b;
}

function expectClearOrValue(bytes: Buffer, parse: () => void, what: string): "error" | "value" {
  try {
    parse();
    return "value";
  } catch (err) {
    const e = err as Error;
    assert.ok(e instanceof Error && !(e instanceof TypeError) && !(e instanceof RangeError), `${what}: a crash, not a clear error: ${e?.name}: ${e?.message} (bytes ${bytes.toString("hex").slice(0, 120)})`);
    assert.ok(e.message.startsWith(`${FILE}: `), `${what}: the error names the file: ${e.message}`);
    assert.doesNotMatch(e.message, /\n/, `${what}: one line`);
    assert.ok(e.message.length < 400, `${what}: a short message`);
    return "error";
  }
}

test("the .npy reader: random and mutated bytes give a clear error or the array the bytes hold", () => {
  const rng = new Random(20231);
  const seen = { error: 0, value: 0 };
  for (let k = 0; k < 3000; k++) {
    const bytes = mutate(rng, npyBytes(rng));
    const outcome = expectClearOrValue(bytes, () => {
      const a = parseNpy(bytes, FILE);
      const count = a.shape.reduce((x, y) => x * y, 1);
      assert.equal(a.data.length, count, "one value per element of the shape");
      assert.ok(a.data.byteLength <= bytes.length, "never larger than the file");
      // An independent decode of the first value from the bytes after the header.
      if (count > 0) {
        const major = bytes[6];
        const start = major === 1 ? 10 + bytes.readUInt16LE(8) : 12 + bytes.readUInt32LE(8);
        const first = { f4: () => bytes.readFloatLE(start), f8: () => bytes.readDoubleLE(start), i4: () => bytes.readInt32LE(start), i8: () => bytes.readBigInt64LE(start), u1: () => bytes[start], b1: () => bytes[start] }[a.dtype]();
        assert.ok(Object.is(a.data[0], first) || (Number.isNaN(a.data[0] as number) && Number.isNaN(first as number)), `first value ${a.data[0]} vs ${first}`);
      }
    }, `npy case ${k}`);
    seen[outcome]++;
  }
  assert.ok(seen.error > 500 && seen.value > 500, JSON.stringify(seen));
});

test("the safetensors reader: random and mutated bytes give a clear error or the tensors the bytes hold", () => {
  const rng = new Random(20232);
  const seen = { error: 0, value: 0 };
  for (let k = 0; k < 3000; k++) {
    const bytes = mutate(rng, safetensorsBytes(rng));
    const outcome = expectClearOrValue(bytes, () => {
      const tensors = parseSafetensors(bytes, FILE, { skipOtherDtypes: true });
      const headerLen = Number(bytes.readBigUInt64LE(0));
      const header = JSON.parse(bytes.subarray(8, 8 + headerLen).toString("utf8"));
      for (const [name, t] of tensors) {
        const e = header[name];
        assert.equal(t.data.length, t.shape.reduce((x: number, y: number) => x * y, 1));
        assert.ok(t.data.byteLength <= 2 * bytes.length, "never much larger than the file");
        if (e.dtype === "F32" && t.data.length > 0) {
          // An independent decode of the first value from the bytes at its offset.
          assert.equal(Object.is(t.data[0], bytes.readFloatLE(8 + headerLen + e.data_offsets[0])) || (Number.isNaN(t.data[0]) && Number.isNaN(bytes.readFloatLE(8 + headerLen + e.data_offsets[0]))), true);
        }
      }
    }, `safetensors case ${k}`);
    seen[outcome]++;
  }
  assert.ok(seen.error > 500 && seen.value > 500, JSON.stringify(seen));
});

test("a truncated model.safetensors says so, with sizes", () => {
  const rng = new Random(3);
  let bytes: Buffer;
  do bytes = safetensorsBytes(rng);
  while (bytes.length < 80);
  const cut = bytes.subarray(0, bytes.length - 3);
  assert.throws(() => parseSafetensors(cut, FILE, { skipOtherDtypes: false }), /truncated: tensor t\d ends at byte \d+ but the file has \d+ bytes \(\d+ missing\)|dtype I64/);
});
