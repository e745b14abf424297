// Atomic writes: a reader (or a killed process) never sees half a report or half a CSV.
import * as fs from "node:fs";
import * as path from "node:path";
import { toCsv, type TableInput } from "./table";

export function writeFileAtomic(file: string, content: string): void {
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`could not write ${file}: ${(e as Error).message}; check that the folder is writable and has space`);
  }
}

const CSV_NAME = /^[\w.-]+$/;

/** Writes each table as DIR/<name>.csv (atomically); returns the paths written. */
export function writeCsvFiles(dir: string, tables: Record<string, TableInput>): string[] {
  return Object.entries(tables).map(([name, t]) => {
    const base = name.endsWith(".csv") ? name : `${name}.csv`;
    if (!CSV_NAME.test(base)) throw new Error(`writeCsvFiles: table name "${name}" is not a safe file name; use letters, digits, "-", "_" and "."`);
    const file = path.join(dir, base);
    writeFileAtomic(file, toCsv(t));
    return file;
  });
}
