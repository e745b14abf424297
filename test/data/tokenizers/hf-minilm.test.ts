// Our WordPiece tokenizer, loaded from the real all-MiniLM-L6-v2 checkpoint, against transformers'
// fast tokenizer (BertTokenizerFast) on real GLUE text: every dev example of RTE, MRPC, CoLA and
// SST-2 plus RTE training pairs (long: truncation "longest_first" to 128 is exercised), one row at a
// time and in padded batches, and a few hand-made strings (accents, CJK, emoji, literal [MASK]).
// Input ids, token type ids and attention masks must be identical.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadTokenizer } from "../../../src/data/tokenizers";
import { readGlueSplit, type GlueTaskName } from "../../../src/data/glue";
import { glueDir, NO_GLUE } from "../../helpers/glue";
import { miniLmDir, miniLmSkip, runHfJson } from "../../model/hf/python";

interface Rows {
  input_ids: number[][];
  token_type_ids: number[][];
  attention_mask: number[][];
}
interface Reference {
  fast: boolean;
  class: string;
  groups: { rows: { input_ids: number[]; token_type_ids: number[]; attention_mask: number[] }[]; batches: Rows[] }[];
}
interface Item {
  text: string;
  textPair?: string;
}

const MAX_LENGTH = 128;
const BATCH = 32;

const HAND_MADE: Item[] = [
  { text: "Héllo wörld — naïve café, résumé; façade. ÀÉÎÕÜ ß" },
  { text: "東京は日本の首都です。北京欢迎你！ 한국어" },
  { text: "emoji 😀🎉 and symbols ©®™ €£¥ ±×÷" },
  { text: "the [MASK] sat on the [MASK]." },
  { text: "tabs\tand\nnewlines\r\nand\u00a0non-breaking\u200bzero width" },
  { text: "x".repeat(101) + " pneumonoultramicroscopicsilicovolcanoconiosis" },
];

function groups(dir: string): { name: string; items: Item[] }[] {
  const pick = (task: GlueTaskName, split: "train" | "dev", n = Infinity) => ({
    name: `${task}/${split}`,
    items: readGlueSplit(dir, task, split).slice(0, n).map((e) => ({ text: e.text, textPair: e.textPair })),
  });
  return [pick("rte", "dev"), pick("rte", "train", 600), pick("mrpc", "dev"), pick("cola", "dev"), pick("sst2", "dev"), { name: "hand-made", items: HAND_MADE }];
}

const skip = miniLmSkip() || (!glueDir() && NO_GLUE);

test("MiniLM WordPiece: same ids, token types and masks as transformers' fast tokenizer on GLUE", { skip }, () => {
  const dir = miniLmDir();
  const ours = loadTokenizer(dir);
  assert.equal(ours.kind, "wordpiece");
  const all = groups(glueDir()!);
  const req = { dir, maxLength: MAX_LENGTH, batchSize: BATCH, groups: all.map((g) => g.items.map((e) => ({ text: e.text, textPair: e.textPair ?? null }))) };
  const ref = runHfJson<Reference>("hf_tokenize.py", [], req);
  assert.ok(ref.fast, `transformers loaded a slow tokenizer (${ref.class})`);
  let total = 0;
  let truncated = 0;
  let unknown = 0;
  all.forEach(({ name, items }, g) => {
    const { rows, batches } = ref.groups[g];
    items.forEach((e, i) => {
      const mine = ours.encode(e.text, e.textPair, { maxLength: MAX_LENGTH });
      const where = `${name} #${i}: ${JSON.stringify(e.text.slice(0, 60))}`;
      assert.deepEqual(mine.inputIds, rows[i].input_ids, `input ids, ${where}`);
      assert.deepEqual(mine.tokenTypeIds, rows[i].token_type_ids, `token type ids, ${where}`);
      assert.deepEqual(mine.attentionMask, rows[i].attention_mask, `attention mask, ${where}`);
      if (mine.inputIds.length === MAX_LENGTH) truncated++;
      if (mine.inputIds.includes(ours.unkTokenId)) unknown++;
    });
    batches.forEach((want, k) => {
      const b = ours.encodeBatch(items.slice(k * BATCH, (k + 1) * BATCH), { maxLength: MAX_LENGTH });
      assert.equal(b.seqLength, want.input_ids[0].length, `${name} batch ${k}: padded length`);
      assert.deepEqual(Array.from(b.inputIds), want.input_ids.flat(), `${name} batch ${k}: input ids`);
      assert.deepEqual(Array.from(b.tokenTypeIds), want.token_type_ids.flat(), `${name} batch ${k}: token type ids`);
      assert.deepEqual(Array.from(b.attentionMask), want.attention_mask.flat(), `${name} batch ${k}: attention mask`);
    });
    total += items.length;
  });
  assert.ok(total >= 1000, `${total} examples`);
  // The comparison covered truncated pairs and [UNK] as well as [CLS]/[SEP]/[PAD].
  assert.ok(truncated >= 20, `only ${truncated} examples reached ${MAX_LENGTH} tokens`);
  assert.ok(unknown >= 1, "no example produced [UNK]");
  console.log(`# ${total} examples identical to transformers' fast tokenizer (${truncated} truncated to ${MAX_LENGTH}, ${unknown} with [UNK])`);
});
