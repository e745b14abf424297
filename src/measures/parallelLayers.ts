// The representation measures of many layers spread over worker threads, one layer per task.
// Layers are independent (each prepares its own runs), so nothing is computed twice and only the
// hidden states travel to the workers (transferred, not copied) and the R×R matrices travel back.
import * as os from "node:os";
import * as path from "node:path";
import { isMainThread, parentPort, Worker } from "node:worker_threads";
import type { DegenerateLayer } from "./degenerate";
import type { MeasureSettings } from "./measureDefinition";
import { workerModules } from "./registry";
import { emptyMatrices, measureSettings, REPRESENTATION_MEASURES, RepresentationMatrices, representationMatrices, RepresentationMeasure, RepresentationOptions } from "./representation";

interface LayerTask {
  layer: number;
  hidden: Float64Array[];
  n: number;
  d: number;
  measures: RepresentationMeasure[];
  settings: MeasureSettings;
  /** Modules that register measures the worker does not know (MeasureDefinition.module). */
  modules: string[];
  runNames?: string[];
  examples?: number[];
}

type LayerResult = { layer: number; matrices: Record<RepresentationMeasure, Float64Array>; degenerate: DegenerateLayer[] } | { layer: number; error: string };

export interface ParallelOptions extends Omit<RepresentationOptions, "onLayer"> {
  /** Worker threads (default: min(layers, CPU count)); 1 runs in this thread. */
  workers?: number;
  onLayer?: (done: number, total: number) => void;
}

/** Same result as representationMatrices, computed with one worker thread per CPU. */
export async function representationMatricesParallel(
  hiddenAt: (run: number, layer: number) => Float64Array,
  runs: number,
  n: number,
  d: number,
  layers: number[],
  opts: ParallelOptions = {},
): Promise<RepresentationMatrices> {
  const measures = [...(opts.measures ?? REPRESENTATION_MEASURES)];
  // A measure registered without a module cannot be loaded by a worker: measure in this thread.
  const modules = workerModules(measures);
  const workers = modules ? Math.max(1, Math.min(opts.workers ?? os.cpus().length, layers.length)) : 1;
  if (workers === 1 || !modules) return representationMatrices(hiddenAt, runs, n, d, layers, opts);
  const results = new Map<number, Record<RepresentationMeasure, Float64Array>>();
  const degenerate = new Map<number, DegenerateLayer[]>();
  let next = 0;
  let done = 0;
  const pool = Array.from({ length: workers }, () => new Worker(path.join(__dirname, "parallelLayers.js")));
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              if (next >= layers.length) return resolve();
              const layer = layers[next++];
              // Copies, so the caller's arrays stay usable after the transfer.
              const hidden = Array.from({ length: runs }, (_, r) => hiddenAt(r, layer).slice());
              const task: LayerTask = {
                layer,
                hidden,
                n,
                d,
                measures,
                settings: measureSettings(opts),
                modules,
                runNames: opts.runNames,
                examples: opts.examples ? Array.from(opts.examples) : undefined,
              };
              worker.postMessage(task, hidden.map((h) => h.buffer));
            };
            worker.on("message", (msg: LayerResult) => {
              if ("error" in msg) return reject(new RangeError(msg.error));
              results.set(msg.layer, msg.matrices);
              degenerate.set(msg.layer, msg.degenerate);
              opts.onLayer?.(++done, layers.length);
              send();
            });
            worker.on("error", reject);
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  const matrices = emptyMatrices(measures);
  for (const layer of layers) for (const m of measures) matrices[m].push(results.get(layer)![m]);
  return { runs, layers: [...layers], measures, matrices, degenerate: layers.flatMap((l) => degenerate.get(l) ?? []) };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on("message", (task: LayerTask) => {
    try {
      for (const m of task.modules) require(m);
      const r = representationMatrices((run) => task.hidden[run], task.hidden.length, task.n, task.d, [task.layer], {
        measures: task.measures,
        settings: task.settings,
        runNames: task.runNames,
        examples: task.examples,
      });
      const matrices = {} as Record<RepresentationMeasure, Float64Array>;
      for (const m of task.measures) matrices[m] = r.matrices[m][0];
      port.postMessage({ layer: task.layer, matrices, degenerate: r.degenerate } satisfies LayerResult, Object.values(matrices).map((m) => m.buffer));
    } catch (err) {
      port.postMessage({ layer: task.layer, error: (err as Error).message } satisfies LayerResult);
    }
  });
}
