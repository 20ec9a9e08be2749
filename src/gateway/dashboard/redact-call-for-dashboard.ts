/**
 * What the dashboard shows of a logged call is redacted on every request: a task page's recent examples and the
 * call side panel (`GET /admin/calls/:id`, the escalations explorer) go through the same redactor. It runs in
 * placeholder mode (`<PERSON_1>`, `<EMAIL_2>`) under a key that lives for that request only, so no personal data
 * or secret reaches the page, nothing is added to the pseudonym vault by a page view, and a placeholder cannot be
 * traced back to a person afterwards.
 */
import { randomBytes } from 'node:crypto';
import type { CallRecord } from '../../contracts/call-record.ts';
import { createRedactor } from '../../curate/redact/create-redactor.ts';
import type { Redactor } from '../../curate/redactor.ts';

/** A fresh placeholder redactor with a throwaway key: one per request, shared by the calls of that answer. */
export function createDashboardRedactor(): Redactor {
  return createRedactor({ mode: 'placeholder', scope: 'dashboard', secretKey: randomBytes(32) });
}

/**
 * The call with what a model read and wrote redacted (`Redactor.redactCall`), plus the free text the side panel
 * also shows that the redactor leaves alone: the error message, the escalation detail, and the end user's id
 * (the OpenAI `user` parameter, often an email address).
 */
export function redactCallForDashboard(call: CallRecord, redactor: Redactor = createDashboardRedactor()): CallRecord {
  const redacted = redactor.redactCall(call);
  const text = (value: string | null): string | null => (value === null ? null : redactor.redactText(value));
  const request = typeof redacted.request.user === 'string' ? { ...redacted.request, user: redactor.redactText(redacted.request.user) } : redacted.request;
  return {
    ...redacted,
    request,
    endUserId: text(redacted.endUserId),
    errorMessage: text(redacted.errorMessage),
    ...(redacted.routing ? { routing: { ...redacted.routing, escalationDetail: text(redacted.routing.escalationDetail) } } : {}),
  };
}
