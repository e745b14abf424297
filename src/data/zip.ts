// Just enough of the ZIP format to take named files out of the GLUE archives: read the central
// directory at the end of the file, then inflate (or copy) each wanted entry. No ZIP64, no
// encryption: the GLUE archives need neither, and anything else is reported, not guessed at.
import * as zlib from "node:zlib";

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

export interface ZipEntry {
  name: string;
  method: number; // 0 stored, 8 deflate
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** The largest entry we inflate: GLUE's biggest file is ~30 MB; a larger one is not a GLUE file. */
export const MAX_ENTRY_BYTES = 512 * 2 ** 20;

/** Reads a field, or says the archive ends too early (instead of a RangeError stack trace). */
function u32(zip: Buffer, at: number, what: string): number {
  if (at < 0 || at + 4 > zip.length) throw new Error(`truncated or corrupt ZIP: ${what} at byte ${at} is past the end (${zip.length} bytes)`);
  return zip.readUInt32LE(at);
}

function u16(zip: Buffer, at: number, what: string): number {
  if (at < 0 || at + 2 > zip.length) throw new Error(`truncated or corrupt ZIP: ${what} at byte ${at} is past the end (${zip.length} bytes)`);
  return zip.readUInt16LE(at);
}

export function zipEntries(zip: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (zip.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("not a ZIP archive (no end-of-central-directory record)");
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (u32(zip, p, "a central directory record") !== CENTRAL_SIGNATURE) throw new Error(`corrupt ZIP central directory at byte ${p}`);
    const method = u16(zip, p + 10, "a central directory record");
    const compressedSize = u32(zip, p + 20, "a central directory record");
    const size = u32(zip, p + 24, "a central directory record");
    const nameLength = u16(zip, p + 28, "a central directory record");
    const extraLength = u16(zip, p + 30, "a central directory record");
    const commentLength = u16(zip, p + 32, "a central directory record");
    const localOffset = u32(zip, p + 42, "a central directory record");
    if (p + 46 + nameLength > zip.length) throw new Error(`truncated or corrupt ZIP: entry name at byte ${p + 46} is past the end`);
    const name = zip.toString("utf8", p + 46, p + 46 + nameLength);
    entries.push({ name, method, compressedSize, size, localOffset });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * The entry's bytes. Its declared size is checked before anything is inflated, and inflating
 * stops at that size: a small archive cannot make us allocate more than it declares.
 */
export function zipRead(zip: Buffer, entry: ZipEntry): Buffer {
  if (entry.size > MAX_ENTRY_BYTES) {
    throw new Error(`ZIP entry ${entry.name} declares ${entry.size} bytes, more than the ${MAX_ENTRY_BYTES} any GLUE file needs; the archive is not a GLUE archive`);
  }
  const p = entry.localOffset;
  if (u32(zip, p, `the local header of ${entry.name}`) !== LOCAL_SIGNATURE) throw new Error(`corrupt ZIP local header for ${entry.name}`);
  const start = p + 30 + u16(zip, p + 26, `the local header of ${entry.name}`) + u16(zip, p + 28, `the local header of ${entry.name}`);
  if (start + entry.compressedSize > zip.length) {
    throw new Error(`truncated ZIP: entry ${entry.name} needs bytes ${start}–${start + entry.compressedSize} of a ${zip.length}-byte archive`);
  }
  const raw = zip.subarray(start, start + entry.compressedSize);
  let data: Buffer;
  if (entry.method === 0) data = Buffer.from(raw);
  else if (entry.method === 8) data = inflateAtMost(raw, entry);
  else throw new Error(`ZIP entry ${entry.name} uses compression method ${entry.method}; only stored and deflate are supported`);
  if (data.length !== entry.size) throw new Error(`ZIP entry ${entry.name}: ${data.length} bytes after inflating, expected ${entry.size}`);
  return data;
}

function inflateAtMost(raw: Buffer, entry: ZipEntry): Buffer {
  try {
    return zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === "ERR_BUFFER_TOO_LARGE") throw new Error(`ZIP entry ${entry.name} inflates to more than its declared ${entry.size} bytes; the archive is corrupt or hostile`);
    throw new Error(`ZIP entry ${entry.name} cannot be inflated (${e.message}); the archive is corrupt`);
  }
}
