import { test } from "node:test";
import assert from "node:assert/strict";
import { tableHtml, toCsv, toRows, formatNumber, columnFormat } from "../../src/viz/table";
import { figureHtml, scriptJson } from "../../src/viz/html";
import { measureLabel, label, measureKey } from "../../src/viz/labels";
import "../../src/measures/registry"; // registers the measures' spellings with runs/names.ts, as every entry point does

const rows = [
  { method: "Standard", sd: 0.01771, cka: 0.34, n: 20 },
  { method: "WD_pre", sd: 0.0558, cka: 0.46, n: 10 },
];

test("toRows reads row objects and danfo-shaped frames alike", () => {
  const frame = { columns: ["method", "sd", "cka", "n"], values: rows.map((r) => [r.method, r.sd, r.cka, r.n]) };
  assert.deepEqual(toRows(frame), toRows(rows));
  assert.throws(() => toRows({ columns: ["a", "b"], values: [[1]] }), /row 0 .* 1 values for 2 columns/);
  // a danfo Series: one column, flat values; an index shown on request
  const series = { columns: ["sd"], values: [0.1, 0.2], index: ["llrd", "mixout"] };
  assert.deepEqual(toRows(series).rows, [{ sd: 0.1 }, { sd: 0.2 }]);
  assert.deepEqual(toRows(series, "method"), { columns: ["method", "sd"], rows: [{ method: "llrd", sd: 0.1 }, { method: "mixout", sd: 0.2 }] });
  assert.equal(toCsv(series, { indexColumn: "method" }), "method,sd\nllrd,0.1\nmixout,0.2\n");
});

test("tableHtml formats numbers per column and names measures as the paper does", () => {
  const html = tableHtml(rows, { formats: { cka: { decimals: 2 } }, caption: "Benchmark" });
  assert.match(html, /<caption>Benchmark<\/caption>/);
  assert.match(html, /<th class="num">SD<\/th>/);
  assert.match(html, /<th class="num">I<sub>CKA<\/sub><\/th>/);
  assert.match(html, /<td>WD<sub>pre<\/sub><\/td>/);
  // by default a column gets the decimals that give its smallest value 3 significant digits
  assert.match(html, /<td class="num">0\.0177<\/td>/);
  assert.match(html, /<td class="num">0\.0558<\/td>/);
  assert.doesNotMatch(tableHtml(rows, { labelCells: false }), /<sub>pre/);
  assert.match(html, /<td class="num">0\.34<\/td>/);
  assert.match(html, /<td class="num">20<\/td>/);
  assert.equal((html.match(/<tr>/g) ?? []).length, 3);
});

test("tableHtml escapes text cells and rejects unknown columns", () => {
  const html = tableHtml([{ note: "<b>&" }]);
  assert.match(html, /&lt;b&gt;&amp;/);
  assert.throws(() => tableHtml(rows, { columns: ["nope"] }), /column "nope" is not in the table/);
});

test("columnFormat: fixed decimals from the smallest value, integers kept, rounding noise shown as 0", () => {
  assert.deepEqual(columnFormat([0.0177, 0.34, 0.5]), { decimals: 4 });
  assert.deepEqual(columnFormat([0.713, 0.9]), { decimals: 3 });
  assert.deepEqual(columnFormat([12.5, 130.25]), { decimals: 1 });
  assert.deepEqual(columnFormat([10, 20]), { sig: 3 });
  // 1.9e-16 beside 0.5 is rounding noise: the column keeps 0.5's precision and the noise reads 0
  assert.deepEqual(columnFormat([1.9e-16, 0.5]), { decimals: 3 });
  assert.equal(formatNumber(-1.9e-16, columnFormat([-1.9e-16, 0.5])), "0.000");
  assert.deepEqual(columnFormat([0.0004, 0.0002]), { decimals: 6 });
  assert.deepEqual(columnFormat([2e6, 0.5]), { sig: 3 });
  assert.equal(formatNumber(0.13, columnFormat([0.0547, 0.13])), "0.1300");
});

test("formatNumber: significant digits, decimals, exponents, typographic minus, NaN", () => {
  assert.equal(formatNumber(0.017712), "0.0177");
  assert.equal(formatNumber(-0.2), "−0.2");
  assert.equal(formatNumber(1.9e-16), "1.90e-16");
  assert.equal(formatNumber(0.5, { decimals: 3 }), "0.500");
  assert.equal(formatNumber(NaN), "–");
  assert.equal(formatNumber(42), "42");
});

test("toCsv round-trips through a minimal RFC 4180 parser at full precision", () => {
  const data = [{ a: 'x,"y"', b: 0.1 + 0.2, c: null }, { a: "line\nbreak", b: -1e-20, c: "z" }];
  const csv = toCsv(data);
  const parsed = parseCsv(csv);
  assert.deepEqual(parsed[0], ["a", "b", "c"]);
  assert.deepEqual(parsed[1], ['x,"y"', String(0.1 + 0.2), ""]);
  assert.deepEqual(parsed[2], ["line\nbreak", "-1e-20", "z"]);
  assert.equal(Number(parsed[1][1]), 0.1 + 0.2);
});

test("figureHtml embeds the spec so that no string can close the script element", () => {
  const spec = { data: [{ type: "scatter" as const, name: "</script><script>alert(1)</script>", x: [1], y: [2] }], layout: {}, config: {} };
  const html = figureHtml(spec, "fig-1");
  assert.equal((html.match(/<\/script>/g) ?? []).length, 1);
  assert.match(html, /<div id="fig-1"/);
  // what the browser will parse back is the original spec
  const json = html.slice(html.indexOf("var s=") + 6, html.indexOf(";if(!window.Plotly"));
  assert.deepEqual(JSON.parse(json), spec);
  assert.throws(() => figureHtml(spec, "1 bad"), /not a valid HTML id/);
  assert.equal(scriptJson({ v: Infinity }), '{"v":null}');
});

test("labels: every spelling of a measure folds to the paper's name", () => {
  for (const s of ["kappa", "I_kappa", "κ", "I_κ", "fleissKappa"]) assert.equal(measureLabel(s), "I<sub>κ</sub>", s);
  assert.equal(measureLabel("linearCkaDistance", "plain"), "I_CKA");
  assert.equal(measureKey("SD"), "sd");
  assert.equal(measureKey("seed"), undefined);
  assert.equal(label("reinit"), "Re-init");
  assert.equal(label("SST-2"), "SST-2");
  assert.equal(label("seed"), "seed");
  assert.equal(label("f1"), "F<sub>1</sub>");
  assert.throws(() => measureLabel("accuracy"), /unknown measure "accuracy"/);
});

function parseCsv(s: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let f = "";
  let q = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === '"' && s[i + 1] === '"') (f += '"'), i++;
      else if (c === '"') q = false;
      else f += c;
    } else if (c === '"') q = true;
    else if (c === ",") row.push(f), (f = "");
    else if (c === "\n") row.push(f), out.push(row), (row = []), (f = "");
    else f += c;
  }
  return out;
}

test("CSV text cells that a spreadsheet would run as formulas are neutralised; numbers are not touched", () => {
  const csv = toCsv([{ task: "=HYPERLINK(\"http://x\")", method: "+1", run: "-2", who: "@me", ok: "plain", value: -0.5 }]);
  const [, row] = csv.trim().split("\n");
  assert.equal(row, `"'=HYPERLINK(""http://x"")",'+1,'-2,'@me,plain,-0.5`);
});
