// Makes the tfjs wasm backend's memory a shared WebAssembly.Memory, so that worker threads can run
// our kernels on the very bytes where tfjs keeps its tensors. tfjs-backend-wasm's threaded build is
// disabled under Node (tfjs issue 3830), so its single-thread SIMD build is used with one byte of
// its memory section changed: limits flag 1 (min, max) becomes 3 (min, max, shared). Its code is
// unchanged, so every tfjs kernel computes the same bytes; only the memory can now be shared.

const MEMORY_SECTION = 5;
const HAS_MAX = 0x01;
const SHARED_WITH_MAX = 0x03;

function readUleb(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return [value, at];
  }
}

/**
 * A copy of module `bytes` whose one defined memory, declared with a maximum, is shared; null when
 * the module has no such memory (then it is left as it is).
 */
export function withSharedMemorySection(bytes: Uint8Array): Uint8Array | null {
  if (bytes.length < 8 || bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) return null;
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, start] = readUleb(bytes, at + 1);
    if (id === MEMORY_SECTION) {
      const [count, flagAt] = readUleb(bytes, start);
      if (count !== 1 || bytes[flagAt] !== HAS_MAX) return null;
      const out = bytes.slice();
      out[flagAt] = SHARED_WITH_MAX;
      return out;
    }
    at = start + size;
  }
  return null;
}

type Instantiate = (bytes: unknown, imports?: object) => Promise<unknown>;

/**
 * Runs `start` (which instantiates the tfjs wasm module) with WebAssembly.instantiate patched to
 * share that module's memory; restores it afterwards.
 */
export async function withSharedWasmMemory<T>(start: () => Promise<T>): Promise<T> {
  const wasm = (globalThis as unknown as { WebAssembly: { instantiate: Instantiate } }).WebAssembly;
  const original = wasm.instantiate;
  wasm.instantiate = function (bytes: unknown, imports?: object) {
    const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null;
    const shared = view ? withSharedMemorySection(view) : null;
    return original.call(this, shared ?? bytes, imports);
  };
  try {
    return await start();
  } finally {
    wasm.instantiate = original;
  }
}

