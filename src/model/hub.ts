// Downloading a checkpoint from the Hugging Face Hub (or any server with its URL layout: the
// endpoint is an option, HF_ENDPOINT as in huggingface_hub) into a directory in HF layout:
//   GET {endpoint}/api/models/{name}/tree/{revision}    the file listing (size, git oid, LFS sha256)
//   GET {endpoint}/{name}/resolve/{revision}/{path}     a file (the Hub redirects LFS files to a CDN)
// Every file is checked against the listing (size, and sha256 for LFS files or the git blob sha1
// otherwise) while it streams into a temporary sibling directory, which is renamed into place only
// when all files are complete: a failed or interrupted pull never leaves something that looks like
// a checkpoint. Pulling into a directory that already holds exactly the listed files is a no-op.
import { createHash, type Hash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { TOKENIZER_FILES } from "./checkpoint";
import { HOST, isAlive } from "../util/tempNames";

export interface PullOptions {
  /** Called as bytes arrive: (file, bytes of this file so far, bytes of all files so far, total bytes). */
  onProgress?: (file: string, fileBytes: number, doneBytes: number, totalBytes: number) => void;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** The Hub's address; default $HF_ENDPOINT or https://huggingface.co. */
  hubUrl?: string;
  revision?: string;
  /** CLI use: on SIGINT/SIGTERM remove the temporary folder, then exit with 128 + signal number. */
  cleanUpOnSignal?: boolean;
  /** A download that sends nothing for this long is given up, naming the file (default 60 s). */
  idleTimeoutMs?: number;
}

export interface PullResult {
  files: string[];
  /** false when outDir already held every file, verified: nothing was downloaded. */
  downloaded: boolean;
}

/** One file of the listing, with what it must hash to. */
interface RemoteFile {
  path: string;
  size: number;
  /** "sha256" for LFS files (lfs.oid), "git-sha1" for the git blob id of small files. */
  algorithm: "sha256" | "git-sha1";
  digest: string;
}

const REQUIRED = ["config.json", "model.safetensors"];

export class HubError extends Error {}

export function defaultHubUrl(): string {
  return (process.env.HF_ENDPOINT || "https://huggingface.co").replace(/\/+$/, "");
}

/** Downloads config.json, model.safetensors and the tokenizer files of `name` into `outDir`. */
export async function pullModel(name: string, outDir: string, opts: PullOptions = {}): Promise<PullResult> {
  // "." and ".." segments would be normalised by URL parsing into another repository's path.
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(name) || name.split("/").some((part) => part === "." || part === "..")) {
    throw new HubError(`'${name}' is not a Hugging Face model name (expected e.g. bert-base-uncased or FacebookAI/roberta-base)`);
  }
  const nonEmpty = checkOutDir(outDir);
  const fetchFn = opts.fetch ?? fetch;
  const hubUrl = (opts.hubUrl ?? defaultHubUrl()).replace(/\/+$/, "");
  const revision = opts.revision ?? "main";
  const files = await listWanted(name, hubUrl, revision, fetchFn);
  if (nonEmpty) {
    const problem = files.map((f) => localMismatch(path.join(outDir, f.path), f)).find((p) => p !== null);
    if (problem === undefined) return { files: files.map((f) => f.path), downloaded: false };
    throw new HubError(`${outDir} already exists and does not hold ${name} (${problem}); remove it or choose another --out`);
  }
  const total = files.reduce((a, f) => a + f.size, 0);
  const parent = path.dirname(path.resolve(outDir));
  let tmp: string;
  try {
    fs.mkdirSync(parent, { recursive: true });
    removeStalePartials(parent, path.basename(outDir));
    // Named by its owner, so that a second pull into the same folder leaves a live one alone.
    tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(outDir)}.partial-${process.pid}-${HOST}-`));
  } catch (err) {
    throw new HubError(`--out ${outDir} cannot be written (${(err as Error).message}); choose a writable folder`);
  }
  const onSignal = (signal: NodeJS.Signals) => {
    fs.rmSync(tmp, { recursive: true, force: true });
    process.stderr.write(`\nmodels pull: ${signal}, the partial download was removed\n`);
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  if (opts.cleanUpOnSignal) for (const s of ["SIGINT", "SIGTERM"] as const) process.once(s, onSignal);
  let done = 0;
  try {
    for (const f of files) {
      const url = `${hubUrl}/${name}/resolve/${encodeURIComponent(revision)}/${f.path}`;
      const before = done;
      done += await downloadOne(url, f, path.join(tmp, f.path), fetchFn, (fileBytes) => opts.onProgress?.(f.path, fileBytes, before + fileBytes, total), opts.idleTimeoutMs ?? 60_000);
    }
    // Another pull into the same folder may have finished first: its files, if they are these, do.
    if (checkOutDir(outDir)) {
      fs.rmSync(tmp, { recursive: true, force: true });
      const problem = files.map((f) => localMismatch(path.join(outDir, f.path), f)).find((p) => p !== null);
      if (problem === undefined) return { files: files.map((f) => f.path), downloaded: false };
      throw new HubError(`${outDir} was filled by another process during this pull and does not hold ${name} (${problem}); nothing was replaced, remove it or choose another --out`);
    }
    if (fs.existsSync(outDir)) fs.rmdirSync(outDir);
    fs.renameSync(tmp, outDir);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (err instanceof HubError || !code) throw err;
    // A system error (ENOSPC, EACCES, ENOTEMPTY…) says neither which pull nor what to do.
    const hint = code === "ENOSPC" || code === "EDQUOT" ? "free some space or choose another --out" : "check --out's folder and try again";
    throw new HubError(`pull of ${name} into ${outDir} failed (${(err as Error).message}); nothing was kept, ${hint}`);
  } finally {
    for (const s of ["SIGINT", "SIGTERM"] as const) process.removeListener(s, onSignal);
  }
  return { files: files.map((f) => f.path), downloaded: true };
}

/** The listing, reduced to the files a checkpoint needs; fails fast when the Hub is unreachable. */
async function listWanted(name: string, hubUrl: string, revision: string, fetchFn: typeof fetch): Promise<RemoteFile[]> {
  const wanted = new Set([...REQUIRED, ...TOKENIZER_FILES]);
  const files: RemoteFile[] = [];
  let url: string | null = `${hubUrl}/api/models/${name}/tree/${encodeURIComponent(revision)}`;
  const seen = new Set<string>();
  while (url) {
    if (seen.has(url) || seen.size >= MAX_LISTING_PAGES) {
      throw new HubError(`the file listing of '${name}' on ${hubUrl} ${seen.has(url) ? `links back to a page already read (${url})` : `runs past ${MAX_LISTING_PAGES} pages`}; is ${hubUrl} a Hugging Face Hub?`);
    }
    seen.add(url);
    let res: Response;
    try {
      res = await fetchFn(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      throw new HubError(`cannot reach ${hubUrl} (${fetchCause(err)}): \`models pull\` needs internet access (or --endpoint URL of a mirror); copy a checkpoint directory here instead`);
    }
    if (res.status === 404 || res.status === 401) {
      throw new HubError(`'${name}' (revision ${revision}) is not on ${hubUrl} (HTTP ${res.status}); check the name, or it is private/gated`);
    }
    if (!res.ok) throw new HubError(`cannot list the files of '${name}' on ${hubUrl}: HTTP ${res.status} ${res.statusText}`);
    let items: unknown;
    try {
      items = JSON.parse(await readText(res, MAX_LISTING_BYTES));
    } catch (err) {
      throw new HubError(`${url}: the file listing is not JSON (${(err as Error).message}); is ${hubUrl} a Hugging Face Hub?`);
    }
    if (!Array.isArray(items)) throw new HubError(`${url}: expected a JSON list of files; is ${hubUrl} a Hugging Face Hub?`);
    for (const it of items as ListingItem[]) {
      if (it?.type !== "file" || !wanted.has(it.path)) continue;
      files.push(listedFile(it, url));
    }
    url = nextLink(res.headers.get("link"), url, hubUrl);
  }
  for (const r of REQUIRED) {
    if (!files.some((f) => f.path === r)) {
      const hint = r === "model.safetensors" ? " (only safetensors checkpoints are supported)" : "";
      throw new HubError(`'${name}' has no ${r}${hint}`);
    }
  }
  return files;
}

