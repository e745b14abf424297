// `instability models pull` without the internet: a local HTTP server on 127.0.0.1 serves the real
// all-MiniLM-L6-v2 files in the Hub's URL layout (paginated tree listing with git oids and LFS
// sha256, /resolve/ URLs redirecting LFS files to a "CDN" path, as huggingface.co does). The pull
// shows progress, yields byte-identical files, and a second pull downloads nothing; a connection
// cut mid-file or a corrupted byte fails with a clear message and leaves no checkpoint behind, and
// a pull interrupted mid-file leaves none either (Ctrl-C cleans up at once; after a SIGKILL the
// next pull completes and removes the temporary folder).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { pullModel } from "../../src/model/hub";
import { REPO_ROOT } from "../helpers/glue";
import { miniLmDir, miniLmSkip } from "./hf/python";

const NAME = "sentence-transformers/all-MiniLM-L6-v2";
const LFS_MIN = 1 << 20;

type Mode = "ok" | "cut" | "corrupt" | "stall";

interface Hub {
  url: string;
  mode: Mode;
  /** Requests for file contents (resolve or CDN), by path. */
  downloads: string[];
  /** Called when a "stall" response has sent half of its file and hangs. */
  onStall?: () => void;
  close(): Promise<void>;
}

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const gitOid = (b: Buffer) => createHash("sha1").update(`blob ${b.length}\0`).update(b).digest("hex");

async function startHub(dir: string): Promise<Hub> {
  const files = fs.readdirSync(dir).filter((f) => fs.statSync(path.join(dir, f)).isFile());
  const content = new Map(files.map((f) => [f, fs.readFileSync(path.join(dir, f))]));
  const listing = files.map((f) => {
    const b = content.get(f)!;
    return b.length >= LFS_MIN
      ? { type: "file", path: f, size: 134, oid: gitOid(Buffer.from(`pointer ${f}`)), lfs: { oid: sha256(b), size: b.length, pointerSize: 134 } }
      : { type: "file", path: f, size: b.length, oid: gitOid(b) };
  });
  listing.push({ type: "directory", path: "1_Pooling", size: 0, oid: "0".repeat(40) } as (typeof listing)[number]);
  const half = Math.ceil(listing.length / 2);
  const hub: Hub = { url: "", mode: "ok", downloads: [], close: async () => {} };
  const stalled: http.ServerResponse[] = [];
  const sendFile = (res: http.ServerResponse, f: string) => {
    hub.downloads.push(f);
    let b = content.get(f)!;
    if (hub.mode === "corrupt" && b.length >= LFS_MIN) {
      b = Buffer.from(b);
      b[b.length >> 1] ^= 0xff;
    }
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": b.length });
    if (hub.mode === "cut" && b.length >= LFS_MIN) {
      res.write(b.subarray(0, b.length >> 1), () => res.destroy());
      return;
    }
    if (hub.mode === "stall" && b.length >= LFS_MIN) {
      stalled.push(res);
      res.write(b.subarray(0, b.length >> 1), () => hub.onStall?.());
      return;
    }
    res.end(b);
  };
  const server = http.createServer((req, res) => {
    const u = new URL(req.url!, "http://x");
    const tree = `/api/models/${NAME}/tree/main`;
    if (u.pathname === tree) {
      const page = u.searchParams.get("cursor") === "2" ? listing.slice(half) : listing.slice(0, half);
      const headers: http.OutgoingHttpHeaders = { "content-type": "application/json" };
      if (u.searchParams.get("cursor") !== "2") headers.link = `<${hub.url}${tree}?cursor=2>; rel="next"`;
      res.writeHead(200, headers).end(JSON.stringify(page));
      return;
    }
    const resolve = `/${NAME}/resolve/main/`;
    if (u.pathname.startsWith(resolve)) {
      const f = decodeURIComponent(u.pathname.slice(resolve.length));
      if (!content.has(f)) return void res.writeHead(404).end("Entry not found");
      // The Hub redirects LFS files to its CDN.
      if (content.get(f)!.length >= LFS_MIN) return void res.writeHead(302, { location: `/cdn/${sha256(content.get(f)!)}?f=${f}` }).end();
      return sendFile(res, f);
    }
    if (u.pathname.startsWith("/cdn/")) return sendFile(res, u.searchParams.get("f")!);
    res.writeHead(404).end("not found");
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  hub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hub.close = () => {
    for (const r of stalled) r.destroy();
    return new Promise((ok) => server.close(() => ok()));
  };
  return hub;
}

/** The CLI, asynchronously: the server answers from this process's event loop. */
function cli(args: string[], onSpawn?: (kill: (signal: NodeJS.Signals) => void) => void): Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [path.join(REPO_ROOT, "dist", "src", "cli", "main.js"), ...args], { env: { ...process.env, HF_ENDPOINT: "" } });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (status, signal) => resolve({ status, signal, stdout, stderr }));
    onSpawn?.((signal) => p.kill(signal));
  });
}

