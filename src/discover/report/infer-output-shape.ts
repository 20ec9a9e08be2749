/**
 * Output-shape inference for one task: what its answers look like, from the logged responses alone. The
 * shape decides how hard a task is for a small model (a closed label set or a fixed JSON object is easy, open
 * prose is not), how many examples it needs, and how a specialist's output will be validated.
 */
import type { CallRecord } from '../../contracts/call-record.ts';
import type { OutputShape, ToolProfile } from '../replaceability-report.ts';
import { createJsonSchemaAccumulator, type JsonSchemaAccumulator } from './internal/json-schema-accumulator.ts';
import { percentileOfSorted, sortAscending } from './internal/percentile.ts';
import { answerText, parseJsonAnswer, readAnswer, requestsJson, roughTokenCount, type Answer } from './internal/read-answer.ts';
import { measureTextNovelty, promptWordsOf } from './internal/text-novelty.ts';
import { measureTextVariability } from './internal/text-variability.ts';

/** A form holding at least this share of the answers is the task's kind; below it the task is `mixed`. */
const dominantShare = 0.8;
/** Labels: at most this many distinct values… */
const maximumLabels = 20;
/** …each seen this many times on average… */
const minimumAnswersPerLabel = 3;
/** …and each one short, on one line (an intent, a category, a yes/no). */
const maximumLabelCharacters = 40;
const maximumLabelWords = 4;

type AnswerForm = 'json' | 'tool_calls' | 'text';

function formOf(call: CallRecord, answer: Answer): AnswerForm {
  if (answer.toolCalls.length > 0) return 'tool_calls';
  if (requestsJson(call)) return 'json';
  return answer.content !== null && parseJsonAnswer(answer.content) ? 'json' : 'text';
}

