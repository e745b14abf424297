// Hostile GLUE archives (issue 31, item 10): an entry is never inflated past its declared size
// (a 64 KB archive must not cost 64 MB), an absurd declared size is refused before inflating, and a
// truncated or corrupt archive is one line naming the archive, never a RangeError or zlib trace.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import type { AddressInfo } from "node:net";
import { downloadGlue, GlueDownloadError } from "../../src/data/glueDownload";
import { zipEntries, zipRead } from "../../src/data/zip";

/** A one-entry ZIP whose entry holds `compressed` (method 8 unless `stored`) and declares `size`. */
function zipWith(name: string, compressed: Buffer, size: number, stored = false): Buffer {
  const n = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(stored ? 0 : 8, 8);
  local.writeUInt32LE(compressed.length, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(stored ? 0 : 8, 10);
  central.writeUInt32LE(compressed.length, 20);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(n.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + n.length, 12);
  end.writeUInt32LE(30 + n.length + compressed.length, 16);
  return Buffer.concat([local, n, compressed, central, n, end]);
}

test("an entry that inflates past its declared size stops at that size, with one line naming it", () => {
  const bomb = zlib.deflateRawSync(Buffer.alloc(64 * 2 ** 20)); // 64 MiB of zeros in ~64 KB
  assert.ok(bomb.length < 100_000);
  const zip = zipWith("RTE/train.tsv", bomb, 100);
  const [entry] = zipEntries(zip);
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(() => zipRead(zip, entry), /^Error: ZIP entry RTE\/train\.tsv inflates to more than its declared 100 bytes; the archive is corrupt or hostile$/);
  assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 2 ** 20, "nothing near 64 MiB was allocated");
  // a declared size no GLUE file has is refused before inflating anything
  const huge = zipWith("RTE/train.tsv", bomb, 0xffffffff);
  assert.throws(() => zipRead(huge, zipEntries(huge)[0]), /ZIP entry RTE\/train\.tsv declares 4294967295 bytes, more than the \d+ any GLUE file needs/);
});

test("truncated or corrupt archives are one line, not a RangeError or a zlib trace", () => {
  const good = zipWith("RTE/dev.tsv", zlib.deflateRawSync(Buffer.from("hello")), 5);
  assert.equal(zipRead(good, zipEntries(good)[0]).toString(), "hello");
  // the entry's data cut short: the local header says more bytes than the archive has
  const lying = zipWith("RTE/dev.tsv", Buffer.from("hello"), 5, true);
  lying.writeUInt32LE(5000, 30 + 11 + 5 + 20); // the central record's compressed size
  assert.throws(() => zipRead(lying, zipEntries(lying)[0]), /^Error: truncated ZIP: entry RTE\/dev\.tsv needs bytes 41–5041 of a \d+-byte archive$/);
  // the central directory points past the end
  const far = Buffer.from(good);
  far.writeUInt32LE(good.length + 10, good.length - 22 + 16);
  assert.throws(() => zipEntries(far), /^Error: truncated or corrupt ZIP: a central directory record at byte \d+ is past the end/);
  // deflate data that is not deflate
  const garbage = zipWith("RTE/dev.tsv", Buffer.from([0xff, 0xff, 0xff, 0xff]), 5);
  assert.throws(() => zipRead(garbage, zipEntries(garbage)[0]), /^Error: ZIP entry RTE\/dev\.tsv cannot be inflated \(.*\); the archive is corrupt$/);
});

test("downloadGlue names the archive's URL when an entry is corrupt", async () => {
  const garbage = zipWith("RTE/train.tsv", Buffer.from([0xff, 0xff, 0xff, 0xff]), 5);
  const server = http.createServer((_req, res) => res.writeHead(200, { "content-length": garbage.length }).end(garbage));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/RTE.zip`;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "glue-hostile-"));
  try {
    await assert.rejects(downloadGlue({ out, sources: { rte: url }, tasks: ["rte"] }), (err: Error) => {
      assert.ok(err instanceof GlueDownloadError, `${err.name}: ${err.message}`);
      assert.match(err.message, /RTE\.zip: ZIP entry RTE\/train\.tsv cannot be inflated/);
      return true;
    });
    assert.deepEqual(fs.readdirSync(out), []);
  } finally {
    await new Promise((r) => server.close(r));
    fs.rmSync(out, { recursive: true, force: true });
  }
});