const CHECKPOINT_FILES = ["config.json", "model.safetensors", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt"];

test("models pull from a local Hub: progress, checked files, a second pull is a no-op; cut or corrupt downloads leave nothing", { skip: miniLmSkip() }, async (t) => {
  const src = miniLmDir();
  const hub = await startHub(src);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "hub-pull-"));
  try {
    const out = path.join(root, "minilm");

    await t.test("the CLI pulls the checkpoint files, byte for byte, with a progress bar", async () => {
      const r = await cli(["models", "pull", NAME, "--out", out, "--endpoint", hub.url]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /MiB/, "progress in MiB");
      assert.match(r.stdout, /→/);
      assert.deepEqual(fs.readdirSync(out).sort(), CHECKPOINT_FILES, "only what a checkpoint needs");
      for (const f of CHECKPOINT_FILES) assert.equal(sha256(fs.readFileSync(path.join(out, f))), sha256(fs.readFileSync(path.join(src, f))), f);
      assert.deepEqual(fs.readdirSync(root), ["minilm"], "no temporary folder left");
    });

    await t.test("a second pull verifies the files and downloads nothing", async () => {
      const before = hub.downloads.length;
      const r = await cli(["models", "pull", NAME, "--out", out, "--endpoint", hub.url]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /already holds .* nothing downloaded/);
      assert.equal(hub.downloads.length, before);
    });

    await t.test("a folder with other content is refused, naming what differs", async () => {
      const other = path.join(root, "other");
      fs.mkdirSync(other);
      fs.writeFileSync(path.join(other, "config.json"), "{}");
      await assert.rejects(pullModel(NAME, other, { hubUrl: hub.url }), /other already exists and does not hold .*config\.json has 2 bytes/);
      assert.deepEqual(fs.readdirSync(other), ["config.json"]);
      fs.rmSync(other, { recursive: true });
    });

    await t.test("a pull killed mid-download leaves no checkpoint, and the next pull completes and cleans up", async () => {
      hub.mode = "stall";
      const dest = path.join(root, "killed");
      const r = await cli(["models", "pull", NAME, "--out", dest, "--endpoint", hub.url], (kill) => (hub.onStall = () => kill("SIGKILL")));
      hub.onStall = undefined;
      assert.equal(r.signal, "SIGKILL");
      assert.equal(fs.existsSync(dest), false, "no checkpoint folder");
      const leftovers = fs.readdirSync(root).filter((e) => e.startsWith(".killed.partial-"));
      assert.equal(leftovers.length, 1, "the killed process's hidden temporary folder");
      hub.mode = "ok";
      const again = await cli(["models", "pull", NAME, "--out", dest, "--endpoint", hub.url]);
      assert.equal(again.status, 0, again.stderr);
      assert.equal(sha256(fs.readFileSync(path.join(dest, "model.safetensors"))), sha256(fs.readFileSync(path.join(src, "model.safetensors"))));
      assert.deepEqual(fs.readdirSync(root).sort(), ["killed", "minilm"], "the stale temporary folder is gone");
      fs.rmSync(dest, { recursive: true });
    });

    await t.test("Ctrl-C (SIGINT) mid-download removes the partial download at once", async () => {
      hub.mode = "stall";
      const dest = path.join(root, "interrupted");
      const r = await cli(["models", "pull", NAME, "--out", dest, "--endpoint", hub.url], (kill) => (hub.onStall = () => kill("SIGINT")));
      hub.onStall = undefined;
      hub.mode = "ok";
      assert.equal(r.status, 130, r.stderr);
      assert.match(r.stderr, /SIGINT, the partial download was removed/);
      assert.deepEqual(fs.readdirSync(root), ["minilm"], "neither a checkpoint nor a temporary folder");
    });

    for (const [mode, message] of [
      ["cut", /download of model\.safetensors (was interrupted|is incomplete).*nothing was kept/],
      ["corrupt", /model\.safetensors: checksum mismatch \(sha256 [0-9a-f]{64}, the listing says [0-9a-f]{64}\)/],
    ] as const) {
      await t.test(`a ${mode} download fails clearly and leaves no checkpoint`, async () => {
        hub.mode = mode;
        const dest = path.join(root, `pull-${mode}`);
        let seen = 0;
        await assert.rejects(pullModel(NAME, dest, { hubUrl: hub.url, onProgress: (_f, _b, done) => (seen = done) }), message);
        assert.ok(seen > 0, "it had started downloading");
        assert.equal(fs.existsSync(dest), false);
        assert.deepEqual(fs.readdirSync(root), ["minilm"], "no partial folder left");
      });
    }
  } finally {
    hub.mode = "ok";
    await hub.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
