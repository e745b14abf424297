// NumPy `.npy` files: the interchange format of the run store, so runs written by PyTorch or JAX
// can be measured here. Format versions 1.0–3.0, little-endian, C order, and the dtypes the run
// store needs (f4, f8, i4, i8, u1, b1). Everything else is refused with an error naming the file,
// because a silently mis-read array would poison every measure computed from it.
import * as fs from "node:fs";
import * as path from "node:path";
import { readRegularFile } from "../util/readRegularFile";

export type NpyDtype = "f4" | "f8" | "i4" | "i8" | "u1" | "b1";

export type NpyData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  data: NpyData;
}

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY
const ITEM_SIZE: Record<NpyDtype, number> = { f4: 4, f8: 8, i4: 4, i8: 8, u1: 1, b1: 1 };

export class NpyError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = "NpyError";
  }
}

/** Parses the bytes of a .npy file; `file` is only used in error messages. */
export function parseNpy(bytes: Uint8Array, file = "<buffer>"): NpyArray {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC)) {
    throw new NpyError(file, "not a .npy file (missing the \\x93NUMPY magic); save it with numpy.save");
  }
  const major = buf[6];
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) throw new NpyError(file, "truncated .npy header");
    headerLen = buf.readUInt32LE(8);
    headerStart = 12;
  } else {
    throw new NpyError(file, `unsupported .npy format version ${major}.${buf[7]} (supported: 1.0–3.0)`);
  }
  if (headerStart + headerLen > buf.length) throw new NpyError(file, "truncated .npy header");
  const header = buf.toString(major === 3 ? "utf8" : "latin1", headerStart, headerStart + headerLen);
  const { descr, fortran, shape } = parseHeader(header, file);
  const dtype = parseDescr(descr, file);
  if (fortran) {
    throw new NpyError(file, "Fortran-order arrays are not supported; save with np.ascontiguousarray(a)");
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLen;
  const expected = count * ITEM_SIZE[dtype];
  const available = buf.length - dataStart;
  if (available < expected) {
    throw new NpyError(file, `truncated: shape [${shape.join(", ")}] needs ${expected} data bytes, file has ${available}`);
  }
  // Copy into a fresh, aligned buffer: the file's data offset need not be a multiple of 8.
  const raw = new Uint8Array(expected);
  raw.set(buf.subarray(dataStart, dataStart + expected));
  return { dtype, shape, data: makeView(dtype, raw.buffer) };
}

