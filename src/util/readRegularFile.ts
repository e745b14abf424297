// Reading a file the user's folders hold (run files, a store's JSON): only a regular file is read,
// so a named pipe (FIFO) or a device in a run folder is an error instead of a hang; and a file over
// readFileSync's 2 GiB limit is read in parts, up to what one Buffer can hold.
import * as fs from "node:fs";
import { constants as bufferConstants } from "node:buffer";

export class NotARegularFileError extends Error {
  constructor(readonly file: string, readonly kind: string) {
    super(`${file}: a ${kind}, not a regular file; run folders hold plain files only (replace it with the file, or remove it)`);
    this.name = "NotARegularFileError";
  }
}

const PART_BYTES = 1 << 30;

function kindOf(st: fs.Stats): string {
  if (st.isFIFO()) return "named pipe (FIFO)";
  if (st.isSocket()) return "socket";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "device";
  if (st.isDirectory()) return "folder";
  return "special file";
}

/**
 * The bytes of `file`. Opened without blocking (a FIFO with no writer would wait forever), then
 * refused unless fstat says it is a regular file. System errors (ENOENT…) are thrown as they are.
 */
export function readRegularFile(file: string, partBytes = PART_BYTES): Buffer {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new NotARegularFileError(file, kindOf(st));
    if (st.size > bufferConstants.MAX_LENGTH) {
      throw new Error(`${file}: ${st.size} bytes, more than the ${bufferConstants.MAX_LENGTH} bytes this Node.js can hold in memory at once; split the runs' arrays (e.g. fewer examples or layers per file)`);
    }
    const bytes = Buffer.allocUnsafe(st.size);
    let done = 0;
    while (done < st.size) {
      const n = fs.readSync(fd, bytes, done, Math.min(partBytes, st.size - done), done);
      if (n === 0) break; // shrank while we read
      done += n;
    }
    return done === st.size ? bytes : bytes.subarray(0, done);
  } finally {
    fs.closeSync(fd);
  }
}

/** The text of `file` (UTF-8), a regular file only. */
export function readRegularText(file: string): string {
  return readRegularFile(file).toString("utf8");
}
