# The PyTorch side of bench/train.bench.ts: the same BERT classification model (post-LN, erf
# GELU, padding mask, pooler, dropout 0.1), the same random padded batch shape and a full
# training step (forward, backward, clipping to norm 1.0, AdamW), on ONE thread. Prints one JSON object.
# Usage: torch_train.py LAYERS HIDDEN HEADS FFN SEQ BATCH VOCAB STEPS WARMUP
import json, math, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
L, H, A, FF, S, B, V, STEPS, WARMUP = (int(x) for x in sys.argv[1:10])
torch.manual_seed(0)


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.query, self.key, self.value = nn.Linear(H, H), nn.Linear(H, H), nn.Linear(H, H)
        self.attn_out, self.ln1 = nn.Linear(H, H), nn.LayerNorm(H, eps=1e-12)
        self.inter, self.out, self.ln2 = nn.Linear(H, FF), nn.Linear(FF, H), nn.LayerNorm(H, eps=1e-12)
        self.drop = nn.Dropout(0.1)

    def forward(self, h, ext_mask):
        d = H // A
        heads = lambda x: x.view(B, S, A, d).transpose(1, 2)
        q, k, v = heads(self.query(h)), heads(self.key(h)), heads(self.value(h))
        probs = self.drop(torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + ext_mask, dim=-1))
        ctx = (probs @ v).transpose(1, 2).reshape(B, S, H)
        h1 = self.ln1(self.drop(self.attn_out(ctx)) + h)
        return self.ln2(self.drop(self.out(F.gelu(self.inter(h1)))) + h1)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.word, self.pos, self.typ = nn.Embedding(V, H, padding_idx=0), nn.Embedding(max(512, S), H), nn.Embedding(2, H)
        self.ln, self.drop = nn.LayerNorm(H, eps=1e-12), nn.Dropout(0.1)
        self.layers = nn.ModuleList([Layer() for _ in range(L)])
        self.pooler, self.classifier = nn.Linear(H, H), nn.Linear(H, 2)

    def forward(self, ids, mask):
        pos = torch.arange(S).unsqueeze(0).expand(B, S)
        h = self.drop(self.ln(self.word(ids) + self.pos(pos) + self.typ(torch.zeros_like(ids))))
        ext = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in self.layers:
            h = layer(h, ext)
        return self.classifier(self.drop(torch.tanh(self.pooler(h[:, 0]))))


model = Model()
opt = torch.optim.AdamW(model.parameters(), lr=1e-4, eps=1e-6, weight_decay=0.01)
g = torch.Generator().manual_seed(1)
ids = torch.randint(1, V, (B, S), generator=g)
mask = torch.ones(B, S, dtype=torch.long)
for b in range(B):
    n = S - int(torch.randint(0, max(1, S // 4), (1,), generator=g))
    ids[b, n:] = 0
    mask[b, n:] = 0
labels = torch.randint(0, 2, (B,), generator=g)


def step():
    opt.zero_grad()
    F.cross_entropy(model(ids, mask), labels).backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()


for _ in range(WARMUP):
    step()
t0 = time.perf_counter()
cpu_ms_steps = []  # each step's process CPU time, as benchStep.ts records them
for _ in range(STEPS):
    c0 = time.process_time()
    step()
    cpu_ms_steps.append((time.process_time() - c0) * 1000)
ms = (time.perf_counter() - t0) / STEPS * 1000
cpu_ms = sum(cpu_ms_steps) / STEPS
blas = next((x.split("=")[1] for x in torch.__config__.show().replace(",", " ").split() if x.startswith("BLAS_INFO=")), "?")
# Debian's torch calls whatever libblas.so.3 the alternatives system points to: the reference BLAS
# is ~10x slower than OpenBLAS, so name the library actually loaded.
with open("/proc/self/maps") as maps:
    loaded = sorted({line.split()[-1].rsplit("/", 1)[-1] for line in maps if "blas" in line.lower() and "/" in line})
if loaded:
    blas += " = " + "+".join(loaded)
# OpenBLAS picks its kernels by CPU model and falls back to the SSE3 "Prescott" ones on models
# newer than its tables (~5x slower here than its AVX-512 SkylakeX kernels): name the core it
# runs (OPENBLAS_CORETYPE=SkylakeX, Haswell, ... forces one).
with open("/proc/self/maps") as maps:
    openblas = next((line.split()[-1] for line in maps if "libopenblas" in line and "/" in line), None)
if openblas:
    import ctypes
    lib = ctypes.CDLL(openblas)
    lib.openblas_get_corename.restype = ctypes.c_char_p
    blas += ", OpenBLAS core " + lib.openblas_get_corename().decode()
print(json.dumps({"backend": f"pytorch {torch.__version__} (1 thread, BLAS {blas})", "ms_per_step": ms, "tokens_per_s": B * S * 1000 / ms, "cpu_ms_per_step": cpu_ms, "cpu_tokens_per_s": B * S * 1000 / cpu_ms, "cpu_ms_steps": cpu_ms_steps, "steps": STEPS}))
