/**
 * The one prompt skeleton both extraction tasks share: same system phrasings, the instruction sentence and
 * the JSON schema are what differ. A discoverer that clusters on the system prompt alone merges the two;
 * telling them apart takes the instruction or the schema.
 */
import type { ChatCompletionRequest } from '../../../contracts/chat-completion.ts';
import type { Random } from '../../random.ts';
import { fillTemplate } from '../../internal/slot-template.ts';
import { extractionSystemPrompts } from './support-prompts.ts';
import { supportModel, systemPromptIndex, wrapCustomerMessage, type SupportThread } from './support-request.ts';

export interface ExtractionShape {
  instructions: readonly string[];
  schemaName: string;
  schema: Record<string, unknown>;
}

/**
 * Builds an extraction request. The system phrasing is the first draw, so two shapes built from equal
 * random states get the same system prompt.
 */
export function createExtractionRequest(thread: SupportThread, random: Random, shape: ExtractionShape): ChatCompletionRequest {
  const system = fillTemplate(random.pick(extractionSystemPrompts), { company: thread.supportCase.company });
  const instruction = random.pick(shape.instructions);
  return {
    model: supportModel,
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: `${instruction}\n\n${wrapCustomerMessage(thread.customerMessage.text, random)}` },
    ],
    response_format: { type: 'json_schema', json_schema: { name: shape.schemaName, strict: true, schema: shape.schema } },
    temperature: 0,
  };
}

/** Whether a request uses the extraction skeleton with this shape's schema. */
export function isExtractionRequest(request: ChatCompletionRequest, schemaName: string): boolean {
  const format = request.response_format;
  return (
    format?.type === 'json_schema' &&
    format.json_schema.name === schemaName &&
    systemPromptIndex(request, extractionSystemPrompts) !== undefined
  );
}
