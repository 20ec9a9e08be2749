/**
 * `understudy models`: the bundled catalog of open small models, filtered by what a deployment can afford.
 * Every figure shown is published by the model's makers or GGUF packagers, except the memory column, which
 * Understudy computes from published inputs; the footer says so on every run, because a table of numbers
 * otherwise reads as a measurement.
 */
import { Command, Option } from 'commander';
import { createModelsPullCommand } from './models-pull-command.ts';
import { UnderstudyError } from '../../contracts/errors.ts';
import { formatBytes, formatParameterCount, formatTokenCount, parseByteSize, parseTokenCount } from '../../select/catalog-units.ts';
import { filterCatalog, type CatalogCandidate, type CatalogConstraints } from '../../select/filter-catalog.ts';
import { memoryEstimateContextTokens } from '../../select/memory-estimate.ts';
import { loadModelCatalog } from '../../select/model-catalog.ts';
import { colour, printJson, printTable } from '../cli-output.ts';

interface ModelsOptions {
  maxMemory?: string;
  license: string;
  minContext?: string;
  tools?: boolean;
  json?: boolean;
  /** Hidden: another catalog file (tests, or a site's own list). */
  catalog?: string;
}

export const modelsFooter = 'published figures, not measured by Understudy; sources in data/model-catalog.json';

const notRecorded = '?';

/** Turns flag strings into constraints; a bad value is a one-line `invalid_request` error naming the flag. */
export function parseModelsConstraints(options: Pick<ModelsOptions, 'maxMemory' | 'license' | 'minContext' | 'tools'>): CatalogConstraints {
  const constraints: CatalogConstraints = { requireToolCalling: options.tools === true };
  if (options.maxMemory !== undefined) {
    const parsed = parseByteSize(options.maxMemory);
    if (!parsed.ok) throw new UnderstudyError('invalid_request', `--max-memory: ${parsed.reason}`, { param: 'max-memory' });
    constraints.maxMemoryBytes = parsed.value;
  }
  if (options.minContext !== undefined) {
    const parsed = parseTokenCount(options.minContext);
    if (!parsed.ok) throw new UnderstudyError('invalid_request', `--min-context: ${parsed.reason}`, { param: 'min-context' });
    constraints.minContextTokens = parsed.value;
  }
  const licence = options.license.toLowerCase();
  if (licence !== 'commercial' && licence !== 'any') {
    throw new UnderstudyError('invalid_request', `--license: '${options.license}' is not one of commercial, any`, { param: 'license' });
  }
  constraints.licence = licence;
  return constraints;
}

function describeCommercialUse(candidate: CatalogCandidate): string {
  const commercialUse = candidate.entry.licence?.value.commercialUse;
  if (commercialUse === undefined) return notRecorded;
  if (commercialUse === 'conditional') return 'conditional';
  return commercialUse ? 'yes' : 'no';
}

function toRow(candidate: CatalogCandidate): string[] {
  const { entry, memory } = candidate;
  const tools = entry.toolCalling?.value;
  const q4 = entry.gguf.sizesGigabytes.Q4_K_M?.value;
  return [
    entry.id,
    entry.parameters ? formatParameterCount(entry.parameters.value) : notRecorded,
    entry.contextLength ? formatTokenCount(entry.contextLength.value) : notRecorded,
    entry.licence?.value.name ?? notRecorded,
    describeCommercialUse(candidate),
    tools === undefined ? notRecorded : tools ? 'yes' : 'no',
    q4 === undefined ? notRecorded : formatBytes(q4 * 1e9),
    memory.kind === 'computed' ? formatBytes(memory.bytes) : notRecorded,
  ];
}

export function createModelsCommand(): Command {
  return new Command('models')
    .description('list open small models from the bundled catalog (published figures, with sources) that fit your limits')
    .option('--max-memory <size>', 'only models whose estimated memory fits, e.g. 4GB, 512MB, 1.5GiB')
    .option('--license <kind>', 'commercial (allowed outright or under conditions) or any', 'any')
    .option('--min-context <tokens>', 'only models with at least this context, e.g. 8k, 32k, 128k (k = 1024)')
    .option('--tools', 'only models whose card states tool / function-calling support')
    .option('--json', 'print machine-readable JSON (entries with every source)')
    .addOption(new Option('--catalog <file>', 'catalog file to read instead of the bundled one').hideHelp())
    .addHelpText(
      'after',
      [
        '',
        'Columns: parameters, context (tokens), licence, commercial use, tool calling, Q4_K_M GGUF size, and memory:',
        `the Q4_K_M file plus an f16 KV cache at ${memoryEstimateContextTokens} tokens, computed by Understudy (runtime overhead not included).`,
        `"${notRecorded}" means the catalog has no confirmed figure; filters leave such models out and say how many.`,
        '',
        'Examples:',
        '  understudy models --max-memory 4GB --license commercial --tools',
        '  understudy models --min-context 32k --json | jq \'.models[].id\'',
      ].join('\n'),
    )
    .action((options: ModelsOptions) => {
      const constraints = parseModelsConstraints(options);
      const catalog = loadModelCatalog(options.catalog);
      const { matches, excluded } = filterCatalog(catalog.models, constraints);
      if (options.json) {
        return printJson({
          notice: catalog.notice,
          memoryEstimate: { kind: 'computed', contextTokens: memoryEstimateContextTokens },
          models: matches.map(({ entry, memory }) => ({ ...entry, memoryEstimate: memory })),
          excluded,
        });
      }
      if (matches.length === 0) {
        process.stdout.write('No catalog model meets these limits.\n');
      } else {
        printTable(['MODEL', 'PARAMS', 'CONTEXT', 'LICENCE', 'COMMERCIAL', 'TOOLS', 'Q4 SIZE', 'MEMORY'], matches.map(toRow));
      }
      const unknownOnly = excluded.filter((model) => model.reasons.every((reason) => /unknown|not recorded/.test(reason))).length;
      if (unknownOnly > 0) {
        process.stdout.write(colour.dim(`${unknownOnly} more left out only because a figure they need is not recorded (see --json "excluded").\n`));
      }
      process.stdout.write(colour.dim(`${modelsFooter}\n`));
      process.stdout.write(colour.dim(`memory = Q4_K_M file + f16 KV cache at ${formatTokenCount(memoryEstimateContextTokens)} tokens (computed, overhead excluded); ${notRecorded} = not recorded\n`));
    })
    .addCommand(createModelsPullCommand());
}
