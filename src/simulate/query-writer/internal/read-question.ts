/**
 * The teacher's first move on every query-writer request: find the schema and the question in the prompt
 * and understand the question.
 */
import type { ChatCompletionRequest } from '../../../contracts/chat-completion.ts';
import { parseQuestion, type ParsedQuestion } from '../parse-question.ts';
import type { QuerySchema } from '../query-schema.ts';
import { allUserText, extractQuestion, identifySchema } from './query-prompt.ts';

export interface ReadQuestion {
  schema: QuerySchema;
  question: string;
  parsed: ParsedQuestion;
}

export function readQuestion(request: ChatCompletionRequest): ReadQuestion | undefined {
  const text = allUserText(request);
  const schema = identifySchema(text);
  const question = extractQuestion(text);
  if (schema === undefined || question === undefined) return undefined;
  const parsed = parseQuestion(schema, question);
  return parsed === undefined ? undefined : { schema, question, parsed };
}
