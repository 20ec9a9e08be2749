/**
 * The `response_format` a dataset line was asked with. Lines keep messages and tools only (the fine-tuning
 * format has no response format); the manifest keeps the task's formats apart, by count. One format: that one.
 * Several: the most common one the line's answer satisfies (a JSON schema it validates against, a JSON object
 * for `json_object`), else the most common one with no JSON constraint — so a teacher re-asked for this line's
 * kind of answer is constrained as the agent constrained it.
 */
import type { DatasetManifest } from '../dataset-manifest.ts';
import type { FineTuneLine } from '../training-example.ts';
import { isPlainObject, safeParseJson } from './canonical-json.ts';
import { checkJsonSchema } from './check-json-schema.ts';

export function lineResponseFormat(line: FineTuneLine, manifest: DatasetManifest): Record<string, unknown> | null {
  const formats = manifest.outputShape.responseFormats.map((entry) => (isPlainObject(entry.value) ? entry.value : null));
  if (formats.length <= 1) return formats[0] ?? null;
  const answer = line.messages[line.messages.length - 1];
  const content = typeof answer?.content === 'string' ? answer.content : null;
  const parsed = content === null ? { ok: false as const } : safeParseJson(content);
  const satisfied = formats.find((format) => {
    if (format === null || !parsed.ok) return false;
    if (format.type === 'json_object') return isPlainObject(parsed.value);
    if (format.type !== 'json_schema') return false;
    const spec = format.json_schema;
    return isPlainObject(spec) && spec.schema !== undefined && checkJsonSchema(parsed.value, spec.schema).valid;
  });
  if (satisfied !== undefined) return satisfied;
  return formats.find((format) => format === null || (format.type !== 'json_object' && format.type !== 'json_schema')) ?? null;
}
