// `models pull` against a hostile or broken mirror (issue 31, items 11, 15 and 16): a listing that
// links to itself, fields of the wrong type, a redirect loop, a silent server, names with "." or
// "..", a second pull into the same folder, and an --out that is a file. Each is one line naming
// the cause (or just works), within seconds, and loses nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { pullModel } from "../../src/model/hub";

const NAME = "org/tiny";
const FILES: Record<string, Buffer> = { "config.json": Buffer.from('{"model_type": "bert"}\n'), "model.safetensors": Buffer.from("weights, as far as a pull cares") };
const gitOid = (b: Buffer) => createHash("sha1").update(`blob ${b.length}\0`).update(b).digest("hex");
const LISTING = Object.entries(FILES).map(([p, b]) => ({ type: "file", path: p, size: b.length, oid: gitOid(b) }));

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, url: string) => boolean | void;

/** A mirror with the Hub's URL layout; `handle` may answer a request first (return true). */
async function mirror(handle: Handler = () => false): Promise<{ url: string; close(): Promise<void> }> {
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    open.add(res);
    res.on("close", () => open.delete(res));
    const url = req.url ?? "";
    if (handle(req, res, url)) return;
    if (url.startsWith(`/api/models/${NAME}/tree/`)) return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(LISTING));
    const file = url.split("/resolve/main/")[1];
    if (file && FILES[file]) return void res.writeHead(200, { "content-length": FILES[file].length }).end(FILES[file]);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      for (const res of open) res.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

/** Rejects if `p` takes longer than `ms` (today's code hangs on some of these inputs). */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_r, reject) => (timer = setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

async function withMirror(handle: Handler, body: (hub: string, root: string) => Promise<void>): Promise<void> {
  const hub = await mirror(handle);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pull-hostile-"));
  try {
    await body(hub.url, root);
  } finally {
    await hub.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

test("a listing whose next page is itself, or whose sizes are strings, is one line at once", async () => {
  await withMirror((_req, res, url) => {
    if (!url.includes("/tree/")) return false;
    res.writeHead(200, { "content-type": "application/json", link: `<${url}>; rel="next"` }).end("[]");
    return true;
  }, async (hub, root) => {
    await assert.rejects(within(pullModel(NAME, path.join(root, "m"), { hubUrl: hub }), 5000), /the file listing of 'org\/tiny' on .* links back to a page already read/);
    assert.deepEqual(fs.readdirSync(root), []);
  });
  await withMirror((_req, res, url) => {
    if (!url.includes("/tree/")) return false;
    res.writeHead(200).end(JSON.stringify(LISTING.map((f) => ({ ...f, size: String(f.size) }))));
    return true;
  }, async (hub, root) => {
    await assert.rejects(pullModel(NAME, path.join(root, "m"), { hubUrl: hub }), /the listing's config\.json has a size "23", not a byte count/);
  });
});

test("a redirect loop names its cause; a silent mirror is given up after our own timeout, naming the file", async () => {
  await withMirror((_req, res, url) => {
    if (!url.includes("/resolve/")) return false;
    res.writeHead(302, { location: url }).end();
    return true;
  }, async (hub, root) => {
    await assert.rejects(pullModel(NAME, path.join(root, "m"), { hubUrl: hub }), /download of config\.json failed: fetch failed \(redirect count exceeded\)/);
    assert.deepEqual(fs.readdirSync(root), [], "no partial download is left");
  });
  await withMirror((_req, res, url) => {
    if (!url.endsWith("/model.safetensors")) return false;
    res.writeHead(200, { "content-length": 1000 });
    res.write("a few bytes, then silence");
    return true;
  }, async (hub, root) => {
    const t0 = Date.now();
    await assert.rejects(within(pullModel(NAME, path.join(root, "m"), { hubUrl: hub, idleTimeoutMs: 500 }), 10_000), /download of model\.safetensors stalled: nothing arrived for 0\.5 s from http:\/\/127\.0\.0\.1:\d+\/org\/tiny\/resolve\/main\/model\.safetensors/);
    assert.ok(Date.now() - t0 < 5000);
    assert.deepEqual(fs.readdirSync(root), []);
  });
});

test("model names with '.' or '..' segments are refused before any network access", async () => {
  const spy = (async () => {
    throw new Error("no network access expected");
  }) as unknown as typeof fetch;
  for (const name of ["..", "org/..", "./tiny", "../etc", "org/."]) {
    await assert.rejects(pullModel(name, path.join(os.tmpdir(), "never-written"), { fetch: spy }), /is not a Hugging Face model name/, name);
  }
});

test("two pulls into one --out: both finish, neither deletes the other's partial download", async () => {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let weights = 0;
  await withMirror((_req, res, url) => {
    if (!url.endsWith("/model.safetensors") || weights++ > 0) return false;
    void held.then(() => res.writeHead(200, { "content-length": FILES["model.safetensors"].length }).end(FILES["model.safetensors"]));
    return true; // the first pull's weights wait until the second pull has finished
  }, async (hub, root) => {
    const out = path.join(root, "m");
    const first = pullModel(NAME, out, { hubUrl: hub });
    while (weights === 0) await new Promise((r) => setTimeout(r, 20));
    const second = await pullModel(NAME, out, { hubUrl: hub });
    assert.equal(second.downloaded, true);
    release();
    const r = await first;
    assert.equal(r.downloaded, false, "the first finds the same files in place");
    assert.deepEqual(fs.readdirSync(root), ["m"], "no partial folder left");
    assert.deepEqual(fs.readFileSync(path.join(out, "config.json")), FILES["config.json"]);
  });
});

test("--out that is a file is one line; nothing is touched", async () => {
  await withMirror(() => false, async (hub, root) => {
    const file = path.join(root, "a-file");
    fs.writeFileSync(file, "mine");
    await assert.rejects(pullModel(NAME, file, { hubUrl: hub }), /^Error: --out .*a-file is a file, not a folder; choose another --out$/);
    assert.equal(fs.readFileSync(file, "utf8"), "mine");
    await assert.rejects(pullModel(NAME, path.join(file, "inside"), { hubUrl: hub }), /--out .*a-file\/inside cannot be written \(.*\); choose a writable folder/);
  });
});
