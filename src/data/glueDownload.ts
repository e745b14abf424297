// `instability data glue --out DIR`: fetch RTE, MRPC, CoLA and SST-2 from the sources the official
// GLUE download script (nyu-mll/GLUE-baselines, download_glue_data.py) uses, and leave the
// standard layout (<DIR>/<TASK>/train.tsv, dev.tsv).
//
// What is verified: the sha256 of every produced train.tsv / dev.tsv against the checksums of the
// reference copies (../shared/data/README.md), which were cross-checked against several public
// copies and the Hugging Face exports. The archives themselves have no published checksum, so
// they are not checked as such; a re-packed archive with identical files still passes, and any
// change of content fails loudly instead of silently changing the benchmark.
//
// All or nothing: every source is fetched into memory, every output is built and verified, and
// only then are files written (to a temporary name beside the target, then renamed). A network
// error or a checksum mismatch leaves DIR exactly as it was.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { zipEntries, zipRead } from "./zip";
import { GLUE_SPECS, GLUE_TASKS, type GlueTaskName } from "./glue";

const FIREBASE = "https://firebasestorage.googleapis.com/v0/b/mtl-sentence-representations.appspot.com/o/data";

export const GLUE_SOURCES = {
  rte: `${FIREBASE}%2FRTE.zip?alt=media&token=5efa7e85-a0bb-4f19-8ea2-9e1840f077fb`,
  cola: `${FIREBASE}%2FCoLA.zip?alt=media&token=46d5e637-3411-4188-bc44-5809b5bfb5f4`,
  sst2: `${FIREBASE}%2FSST-2.zip?alt=media&token=aabc5f6b-e466-44a2-b9b4-cf6337f84ac8`,
  // MRPC is not redistributed as a GLUE archive: the script rebuilds train/dev from the corpus's
  // training file and GLUE's list of dev pairs.
  mrpcTrain: "https://dl.fbaipublicfiles.com/senteval/senteval_data/msr_paraphrase_train.txt",
  mrpcDevIds: `${FIREBASE}%2Fmrpc_dev_ids.tsv?alt=media&token=ec5c0836-31d5-48f4-b431-7480817f1adc`,
};
export type GlueSources = typeof GLUE_SOURCES;

/** sha256 of the expected output files (from ../shared/data/README.md). */
export const GLUE_SHA256: Record<string, string> = {
  "RTE/train.tsv": "41e3a9b063433392343fad9e962cf2f58b681c78d8f71592f4186f0837246c5c",
  "RTE/dev.tsv": "80230dfa1347282e7b532b06a1004a76a710087541189bf874223ddf0e3819fb",
  "MRPC/train.tsv": "69abcedee3cf738c6ce58d772e43e1b7cdf5b4edee4aceda459c0d9f4e5599f3",
  "MRPC/dev.tsv": "9e8f284788040f7c9ecde2e1b3c07237c756f926bd9ef8548ef5d34b56f69f17",
  "CoLA/train.tsv": "cb368ebeb9f27d7ad03720d27ddc95687a311bdb100781a2fe59a5f5b1bc0624",
  "CoLA/dev.tsv": "8c013e21dc39957cac37378d87bebe225b694a0d5fe13eded66c2856628833fd",
  "SST-2/train.tsv": "48eac26399f8456935f81dd9e3a745c1430adb6c62e233ccfe22db4a0d15d1d1",
  "SST-2/dev.tsv": "54a9c12c77e402fc14d6a66a506f24d999f596b0176eb777c972cccc2f9cc4b0",
};

export interface GlueDownloadOptions {
  out: string;
  tasks?: GlueTaskName[];
  sources?: Partial<GlueSources>; // tests point these at a local server or an unreachable port
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface GlueDownloadResult {
  files: { path: string; bytes: number; sha256: string }[];
}

export class GlueDownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GlueDownloadError";
  }
}

export function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

async function fetchBytes(url: string, timeoutMs: number): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new GlueDownloadError(`cannot download ${url} (${why}): \`instability data glue\` needs internet access; on an offline machine copy a GLUE directory here from elsewhere and pass it with --glue-dir (or GLUE_DIR)`);
  }
  if (!response.ok) throw new GlueDownloadError(`download of ${url} failed: HTTP ${response.status} ${response.statusText}`);
  return readAtMost(response, url, MAX_DOWNLOAD_BYTES);
}

/** The largest GLUE download we accept (SST-2.zip, the largest, is ~7 MB): a server cannot fill memory. */
export const MAX_DOWNLOAD_BYTES = 256 * 2 ** 20;

