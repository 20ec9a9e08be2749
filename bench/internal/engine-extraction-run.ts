/**
 * One pass of the extraction task through an engine, in one mode (with or without the JSON-schema grammar),
 * sequentially so each call's latency is its own. Scores every answer against the schema (strict parse of
 * the whole answer: what a caller could use as-is) and against the known values.
 */
import { z } from 'zod';
import type { SpecialistEngine } from '../../src/providers/engines/specialist-engine.ts';
import type { ExtractionCase } from './engine-extraction-cases.ts';

export const extractionSchema = z.object({
  name: z.string().max(60),
  email: z.string().max(80),
  order_id: z.string().max(24),
});

const systemPrompt =
  "Extract the customer's name, email address and order ID from the support message. " +
  'Reply with only a JSON object with the keys "name", "email" and "order_id".';

export interface ExtractionCallRecord {
  latencyMs: number;
  completionTokens: number;
  schemaValid: boolean;
  /** Valid once the first `{…}` in the answer is cut out (code fences, chatter around it): a kinder contrast. */
  schemaValidLenient: boolean;
  exact: boolean;
  fieldsCorrect: number;
}

export async function runExtractionPass(engine: SpecialistEngine, cases: ExtractionCase[], withGrammar: boolean): Promise<ExtractionCallRecord[]> {
  const schema = z.toJSONSchema(extractionSchema) as Record<string, unknown>;
  const records: ExtractionCallRecord[] = [];
  for (const extractionCase of cases) {
    const result = await engine.complete({
      messages: [
        { role: 'system', content: systemPrompt },
        { role: 'user', content: extractionCase.message },
      ],
      maxTokens: 128,
      ...(withGrammar ? { responseFormat: { type: 'json_schema', name: 'support_contact', schema } as const } : {}),
    });
    const parsed = extractionSchema.safeParse(parseJson(result.content ?? ''));
    const fieldsCorrect = parsed.success
      ? (['name', 'email', 'order_id'] as const).filter((field) => parsed.data[field].trim() === extractionCase.expected[field]).length
      : 0;
    const embedded = /\{[\s\S]*?\}/.exec(result.content ?? '')?.[0] ?? '';
    records.push({
      latencyMs: result.latencyMs,
      completionTokens: result.tokens.completion,
      schemaValid: parsed.success,
      schemaValidLenient: extractionSchema.safeParse(parseJson(embedded)).success,
      exact: fieldsCorrect === 3,
      fieldsCorrect,
    });
  }
  return records;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