const MAX_LISTING_PAGES = 100;
const MAX_LISTING_BYTES = 16 * 2 ** 20;

interface ListingItem {
  type: string;
  path: string;
  size: unknown;
  oid?: unknown;
  lfs?: { oid?: unknown; size?: unknown };
}

const isSize = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** One listed file, its size and checksum checked for type (a size "164" or an oid 7 would fail later, obscurely). */
function listedFile(it: ListingItem, url: string): RemoteFile {
  const bad = (what: string) => new HubError(`${url}: the listing's ${it.path} has ${what}; is the server a Hugging Face Hub?`);
  if (it.lfs) {
    if (!isSize(it.lfs.size)) throw bad(`an LFS size ${JSON.stringify(it.lfs.size)}, not a byte count`);
    if (typeof it.lfs.oid !== "string" || !/^[0-9a-f]{64}$/.test(it.lfs.oid)) throw bad(`an LFS oid ${JSON.stringify(it.lfs.oid)}, not a sha256`);
    return { path: it.path, size: it.lfs.size, algorithm: "sha256", digest: it.lfs.oid };
  }
  if (it.oid === undefined) throw new HubError(`${url}: ${it.path} has no checksum (oid) in the listing`);
  if (!isSize(it.size)) throw bad(`a size ${JSON.stringify(it.size)}, not a byte count`);
  if (typeof it.oid !== "string" || !/^[0-9a-f]{40}$/.test(it.oid)) throw bad(`an oid ${JSON.stringify(it.oid)}, not a git sha1`);
  return { path: it.path, size: it.size, algorithm: "git-sha1", digest: it.oid };
}

