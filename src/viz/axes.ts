// Axis settings every figure shares: a tick for every layer on layer axes, and numbers written
// out plainly (plotly's default writes 0.0008 as "800μ", an SI prefix nobody reads as a measure).

// (plain records, not spec.ts's Axis: spec.ts imports this file)
type AxisPart = Record<string, unknown>;

/**
 * Applied to every x and y axis of a figure through its layout template (baseLayout): plain
 * decimals, no SI suffixes ("800μ") and no "×10⁻⁴" exponents, which no reader of a distance wants.
 */
export const READABLE_NUMBERS: Readonly<AxisPart> = Object.freeze({ exponentformat: "none", separatethousands: false });

/** A layer axis: one tick per layer (smaller labels beyond 12 layers), half a layer of air on each side. */
export function layerTicks(layers: readonly number[]): AxisPart {
  if (layers.length === 0) return {};
  return {
    tickmode: "array",
    tickvals: [...layers],
    ticktext: layers.map(String),
    ...(layers.length > 12 ? { tickfont: { size: 10 } } : {}),
    range: [Math.min(...layers) - 0.5, Math.max(...layers) + 0.5],
  };
}
