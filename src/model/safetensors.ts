// The safetensors format, by hand: 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets: [begin, end]}}, then the raw little-endian tensor bytes.
// Reads F32, F16 and BF16 (converted to float32); writes F32.
import * as fs from "node:fs";
import * as path from "node:path";

export interface NamedArray {
  shape: number[];
  data: Float32Array;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };

function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Reads every tensor of a .safetensors file into float32 arrays (names as in the file). Tensors of
 * other dtypes (e.g. the I64 `position_ids` buffer some BERT checkpoints carry) throw, or with
 * skipOtherDtypes are left out, so the caller reports the ones it actually needs as missing.
 */
export function readSafetensors(file: string, opts: { skipOtherDtypes?: boolean } = {}): Map<string, NamedArray> {
  return parseSafetensors(fs.readFileSync(file), file, opts);
}

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/**
 * The tensors of safetensors bytes; `file` names the input in errors. Every field of the header is
 * checked before it is used (the file may be truncated, mis-written or hostile), so a bad file is
 * one clear error, never a crash or an allocation larger than the file.
 */
export function parseSafetensors(buf: Buffer, file = "<buffer>", opts: { skipOtherDtypes?: boolean } = {}): Map<string, NamedArray> {
  if (buf.length < 8) throw new Error(`${file}: too short to be a safetensors file (${buf.length} bytes)`);
  const headerLen = buf.readBigUInt64LE(0);
  if (headerLen < 2n || 8n + headerLen > BigInt(buf.length)) {
    throw new Error(`${file}: corrupt or truncated safetensors file: its header says ${headerLen} bytes of JSON, the file has ${buf.length - 8} after the length field`);
  }
  const base = 8 + Number(headerLen);
  let header: unknown;
  try {
    header = JSON.parse(buf.subarray(8, base).toString("utf8"));
  } catch (err) {
    throw new Error(`${file}: safetensors header is not valid JSON (${(err as Error).message})`);
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) throw new Error(`${file}: safetensors header must be a JSON object of tensors`);
  const dataBytes = buf.length - base;
  const out = new Map<string, NamedArray>();
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") continue;
    const e = raw as Partial<HeaderEntry> | null;
    const bad = (what: string) => new Error(`${file}: tensor ${JSON.stringify(name)} ${what}; the file is corrupt (re-save it with safetensors)`);
    if (e === null || typeof e !== "object") throw bad("has no header entry object");
    if (typeof e.dtype !== "string") throw bad("has no dtype");
    if (!Array.isArray(e.shape) || !e.shape.every(isCount)) throw bad(`has shape ${JSON.stringify(e.shape)}, not a list of non-negative integers`);
    const offsets = e.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
      throw bad(`has data_offsets ${JSON.stringify(offsets)}, not [begin, end] with 0 ≤ begin ≤ end`);
    }
    const width = Object.prototype.hasOwnProperty.call(BYTES, e.dtype) ? BYTES[e.dtype] : 0;
    if (!width && opts.skipOtherDtypes) continue;
    if (!width) throw new Error(`${file}: tensor ${name} has dtype ${e.dtype}; only F32, F16 and BF16 are supported`);
    const n = e.shape.reduce((a, b) => a * b, 1);
    const [begin, end] = offsets as [number, number];
    if (end - begin !== n * width) {
      throw new Error(`${file}: tensor ${name} has offsets [${begin}, ${end}] (${end - begin} bytes) that do not match its shape ${JSON.stringify(e.shape)} (${n * width} bytes of ${e.dtype})`);
    }
    if (end > dataBytes) {
      throw new Error(`${file}: truncated: tensor ${name} ends at byte ${base + end} but the file has ${buf.length} bytes (${base + end - buf.length} missing); download or copy it again`);
    }
    const bytes = buf.subarray(base + begin, base + end);
    const data = new Float32Array(n);
    if (e.dtype === "F32") {
      // Copy through a fresh aligned buffer: the file's offsets need not be 4-byte aligned.
      new Uint8Array(data.buffer).set(bytes);
    } else if (e.dtype === "F16") {
      for (let i = 0; i < n; i++) data[i] = f16ToF32(bytes.readUInt16LE(2 * i));
    } else {
      const u32 = new Uint32Array(data.buffer);
      for (let i = 0; i < n; i++) u32[i] = bytes.readUInt16LE(2 * i) << 16;
    }
    out.set(name, { shape: [...e.shape], data });
  }
  return out;
}

/** Writes float32 tensors as a .safetensors file, atomically (temp file, then rename). */
export function writeSafetensors(file: string, tensors: Map<string, NamedArray>, metadata: Record<string, string> = { format: "pt" }): void {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const names = [...tensors.keys()].sort();
  for (const name of names) {
    const t = tensors.get(name)!;
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`tensor ${name}: shape ${JSON.stringify(t.shape)} does not match ${t.data.length} values`);
    header[name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + 4 * n] };
    offset += 4 * n;
  }
  let headerText = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
  while ((8 + Buffer.byteLength(headerText)) % 8 !== 0) headerText += " ";
  const headerBytes = Buffer.from(headerText, "utf8");
  const lenBytes = Buffer.alloc(8);
  lenBytes.writeBigUInt64LE(BigInt(headerBytes.length));
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, "w");
  try {
    fs.writeSync(fd, lenBytes);
    fs.writeSync(fd, headerBytes);
    for (const name of names) {
      const d = tensors.get(name)!.data;
      fs.writeSync(fd, new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    }
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
  } catch (err) {
    try {
      fs.closeSync(fd);
    } catch {
      /* already closed */
    }
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