/** A response body as text, refusing one past `max` bytes (a listing never comes near). */
async function readText(res: Response, max: number): Promise<string> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body ?? []) {
    total += chunk.length;
    if (total > max) throw new Error(`more than ${max} bytes`);
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts).toString("utf8");
}

/** What a failed fetch really says: undici hides it in `cause` ("redirect count exceeded", ECONNRESET…). */
function fetchCause(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

/** The rel="next" URL of an RFC 8288 Link header (the Hub paginates long listings), on the Hub's own host. */
function nextLink(header: string | null, current: string, hubUrl: string): string | null {
  const m = header?.match(/<([^>]+)>\s*;\s*rel="?next"?/);
  if (!m) return null;
  const next = new URL(m[1], current);
  if (next.origin !== new URL(hubUrl).origin) throw new HubError(`${current}: the listing's next page is on another host (${next.origin}); is ${hubUrl} a Hugging Face Hub?`);
  return next.href;
}

/** True when `outDir` holds something; one line when it cannot be a checkpoint folder. */
function checkOutDir(outDir: string): boolean {
  if (!fs.existsSync(outDir)) return false;
  if (!fs.statSync(outDir).isDirectory()) throw new HubError(`--out ${outDir} is a file, not a folder; choose another --out`);
  return fs.readdirSync(outDir).length > 0;
}

function hasher(f: RemoteFile): Hash {
  const h = createHash(f.algorithm === "sha256" ? "sha256" : "sha1");
  if (f.algorithm === "git-sha1") h.update(`blob ${f.size}\0`);
  return h;
}

/** Streams one file to `dest`, checking its size and checksum; returns its size. */
async function downloadOne(url: string, f: RemoteFile, dest: string, fetchFn: typeof fetch, progress: (fileBytes: number) => void, idleMs: number): Promise<number> {
  // Our own timeout, reset by every chunk: a silent server is named at once, not after undici's 300 s.
  const idle = new AbortController();
  let timer = setTimeout(() => idle.abort(), idleMs);
  const stalled = () => new HubError(`download of ${f.path} stalled: nothing arrived for ${idleMs / 1000} s from ${url}; nothing was kept, try again or use another --endpoint`);
  let res: Response;
  try {
    res = await fetchFn(url, { redirect: "follow", signal: idle.signal });
  } catch (err) {
    clearTimeout(timer);
    if (idle.signal.aborted) throw stalled();
    throw new HubError(`download of ${f.path} failed: ${(err as Error).message} (${fetchCause(err)}) from ${url}`);
  }
  if (!res.ok || !res.body) {
    clearTimeout(timer);
    throw new HubError(`download of ${f.path} failed: HTTP ${res.status} ${res.statusText} from ${url}`);
  }
  const h = hasher(f);
  const fd = fs.openSync(dest, "w");
  let bytes = 0;
  try {
    const reader = res.body.getReader();
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (err) {
        if (idle.signal.aborted) throw stalled();
        throw new HubError(`download of ${f.path} was interrupted after ${bytes} of ${f.size} bytes (${fetchCause(err)}); nothing was kept, run the pull again`);
      }
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(), idleMs);
      if (chunk.done) break;
      fs.writeSync(fd, chunk.value);
      h.update(chunk.value);
      bytes += chunk.value.length;
      if (bytes > f.size) throw new HubError(`${f.path}: the server sent more than the ${f.size} bytes the listing gives; nothing was kept`);
      progress(bytes);
    }
  } finally {
    clearTimeout(timer);
    fs.closeSync(fd);
  }
  if (bytes !== f.size) {
    throw new HubError(`download of ${f.path} is incomplete: ${bytes} of ${f.size} bytes (the connection closed early); nothing was kept, run the pull again`);
  }
  const digest = h.digest("hex");
  if (digest !== f.digest) {
    throw new HubError(`${f.path}: checksum mismatch (${f.algorithm} ${digest}, the listing says ${f.digest}); the download is corrupt, nothing was kept`);
  }
  return bytes;
}

/** null when `file` is exactly the listed file, else what differs. */
function localMismatch(file: string, f: RemoteFile): string | null {
  if (!fs.existsSync(file)) return `${f.path} is missing`;
  const size = fs.statSync(file).size;
  if (size !== f.size) return `${f.path} has ${size} bytes, the Hub's has ${f.size}`;
  const h = hasher(f);
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return h.digest("hex") === f.digest ? null : `${f.path} differs from the Hub's (checksum)`;
}

/**
 * Temporary directories of earlier pulls into the same folder that were killed before cleaning up:
 * only those whose owner process (named in the folder) is gone; a live pull's is left alone.
 */
function removeStalePartials(parent: string, base: string): void {
  for (const entry of fs.readdirSync(parent)) {
    if (!entry.startsWith(`.${base}.partial-`)) continue;
    const owner = /^(\d+)-([0-9a-f]+)-\w+$/.exec(entry.slice(`.${base}.partial-`.length));
    if (owner && owner[2] === HOST && !isAlive(Number(owner[1]))) fs.rmSync(path.join(parent, entry), { recursive: true, force: true });
  }
}
