// Temporary folders that a test file removes when all its tests are done.
import { after } from "node:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const made: string[] = [];
let registered = false;

export function mkdtemp(prefix: string): string {
  if (!registered) {
    after(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
    registered = true;
  }
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}
