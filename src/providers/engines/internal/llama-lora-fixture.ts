/**
 * Writes a small random LoRA adapter in GGUF for a llama-architecture model, so tests can exercise the
 * adapter path (context per adapter, LRU replacement) without a trained adapter on disk. Layout as
 * llama.cpp expects it: `general.type='adapter'`, `adapter.type='lora'`, `adapter.lora.alpha` (float32),
 * F32 tensors `blk.N.attn_q.weight.lora_a` ([in, rank] in ggml order) and `.lora_b` ([rank, out]).
 */
import { writeFile } from 'node:fs/promises';
import { readGgufFileInfo } from 'node-llama-cpp';

export interface TestLoraOptions {
  modelPath: string;
  outputPath: string;
  seed: number;
  rank?: number;
  /** Magnitude of the random weights; large enough to change greedy output. */
  scale?: number;
}

const ggufAlignment = 32;
const valueTypeFloat32 = 6;
const valueTypeString = 8;
const ggmlTypeF32 = 0;

export async function writeTestLoraAdapter(options: TestLoraOptions): Promise<void> {
  const rank = options.rank ?? 4;
  const scale = options.scale ?? 0.5;
  const info = await readGgufFileInfo(options.modelPath, { readTensorInfo: true });
  const targets = (info.fullTensorInfo ?? []).filter((tensor) => /^blk\.\d+\.attn_q\.weight$/.test(tensor.name));
  if (targets.length === 0) throw new Error(`${options.modelPath} has no attn_q tensors to adapt`);

  let state = options.seed >>> 0;
  const random = (): number => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return (state / 4_294_967_296 - 0.5) * 2 * scale;
  };
  const tensors = targets.flatMap((tensor) => {
    const [input, output] = tensor.dimensions.map(Number) as [number, number];
    const base = tensor.name.replace(/\.weight$/, '');
    return [
      { name: `${base}.weight.lora_a`, dimensions: [input, rank], values: Float32Array.from({ length: input * rank }, random) },
      { name: `${base}.weight.lora_b`, dimensions: [rank, output], values: Float32Array.from({ length: rank * output }, random) },
    ];
  });

  const parts: Buffer[] = [];
  const u32 = (value: number) => { const buffer = Buffer.alloc(4); buffer.writeUInt32LE(value); parts.push(buffer); };
  const u64 = (value: number) => { const buffer = Buffer.alloc(8); buffer.writeBigUInt64LE(BigInt(value)); parts.push(buffer); };
  const text = (value: string) => { const bytes = Buffer.from(value, 'utf8'); u64(bytes.length); parts.push(bytes); };
  const metadata: Array<[string, string | number]> = [
    ['general.architecture', String(info.metadata.general.architecture)],
    ['general.type', 'adapter'],
    ['adapter.type', 'lora'],
    ['adapter.lora.alpha', rank],
  ];

  parts.push(Buffer.from('GGUF', 'latin1'));
  u32(3);
  u64(tensors.length);
  u64(metadata.length);
  for (const [key, value] of metadata) {
    text(key);
    if (typeof value === 'string') {
      u32(valueTypeString);
      text(value);
    } else {
      u32(valueTypeFloat32);
      const buffer = Buffer.alloc(4);
      buffer.writeFloatLE(value);
      parts.push(buffer);
    }
  }
  let offset = 0;
  for (const tensor of tensors) {
    text(tensor.name);
    u32(tensor.dimensions.length);
    for (const dimension of tensor.dimensions) u64(dimension);
    u32(ggmlTypeF32);
    u64(offset);
    offset += align(tensor.values.byteLength);
  }
  const headerLength = parts.reduce((sum, part) => sum + part.length, 0);
  parts.push(Buffer.alloc(align(headerLength) - headerLength));
  for (const tensor of tensors) {
    const bytes = Buffer.from(tensor.values.buffer, tensor.values.byteOffset, tensor.values.byteLength);
    parts.push(bytes, Buffer.alloc(align(bytes.length) - bytes.length));
  }
  await writeFile(options.outputPath, Buffer.concat(parts));
}

function align(length: number): number {
  return Math.ceil(length / ggufAlignment) * ggufAlignment;
}