/** The same answer always gives the same key, whatever the tool-call ids or argument key order. */
function canonicalAnswer(answer: Answer): string {
  const toolCalls = answer.toolCalls.map((toolCall) => {
    const parsed = parseJsonAnswer(toolCall.arguments);
    return [toolCall.name, parsed ? stableJson(parsed.value) : toolCall.arguments];
  });
  const parsedContent = answer.content === null ? undefined : parseJsonAnswer(answer.content);
  return JSON.stringify([parsedContent ? stableJson(parsedContent.value) : answer.content, toolCalls]);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${stableJson(child)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function isLabelLike(text: string): boolean {
  return text.length > 0 && text.length <= maximumLabelCharacters && !text.includes('\n') && text.split(/\s+/).length <= maximumLabelWords;
}

function findLabels(texts: readonly string[]): OutputShape['labels'] {
  if (texts.length === 0 || !texts.every(isLabelLike)) return undefined;
  const counts = new Map<string, number>();
  for (const text of texts) counts.set(text, (counts.get(text) ?? 0) + 1);
  if (counts.size > maximumLabels || texts.length < counts.size * minimumAnswersPerLabel) return undefined;
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((left, right) => right.count - left.count || (left.value < right.value ? -1 : 1));
}

function buildToolProfile(answers: readonly Answer[], toolCallingAnswers: readonly Answer[]): ToolProfile {
  const perTool = new Map<string, { calls: number; schema: JsonSchemaAccumulator }>();
  for (const answer of toolCallingAnswers) {
    const namesInAnswer = new Set<string>();
    for (const toolCall of answer.toolCalls) {
      let entry = perTool.get(toolCall.name);
      if (!entry) {
        entry = { calls: 0, schema: createJsonSchemaAccumulator() };
        perTool.set(toolCall.name, entry);
      }
      if (!namesInAnswer.has(toolCall.name)) entry.calls += 1;
      namesInAnswer.add(toolCall.name);
      const parsed = parseJsonAnswer(toolCall.arguments.length === 0 ? '{}' : toolCall.arguments);
      if (parsed) entry.schema.add(parsed.value);
    }
  }
  const toolCalling = toolCallingAnswers.length;
  return {
    tools: [...perTool]
      .map(([name, entry]) => ({ name, share: toolCalling === 0 ? 0 : entry.calls / toolCalling, argumentsSchema: entry.schema.schema() }))
      .sort((left, right) => right.share - left.share || (left.name < right.name ? -1 : 1)),
    toolCallShare: answers.length === 0 ? 0 : toolCalling / answers.length,
    parallelShare: toolCalling === 0 ? 0 : toolCallingAnswers.filter((answer) => answer.toolCalls.length > 1).length / toolCalling,
  };
}

/**
 * Infers the shape of a task's answers. Calls without a readable response (errors) are left out; output
 * lengths use the logged `tokensOut`, or a rough count where usage was not logged.
 *
 * @example
 * const shape = inferOutputShape(callsOf(task));
 * shape.kind;       // 'json'
 * shape.jsonSchema; // { type: 'object', properties: { name: { type: ['string', 'null'] }, … }, required: [...] }
 */
export function inferOutputShape(calls: readonly CallRecord[]): OutputShape {
  const answered: Array<{ call: CallRecord; answer: Answer; form: AnswerForm }> = [];
  for (const call of calls) {
    const answer = readAnswer(call);
    if (answer) answered.push({ call, answer, form: formOf(call, answer) });
  }
  const answers = answered.map((entry) => entry.answer);
  const byForm = (form: AnswerForm) => answered.filter((entry) => entry.form === form);
  const jsonAnswers = byForm('json');
  const toolCallingAnswers = byForm('tool_calls').map((entry) => entry.answer);
  const textEntries = byForm('text');
  const textAnswers = textEntries.map((entry) => entry.answer.content ?? '');

  const total = answered.length;
  const counts: Array<[AnswerForm, number]> = [
    ['json', jsonAnswers.length],
    ['tool_calls', toolCallingAnswers.length],
    ['text', textAnswers.length],
  ];
  const dominant = counts.find(([, count]) => total > 0 && count / total >= dominantShare);
  const kind: OutputShape['kind'] = total === 0 ? 'text' : dominant ? dominant[0] : 'mixed';

  const lengths = sortAscending(answered.map(({ call, answer }) => call.tokensOut ?? roughTokenCount(answerText(answer))));
  const shape: OutputShape = {
    kind,
    formShares: {
      json: total === 0 ? 0 : jsonAnswers.length / total,
      toolCalls: total === 0 ? 0 : toolCallingAnswers.length / total,
      text: total === 0 ? 0 : textAnswers.length / total,
    },
    length: { p50: percentileOfSorted(lengths, 0.5), p90: percentileOfSorted(lengths, 0.9), max: lengths.at(-1) ?? 0 },
    distinctShare: total === 0 ? 0 : new Set(answers.map(canonicalAnswer)).size / total,
    textVariability: kind === 'text' || kind === 'mixed' ? measureTextVariability(textAnswers) : null,
    textNovelty:
      kind === 'text' || kind === 'mixed'
        ? measureTextNovelty(textEntries.map(({ call, answer }) => ({ answer: answer.content ?? '', promptWords: promptWordsOf(call.request) })))
        : null,
  };

  if (jsonAnswers.length > 0) {
    const merged = createJsonSchemaAccumulator();
    let valid = 0;
    for (const { answer } of jsonAnswers) {
      const parsed = answer.content === null ? undefined : parseJsonAnswer(answer.content);
      if (!parsed) continue;
      valid += 1;
      merged.add(parsed.value);
    }
    if (valid > 0) shape.jsonSchema = merged.schema();
    shape.jsonValidShare = valid / jsonAnswers.length;
  }
  if (toolCallingAnswers.length > 0) shape.toolProfile = buildToolProfile(answers, toolCallingAnswers);
  if (kind === 'text') {
    const labels = findLabels(textAnswers);
    if (labels) shape.labels = labels;
  }
  return shape;
}

/**
 * The next step each call took, for language-model agency: the tools it called (sorted, joined with `+`
 * when it called several at once), or `reply` when it answered in text. Most frequent first.
 */
export function countActions(calls: readonly CallRecord[]): Array<{ action: string; calls: number }> {
  const counts = new Map<string, number>();
  for (const call of calls) {
    const answer = readAnswer(call);
    if (!answer) continue;
    const action = answer.toolCalls.length > 0 ? [...new Set(answer.toolCalls.map((toolCall) => toolCall.name))].sort().join('+') : 'reply';
    counts.set(action, (counts.get(action) ?? 0) + 1);
  }
  return [...counts]
    .map(([action, count]) => ({ action, calls: count }))
    .sort((left, right) => right.calls - left.calls || (left.action < right.action ? -1 : 1));
}
