// Child process for the checkpoint-atomicity test: writes checkpoints of a tiny model over and
// over, every parameter (and every optimizer moment) of checkpoint i filled with the value i, until
// it is killed. Whatever moment the kill lands on, the run folder must hold one whole checkpoint.
import * as tf from "@tensorflow/tfjs";
import { makeConfig } from "../../../src/model/config";
import { createRandomModel } from "../../../src/model/init";
import { AdamW } from "../../../src/train/adamw";
import { saveCheckpoint } from "../../../src/train/pretrain/checkpoint";

async function main(): Promise<void> {
  const [outDir, tokenizerDir] = process.argv.slice(2);
  const config = makeConfig({ model_type: "bert", vocab_size: 400, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 64, max_position_embeddings: 32 });
  const model = await createRandomModel(config, 0, { pooler: false, classifier: false, mlm: true });
  const optimizer = new AdamW(model.trainableVariables(), undefined, { lr: 1e-3 });
  for (let i = 1; ; i++) {
    for (const p of model.params.values()) tf.tidy(() => p.assign(tf.fill(p.shape, i)));
    const state = optimizer.exportState();
    for (const m of state.moments) {
      m.m.fill(i);
      m.v.fill(i);
    }
    optimizer.importState({ ...state, step: i });
    await saveCheckpoint(outDir, model, optimizer, { step: i, epoch: 0, position: i, tokensSeen: i, trainSeconds: 0, settings: {} }, { tokenizerDir });
    process.stdout.write(`saved ${i}\n`);
  }
}

main().catch((err) => {
  process.stderr.write(String(err) + "\n");
  process.exit(1);
});