/** A header excerpt for an error message: one line, at most ~80 characters. */
function shown(text: string): string {
  const s = JSON.stringify(text.trim());
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

function parseHeader(header: string, file: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr) {
    if (/'descr'\s*:\s*\[/.test(header)) {
      throw new NpyError(file, "structured (record) arrays are not supported; save a plain numeric array");
    }
    throw new NpyError(file, `malformed .npy header (no 'descr'): ${shown(header)}`);
  }
  if (!fortran || !shape) throw new NpyError(file, `malformed .npy header: ${shown(header)}`);
  // A Python tuple of non-negative integers: "()", "(3,)", "(2, 3)" (a trailing comma allowed).
  const parts = shape[1].split(",").map((s) => s.trim());
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  if (parts.length === 1 && parts[0] === "") parts.pop();
  const dims = parts.map((s) => {
    const v = /^\d+L?$/.test(s) ? Number(s.replace(/L$/, "")) : NaN;
    if (!Number.isSafeInteger(v)) throw new NpyError(file, `malformed shape in .npy header: ${shown(`(${shape[1]})`)}`);
    return v;
  });
  return { descr: descr[1], fortran: fortran[1] === "True", shape: dims };
}

function parseDescr(descr: string, file: string): NpyDtype {
  if (descr.includes("O")) throw new NpyError(file, "object arrays are not supported; save a numeric array (allow_pickle=False)");
  const m = /^([<>|=]?)([a-zA-Z])(\d+)$/.exec(descr);
  if (!m) throw new NpyError(file, `unsupported dtype '${descr}'`);
  const [, order, kind, sizeText] = m;
  const size = Number(sizeText);
  if (order === ">" && size > 1) {
    throw new NpyError(file, `big-endian dtype '${descr}' is not supported; save with a.astype(a.dtype.newbyteorder('<'))`);
  }
  const key = `${kind}${size}`;
  if (key === "f4" || key === "f8" || key === "i4" || key === "i8" || key === "u1" || key === "b1") return key;
  throw new NpyError(file, `unsupported dtype '${descr}' (supported: float32, float64, int32, int64, uint8, bool)`);
}

function makeView(dtype: NpyDtype, buffer: ArrayBuffer): NpyData {
  switch (dtype) {
    case "f4":
      return new Float32Array(buffer);
    case "f8":
      return new Float64Array(buffer);
    case "i4":
      return new Int32Array(buffer);
    case "i8":
      return new BigInt64Array(buffer);
    case "u1":
    case "b1":
      return new Uint8Array(buffer);
  }
}

/** Reads a .npy file from disk (through `read`, e.g. a store's file cache: analysis/store/runFiles.ts). */
export function readNpy(file: string, read: (file: string) => Buffer = readRegularFile): NpyArray {
  let bytes: Buffer;
  try {
    bytes = read(file); // a FIFO is an error, not a hang; over 2 GiB is read in parts
  } catch (err) {
    if (!(err as NodeJS.ErrnoException).code) throw new NpyError(file, (err as Error).message.slice(file.length + 2));
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new NpyError(file, "file not found");
    throw new NpyError(file, `cannot read (${code ?? String(err)})`);
  }
  return parseNpy(bytes, file);
}

function dtypeOf(data: NpyData, bool: boolean): NpyDtype {
  if (data instanceof Float64Array) return "f8";
  if (data instanceof Float32Array) return "f4";
  if (data instanceof Int32Array) return "i4";
  if (data instanceof BigInt64Array) return "i8";
  return bool ? "b1" : "u1";
}

/**
 * Serialises an array as a version 1.0 .npy (2.0 when the header would not fit), the form that
 * numpy.save itself writes. Pass `{ bool: true }` to store a Uint8Array as numpy bool.
 */
export function formatNpy(data: NpyData, shape: number[], opts: { bool?: boolean } = {}): Buffer {
  const count = shape.reduce((a, b) => a * b, 1);
  if (shape.some((s) => !Number.isInteger(s) || s < 0) || count !== data.length) {
    throw new Error(`shape [${shape.join(", ")}] does not match ${data.length} values`);
  }
  const dtype = dtypeOf(data, opts.bool ?? false);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const descr = dtype === "u1" || dtype === "b1" ? `|${dtype}` : `<${dtype}`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  let version = 1;
  let prefix = 10;
  if (dict.length + 1 + prefix > 0xffff) {
    version = 2;
    prefix = 12;
  }
  // Pad with spaces so the data starts on a 64-byte boundary, as numpy does.
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  dict = dict + " ".repeat(total - prefix - dict.length - 1) + "\n";
  const head = Buffer.alloc(prefix);
  MAGIC.copy(head, 0);
  head[6] = version;
  head[7] = 0;
  if (version === 1) head.writeUInt16LE(dict.length, 8);
  else head.writeUInt32LE(dict.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.concat([head, Buffer.from(dict, "latin1"), body]);
}

/** Writes a .npy file atomically (temporary file in the same folder, then rename). */
export function writeNpy(file: string, data: NpyData, shape: number[], opts: { bool?: boolean } = {}): void {
  const bytes = formatNpy(data, shape, opts);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
}

/** The values as float64, whatever the stored dtype (int64 must fit a double exactly). */
export function toFloat64(arr: NpyArray, file = "<array>"): Float64Array {
  if (arr.data instanceof Float64Array) return arr.data;
  const out = new Float64Array(arr.data.length);
  if (arr.data instanceof BigInt64Array) {
    for (let i = 0; i < out.length; i++) {
      const v = arr.data[i];
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(-Number.MAX_SAFE_INTEGER)) {
        throw new NpyError(file, `int64 value ${v} at index ${i} does not fit a double exactly`);
      }
      out[i] = Number(v);
    }
    return out;
  }
  for (let i = 0; i < out.length; i++) out[i] = arr.data[i];
  return out;
}
