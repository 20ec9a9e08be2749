/**
 * `GET /admin/tasks/:id`: one task's row, its templates split into fixed text and slots, a few recent calls
 * redacted, the inferred output shape and reasons from the latest report, its route with the change history, and
 * the current specialist's latest offline evaluation.
 *
 * Examples are redacted on every request as the call side panel is (redact-call-for-dashboard.ts: placeholders
 * under a key that lives for that request only).
 */
import type { CallRecord } from '../../contracts/call-record.ts';
import type { DashboardTaskDetail, TemplateSegment } from '../../contracts/dashboard-api.ts';
import { UnderstudyError } from '../../contracts/errors.ts';
import type { Store } from '../../store/store.ts';
import { createDashboardRedactor, redactCallForDashboard } from './redact-call-for-dashboard.ts';
import { loadTaskRowSources, taskRow } from './task-rows.ts';
import { taskOfCall } from './task-of-call.ts';

/** Recent calls shown as examples. */
export const taskExampleCount = 5;
/** Characters kept of each example's request and response. */
const exampleTextLimit = 4000;
/** Route changes shown. */
const routeEventLimit = 50;

export async function buildTaskDetail(store: Store, taskId: string): Promise<DashboardTaskDetail> {
  const task = await store.tasks.get(taskId);
  if (task === undefined) throw new UnderstudyError('not_found', `No task '${taskId}'.`);
  const sources = await loadTaskRowSources(store);
  const calls = sources.calls.filter((call) => taskOfCall(call) === taskId);
  const row = await taskRow(store, task, { calls: calls.length, costUsd: calls.reduce((sum, call) => sum + (call.costUsd ?? 0), 0) }, sources);
  const route = sources.routes.get(taskId) ?? null;
  const reported = sources.report.get(taskId);
  const [events, evaluation] = await Promise.all([
    store.routes.events({ task: taskId, limit: routeEventLimit }),
    route?.specialistId ? store.evaluations.latest(route.specialistId) : Promise.resolve(undefined),
  ]);
  return {
    task: row,
    templates: (reported?.templates ?? []).map((template) => ({ calls: template.calls, segments: templateSegments(template.text) })),
    examples: redactedExamples(calls),
    outputShape: reported?.outputShape ?? null,
    route,
    events,
    evaluation: evaluation ?? null,
    reasons: reported?.reasons ?? [],
  };
}

/** `a {{slot_1}} b` → fixed `a `, slot `{{slot_1}}`, fixed ` b`. */
export function templateSegments(text: string): TemplateSegment[] {
  const segments: TemplateSegment[] = [];
  let at = 0;
  for (const match of text.matchAll(/\{\{slot_\d+\}\}/g)) {
    if (match.index > at) segments.push({ text: text.slice(at, match.index), slot: false });
    segments.push({ text: match[0], slot: true });
    at = match.index + match[0].length;
  }
  if (at < text.length) segments.push({ text: text.slice(at), slot: false });
  return segments;
}

function redactedExamples(calls: readonly CallRecord[]): DashboardTaskDetail['examples'] {
  const recent = calls
    .filter((call) => call.status === 'ok')
    .slice(-taskExampleCount)
    .reverse();
  const redactor = createDashboardRedactor();
  return recent.map((call) => {
    const redacted = redactCallForDashboard(call, redactor);
    return { callId: call.id, at: call.startedAt, request: cut(renderRequest(redacted.request)), response: cut(renderResponse(redacted.response)), route: call.route };
  });
}

/** The messages, one `role: text` block each; tool calls and non-text parts as JSON. */
function renderRequest(request: Record<string, unknown>): string {
  const messages = Array.isArray(request.messages) ? (request.messages as unknown[]) : [];
  return messages.map((message) => renderMessage(message)).join('\n\n');
}

function renderResponse(response: unknown): string {
  if (!isRecord(response) || !Array.isArray(response.choices)) return '';
  const first: unknown = response.choices[0];
  return isRecord(first) ? renderMessage(first.message, false) : '';
}

function renderMessage(message: unknown, withRole = true): string {
  if (!isRecord(message)) return '';
  const parts: string[] = [];
  const content = message.content;
  if (typeof content === 'string') parts.push(content);
  else if (Array.isArray(content)) parts.push(content.map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : JSON.stringify(part))).join('\n'));
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      const toolFunction = isRecord(call) && isRecord(call.function) ? call.function : undefined;
      if (toolFunction !== undefined) parts.push(`→ ${String(toolFunction.name)}(${typeof toolFunction.arguments === 'string' ? toolFunction.arguments : JSON.stringify(toolFunction.arguments)})`);
    }
  }
  const text = parts.join('\n');
  return withRole ? `${typeof message.role === 'string' ? message.role : 'message'}: ${text}` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function cut(text: string): string {
  return text.length <= exampleTextLimit ? text : `${text.slice(0, exampleTextLimit - 1)}…`;
}
