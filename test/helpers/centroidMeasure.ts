// A measure that exists only in the tests, registered the way a measure from outside the package
// would be: one MeasureDefinition and one registerMeasure() call, nothing else. It is the
// Euclidean distance between two runs' mean hidden states (their centroids), times the setting
// --centroid-scale. `module` lets the worker threads of measures/parallelLayers.ts load it too.
import { registerMeasure, type MeasureDefinition, type MeasureOption } from "../../src/measures";

export const CENTROID_SCALE: MeasureOption = {
  name: "centroid-scale",
  value: "S",
  help: "multiplies the test-only centroid distance (default 1)",
  parse(text) {
    const s = Number(text);
    if (!(s > 0)) throw new RangeError("use a positive number");
    return s;
  },
};

interface Centroid {
  mean: Float64Array;
  scale: number;
}

function prepareCentroid(x: Float64Array, n: number, d: number, scale: number): Centroid {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j] / n;
  return { mean, scale };
}

export const CENTROID_MEASURE: MeasureDefinition = {
  id: "centroid",
  label: { html: "I<sub>centroid</sub>", plain: "I_centroid" },
  help: "test only: distance between the runs' mean hidden states",
  representation: {
    preparation: { key: "centroid", prepare: (l) => prepareCentroid(l.x, l.n, l.d, (l.settings["centroid-scale"] as number | undefined) ?? 1) },
    distance: (a: Centroid, b: Centroid) => a.scale * Math.hypot(...a.mean.map((v, j) => v - b.mean[j])),
  },
  options: [CENTROID_SCALE],
  module: __filename,
};

registerMeasure(CENTROID_MEASURE);
