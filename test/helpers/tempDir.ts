// Temporary folders that a test file removes when all its tests are done. The hook is registered
// when this module loads (at a test file's top level): registered from inside the first test that
// asked for a folder, it ran when that test ended, and every folder made after it was left behind.
import { after } from "node:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const made: string[] = [];
after(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

export function mkdtemp(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}