async function readAtMost(response: Response, url: string, max: number): Promise<Buffer> {
  const declared = Number(response.headers.get("content-length"));
  if (declared > max) throw new GlueDownloadError(`${url}: the server announces ${declared} bytes, more than any GLUE file (${max}); check the URL`);
  const parts: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body ?? []) {
      total += chunk.length;
      if (total > max) throw new GlueDownloadError(`${url}: more than ${max} bytes, more than any GLUE file; check the URL`);
      parts.push(Buffer.from(chunk));
    }
  } catch (err) {
    if (err instanceof GlueDownloadError) throw err;
    throw new GlueDownloadError(`download of ${url} broke off after ${total} bytes (${(err as Error).message}); try again`);
  }
  return Buffer.concat(parts);
}

/** train.tsv and dev.tsv of a GLUE archive (found under <TASK>/ at any depth). */
function fromArchive(zip: Buffer, dir: string, url: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let entries;
  try {
    entries = zipEntries(zip);
  } catch (err) {
    throw new GlueDownloadError(`${url}: ${(err as Error).message}`);
  }
  for (const split of ["train.tsv", "dev.tsv"]) {
    const entry = entries.find((e) => e.name === `${dir}/${split}` || e.name.endsWith(`/${dir}/${split}`));
    if (!entry) throw new GlueDownloadError(`${url}: archive has no ${dir}/${split}`);
    try {
      out.set(`${dir}/${split}`, zipRead(zip, entry));
    } catch (err) {
      throw new GlueDownloadError(`${url}: ${(err as Error).message}`);
    }
  }
  return out;
}

/**
 * MRPC train/dev from the corpus's training file, as the official script does: the header line
 * (with its byte-order mark) starts both files, and a row goes to dev when its (#1 ID, #2 ID)
 * pair is in GLUE's dev id list; rows are rewritten tab-joined with \n endings.
 */
export function buildMrpc(trainSource: Buffer, devIds: Buffer): Map<string, Buffer> {
  const ids = new Set(
    devIds
      .toString("utf8")
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l.length > 0)
      .map((l) => l.split("\t").slice(0, 2).join("\t")),
  );
  const lines = trainSource.toString("utf8").replace(/\r\n?/g, "\n").split("\n");
  const header = lines[0] + "\n";
  let train = header;
  let dev = header;
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    const fields = lines[i].trim().split("\t");
    if (fields.length !== 5) throw new GlueDownloadError(`MRPC source line ${i + 1}: ${fields.length} columns, expected 5`);
    const row = fields.join("\t") + "\n";
    if (ids.has(`${fields[1]}\t${fields[2]}`)) dev += row;
    else train += row;
  }
  return new Map([
    ["MRPC/train.tsv", Buffer.from(train, "utf8")],
    ["MRPC/dev.tsv", Buffer.from(dev, "utf8")],
  ]);
}

export async function downloadGlue(options: GlueDownloadOptions): Promise<GlueDownloadResult> {
  const sources = { ...GLUE_SOURCES, ...options.sources };
  const tasks = options.tasks ?? [...GLUE_TASKS];
  const timeoutMs = options.timeoutMs ?? 300_000;
  const log = options.log ?? (() => {});
  const outputs = new Map<string, Buffer>();
  for (const task of tasks) {
    const dir = GLUE_SPECS[task].dir;
    if (task === "mrpc") {
      log(`fetching MRPC (corpus training file + GLUE dev ids)`);
      const train = await fetchBytes(sources.mrpcTrain, timeoutMs);
      const ids = await fetchBytes(sources.mrpcDevIds, timeoutMs);
      for (const [k, v] of buildMrpc(train, ids)) outputs.set(k, v);
    } else {
      const url = sources[task];
      log(`fetching ${dir}`);
      for (const [k, v] of fromArchive(await fetchBytes(url, timeoutMs), dir, url)) outputs.set(k, v);
    }
  }
  const files: GlueDownloadResult["files"] = [];
  for (const [rel, data] of outputs) {
    const got = sha256(data);
    if (got !== GLUE_SHA256[rel]) {
      throw new GlueDownloadError(`checksum mismatch for ${rel}: sha256 ${got}, expected ${GLUE_SHA256[rel]}; the upstream file changed, so nothing was written (report it, or use a verified copy with --glue-dir)`);
    }
    files.push({ path: path.join(options.out, rel), bytes: data.length, sha256: got });
  }
  // Everything verified: now write, each file to a temporary name beside its target, then rename.
  for (const [rel, data] of outputs) {
    const target = path.join(options.out, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const tmp = `${target}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, target);
    log(`wrote ${target} (${data.length} bytes, sha256 verified)`);
  }
  return { files };
}
