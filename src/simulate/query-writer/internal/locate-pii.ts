/**
 * Turns the personal-data values written into a request into spans, with the world's span finder. Values
 * quoted inside SQL appear with doubled single quotes, so that form is searched too and reported as it is
 * written.
 */
import type { ChatMessage } from '../../../contracts/chat-completion.ts';
import type { PiiSpan } from '../../simulated-task.ts';
import { locatePlanted, toPiiSpans, type PlantedValue } from '../../world/index.ts';

export function locatePii(messages: readonly ChatMessage[], planted: readonly PlantedValue[]): PiiSpan[] {
  const forms: PlantedValue[] = [];
  for (const value of planted) {
    forms.push(value);
    if (value.value.includes("'")) forms.push({ ...value, value: value.value.replaceAll("'", "''") });
  }
  return messages.flatMap((message, messageIndex) =>
    typeof message.content === 'string' ? toPiiSpans(locatePlanted(message.content, forms), messageIndex, 'content') : [],
  );
}
