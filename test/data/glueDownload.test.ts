import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { AddressInfo } from "node:net";
import { downloadGlue, GlueDownloadError, GLUE_SHA256, sha256 } from "../../src/data/glueDownload";
import { zipEntries, zipRead } from "../../src/data/zip";
import { glueDir, NO_GLUE } from "../helpers/glue";

const GLUE = glueDir();

function crc32(data: Buffer): number {
  let c = ~0;
  for (const b of data) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A stored (uncompressed) ZIP archive, written field by field from the format description. */
function makeZip(files: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const n = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    centrals.push(central, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

async function serve(routes: Record<string, Buffer>): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const body = routes[req.url ?? ""];
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-length": body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((r) => server.close(() => r())) };
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
}

test("zip reader round-trips a stored archive", () => {
  const zip = makeZip({ "A/x.txt": Buffer.from("hello"), "A/y.txt": Buffer.from("") });
  const entries = zipEntries(zip);
  assert.deepEqual(entries.map((e) => e.name), ["A/x.txt", "A/y.txt"]);
  assert.equal(zipRead(zip, entries[0]).toString(), "hello");
  assert.throws(() => zipEntries(Buffer.from("not a zip at all, just some bytes")), /not a ZIP/);
});

test("offline: unreachable source is a clear error at once and leaves no files", async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "glue-offline-"));
  await assert.rejects(
    downloadGlue({ out, sources: { rte: "http://127.0.0.1:1/RTE.zip" }, tasks: ["rte"] }),
    (err: Error) => err instanceof GlueDownloadError && err.message.includes("http://127.0.0.1:1/RTE.zip") && err.message.includes("internet") && err.message.includes("--glue-dir"),
  );
  assert.deepEqual(listFiles(out), []);
});

test("HTTP 404 is an error naming the URL, no files", async () => {
  const server = await serve({});
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "glue-404-"));
  try {
    await assert.rejects(downloadGlue({ out, sources: { cola: `${server.url}/CoLA.zip` }, tasks: ["cola"] }), /CoLA\.zip failed: HTTP 404/);
    assert.deepEqual(listFiles(out), []);
  } finally {
    await server.close();
  }
});

test("served copies of the real files: verified, written byte for byte; a tampered file writes nothing at all", { skip: !GLUE && NO_GLUE }, async () => {
  const read = (rel: string) => fs.readFileSync(path.join(GLUE!, rel));
  const rteZip = makeZip({ "RTE/train.tsv": read("RTE/train.tsv"), "RTE/dev.tsv": read("RTE/dev.tsv"), "RTE/test.tsv": Buffer.from("x") });
  // The MRPC source: both GLUE files' rows in one file with CRLF endings, as the corpus ships it.
  const trainRows = read("MRPC/train.tsv").toString("utf8").split("\n").filter(Boolean);
  const devRows = read("MRPC/dev.tsv").toString("utf8").split("\n").filter(Boolean);
  const source = Buffer.from([trainRows[0], ...trainRows.slice(1), ...devRows.slice(1)].join("\r\n") + "\r\n", "utf8");
  const ids = Buffer.from(devRows.slice(1).map((r) => r.split("\t").slice(1, 3).join("\t")).join("\n") + "\n");
  const server = await serve({ "/RTE.zip": rteZip, "/msr_train.txt": source, "/dev_ids.tsv": ids });
  const sources = { rte: `${server.url}/RTE.zip`, mrpcTrain: `${server.url}/msr_train.txt`, mrpcDevIds: `${server.url}/dev_ids.tsv` };
  try {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "glue-ok-"));
    const result = await downloadGlue({ out, sources, tasks: ["rte", "mrpc"] });
    assert.equal(result.files.length, 4);
    for (const rel of ["RTE/train.tsv", "RTE/dev.tsv", "MRPC/train.tsv", "MRPC/dev.tsv"]) {
      const written = fs.readFileSync(path.join(out, rel));
      assert.ok(written.equals(read(rel)), rel);
      assert.equal(sha256(written), GLUE_SHA256[rel]);
    }
    assert.deepEqual(listFiles(out).sort(), ["dev.tsv", "dev.tsv", "train.tsv", "train.tsv"], "no temp files, no test.tsv");

    // One changed byte in RTE/dev.tsv: the download fails and not even the verified files appear.
    const bad = Buffer.from(read("RTE/dev.tsv"));
    bad[bad.length - 2] ^= 1;
    await server.close();
    const server2 = await serve({ "/RTE.zip": makeZip({ "RTE/train.tsv": read("RTE/train.tsv"), "RTE/dev.tsv": bad }), "/msr_train.txt": source, "/dev_ids.tsv": ids });
    const out2 = fs.mkdtempSync(path.join(os.tmpdir(), "glue-bad-"));
    try {
      await assert.rejects(
        downloadGlue({ out: out2, sources: { rte: `${server2.url}/RTE.zip`, mrpcTrain: `${server2.url}/msr_train.txt`, mrpcDevIds: `${server2.url}/dev_ids.tsv` }, tasks: ["mrpc", "rte"] }),
        /checksum mismatch for RTE\/dev\.tsv/,
      );
      assert.deepEqual(listFiles(out2), []);
    } finally {
      await server2.close();
    }
  } finally {
    await server.close().catch(() => {});
  }
});
