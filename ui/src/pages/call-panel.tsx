import type { CallRecord } from '../api/contract-types.ts';
import { useResource } from '../api/use-resource.ts';
import { Badge } from '../components/badge.tsx';
import { SidePanel } from '../components/dialogs.tsx';
import { Figure } from '../components/figure.tsx';
import { ResourceView } from '../components/states.tsx';
import { formatCount, formatDateTime, formatJson, formatMilliseconds, formatUsd } from '../lib/format.ts';

/**
 * One logged call (GET /admin/calls/:id) in a side panel: what was asked, what came back, and why it went where it
 * went. Always the redacted view: personal data and secrets arrive as placeholders (`<EMAIL_1>`), as on a task page.
 */
export function CallPanel({ callId, onClose }: { callId: string; onClose: () => void }) {
  const call = useResource<CallRecord>(`/admin/calls/${encodeURIComponent(callId)}?redact=true`);
  return (
    <SidePanel
      onClose={onClose}
      title={
        <>
          Call <code>{callId}</code>
        </>
      }
    >
      <ResourceView resource={call}>{(record) => <CallDetails call={record} />}</ResourceView>
    </SidePanel>
  );
}

function CallDetails({ call }: { call: CallRecord }) {
  const routing = call.routing ?? null;
  return (
    <div className="call-details" data-testid={`call-panel:${call.id}`}>
      <div className="badge-row">
        <Badge tone={call.status === 'ok' ? 'green' : 'red'}>{call.status}</Badge>
        <Badge tone={call.route === 'specialist' ? 'green' : call.route === 'escalated' ? 'amber' : 'neutral'}>{call.route}</Badge>
        <span className="muted">{formatDateTime(call.startedAt)}</span>
      </div>
      <dl className="properties">
        <dt>Model</dt>
        <dd>
          <code>{call.model}</code>
          {call.responseModel && call.responseModel !== call.model ? <span className="muted"> → {call.responseModel}</span> : null}
          {call.provider ? <span className="muted"> via {call.provider}</span> : null}
        </dd>
        <dt>Task</dt>
        <dd>{call.task ?? routing?.task ?? <span className="muted">unclassified</span>}</dd>
        <dt>Latency</dt>
        <dd>
          <Figure name="call-latency-ms" value={call.latencyMs}>
            {formatMilliseconds(call.latencyMs)}
          </Figure>
          {call.ttftMs !== null ? <span className="muted"> · first token {formatMilliseconds(call.ttftMs)}</span> : null}
        </dd>
        <dt>Tokens</dt>
        <dd>
          {formatCount(call.tokensIn)} in · {formatCount(call.tokensOut)} out{call.tokensEstimated ? <span className="muted"> (estimated)</span> : null}
        </dd>
        <dt>Cost</dt>
        <dd>
          <Figure name="call-cost-usd" value={call.costUsd}>
            {formatUsd(call.costUsd)}
          </Figure>
        </dd>
        {routing ? (
          <>
            <dt>Route</dt>
            <dd>
              {routing.mode} · classified by {routing.classifiedBy}
              {routing.specialistId ? (
                <>
                  {' '}
                  · <code>{routing.specialistId}</code>
                </>
              ) : null}
            </dd>
            {routing.escalationReason ? (
              <>
                <dt>Escalation</dt>
                <dd>
                  <span className={`reason reason-${routing.escalationReason}`}>{routing.escalationReason}</span>
                  {routing.escalationDetail ? <div className="muted">{routing.escalationDetail}</div> : null}
                </dd>
              </>
            ) : null}
            {routing.confidence !== null ? (
              <>
                <dt>Confidence</dt>
                <dd>{routing.confidence.toFixed(3)}</dd>
              </>
            ) : null}
            {routing.specialistLatencyMs !== null ? (
              <>
                <dt>Specialist time</dt>
                <dd>{formatMilliseconds(routing.specialistLatencyMs)}</dd>
              </>
            ) : null}
          </>
        ) : null}
        {call.errorMessage ? (
          <>
            <dt>Error</dt>
            <dd className="cell-error">
              {call.errorClass ? `${call.errorClass}: ` : ''}
              {call.errorMessage}
            </dd>
          </>
        ) : null}
      </dl>
      <p className="muted">Personal data and secrets are shown as placeholders such as &lt;EMAIL_1&gt;.</p>
      <h3 className="pane-title">Request</h3>
      <Messages request={call.request} />
      <h3 className="pane-title">Response</h3>
      <ResponseView response={call.response} />
    </div>
  );
}

interface ChatMessageLike {
  role?: unknown;
  content?: unknown;
  tool_calls?: unknown;
}

/** The request's messages as a conversation; anything else (tools, response_format, params) as JSON below. */
function Messages({ request }: { request: Record<string, unknown> }) {
  const messages = Array.isArray(request.messages) ? (request.messages as ChatMessageLike[]) : null;
  const { messages: _messages, ...rest } = request;
  return (
    <>
      {messages ? (
        <div className="messages">
          {messages.map((message, index) => (
            <div className={`message message-${typeof message.role === 'string' ? message.role : 'unknown'}`} key={index}>
              <div className="message-role">{typeof message.role === 'string' ? message.role : 'message'}</div>
              <pre className="message-content">{contentText(message.content)}</pre>
              {message.tool_calls ? <pre className="code-block code-block-small">{formatJson(message.tool_calls)}</pre> : null}
            </div>
          ))}
        </div>
      ) : null}
      {Object.keys(rest).length > 0 ? (
        <details className="raw-json" open={!messages}>
          <summary>{messages ? 'Parameters' : 'Request body'}</summary>
          <pre className="code-block">{formatJson(rest)}</pre>
        </details>
      ) : null}
    </>
  );
}

function ResponseView({ response }: { response: unknown }) {
  if (response === null || response === undefined) return <p className="muted">No response body was logged.</p>;
  const message = firstChoiceMessage(response);
  return (
    <>
      {message ? (
        <div className="messages">
          <div className="message message-assistant">
            <div className="message-role">assistant</div>
            {message.content !== null && message.content !== undefined ? <pre className="message-content">{contentText(message.content)}</pre> : null}
            {message.tool_calls ? <pre className="code-block code-block-small">{formatJson(message.tool_calls)}</pre> : null}
          </div>
        </div>
      ) : null}
      <details className="raw-json" open={!message}>
        <summary>Response body</summary>
        <pre className="code-block">{formatJson(response)}</pre>
      </details>
    </>
  );
}

function firstChoiceMessage(response: unknown): ChatMessageLike | null {
  if (typeof response !== 'object' || response === null || !('choices' in response)) return null;
  const choices = (response as { choices: unknown }).choices;
  if (!Array.isArray(choices) || choices.length === 0) return null;
  const first: unknown = choices[0];
  if (typeof first !== 'object' || first === null || !('message' in first)) return null;
  const message = (first as { message: unknown }).message;
  return typeof message === 'object' && message !== null ? (message as ChatMessageLike) : null;
}

/** Message content as text: strings as they are, content parts joined, anything else as JSON. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (Array.isArray(content)) {
    return content.map((part: unknown) => (typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string' ? part.text : formatJson(part))).join('\n');
  }
  return formatJson(content);
}
