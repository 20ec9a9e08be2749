import type { ReactNode } from 'react';
import type { DashboardTaskDetail, RouteEvent, TemplateSegment } from '../api/contract-types.ts';
import { useResource } from '../api/use-resource.ts';
import { RouteModeBadge, VerdictBadge } from '../components/badge.tsx';
import { Figure } from '../components/figure.tsx';
import { PageHeader, Section } from '../components/page-header.tsx';
import { EmptyState, ResourceView } from '../components/states.tsx';
import { formatCount, formatDateTime, formatJson, formatMilliseconds, formatPercent, formatRelative, formatUsd } from '../lib/format.ts';
import { href } from '../lib/hash-router.ts';
import { EvaluationSection } from './evaluation-section.tsx';
import { RouteControls } from './route-controls.tsx';

export function TaskPage({ taskId }: { taskId: string }) {
  const detail = useResource<DashboardTaskDetail>(`/admin/tasks/${encodeURIComponent(taskId)}`);
  return (
    <div className="page">
      <ResourceView resource={detail}>{(data) => <TaskContent detail={data} onChanged={detail.reload} />}</ResourceView>
    </div>
  );
}

function TaskContent({ detail, onChanged }: { detail: DashboardTaskDetail; onChanged: () => void }) {
  const { task, route } = detail;
  const mode = route?.mode ?? task.route?.mode ?? 'off';
  return (
    <>
      <PageHeader
        breadcrumb={<a href={href('/tasks')}>Tasks</a>}
        title={task.name}
        subtitle={
          <span className="badge-row">
            <VerdictBadge verdict={task.verdict} />
            <RouteModeBadge mode={mode} canaryShare={route?.canaryShare ?? null} />
            <span className="muted">
              {task.source} · {task.agency === 'code' ? 'answered by code' : 'language model'}
              {task.openEnded ? ' · open-ended' : ''} · <code>{task.id}</code>
            </span>
          </span>
        }
      />
      <div className="kpi-grid kpi-grid-compact">
        <Stat label="Calls" figure="detail-calls" value={task.calls}>
          {formatCount(task.calls)}
        </Stat>
        <Stat label="Spend" figure="detail-cost-usd" value={task.costUsd}>
          {formatUsd(task.costUsd)}
        </Stat>
        <Stat label="Spend share" figure="detail-spend-share" value={task.spendShare}>
          {formatPercent(task.spendShare)}
        </Stat>
        <Stat label="Route" figure="detail-route-mode" value={mode}>
          {mode}
        </Stat>
        <Stat label="Live agreement" figure="detail-agreement" value={task.agreement}>
          {formatPercent(task.agreement)}
        </Stat>
        <Stat label="Eval agreement" figure="detail-eval-agreement" value={task.evalAgreement}>
          {formatPercent(task.evalAgreement)}
        </Stat>
        <Stat label="Escalation rate" figure="detail-escalation-rate" value={task.escalationRate}>
          {formatPercent(task.escalationRate)}
        </Stat>
      </div>

      <div className="two-columns">
        <Section title="Route" aside={route ? <span className="muted" title={formatDateTime(route.updatedAt)}>updated {formatRelative(route.updatedAt)}</span> : null}>
          <RouteControls key={`${route?.mode ?? 'none'}:${route?.updatedAt ?? 0}`} taskId={task.id} taskName={task.name} route={route} onChanged={onChanged} />
          {route ? (
            <dl className="properties">
              <dt>Specialist</dt>
              <dd>{route.specialistId ? <code>{route.specialistId}</code> : <span className="muted">none</span>}</dd>
              <dt>Canary share</dt>
              <dd>{formatPercent(route.canaryShare)}</dd>
              <dt>Confidence threshold</dt>
              <dd>{route.confidenceThreshold === null ? <span className="muted">accept every valid answer</span> : route.confidenceThreshold.toFixed(3)}</dd>
              <dt>Timeout</dt>
              <dd>{formatMilliseconds(route.timeoutMs)}</dd>
              <dt>Audit share</dt>
              <dd>
                {formatPercent(route.auditShare)}
                {route.mode === 'canary' ? <span className="muted"> when live; while a canary, at least routing.canaryAuditShare (100% by default)</span> : null}
              </dd>
              <dt>Governor</dt>
              <dd>{route.automatic ? 'automatic promotion and rollback' : 'pinned by an operator'}</dd>
              <dt>Reason</dt>
              <dd>{route.reason || <span className="muted">—</span>}</dd>
            </dl>
          ) : (
            <p className="muted">
              No route yet: the LLM answers every call. Run <code>understudy loop</code> to train a specialist for this task.
            </p>
          )}
        </Section>
        <Section title="Why this verdict">
          {detail.reasons.length === 0 ? (
            <p className="muted">
              No replaceability report yet: run <code>understudy report</code>.
            </p>
          ) : (
            <ul className="reason-list">
              {detail.reasons.map((reason, index) => (
                <li key={`${index}:${reason}`}>{reason}</li>
              ))}
            </ul>
          )}
        </Section>
      </div>

      <Section title="Templates" aside={<span className="muted">slots are highlighted</span>}>
        {detail.templates.length === 0 ? (
          <p className="muted">No template was mined for this task (declared tasks get one after `understudy report`).</p>
        ) : (
          <div className="template-list">
            {detail.templates.map((template, index) => (
              <div className="template" key={index}>
                <div className="template-meta">
                  <Figure name={`template-calls:${index}`} value={template.calls}>
                    {formatCount(template.calls)} calls
                  </Figure>
                </div>
                <TemplateText segments={template.segments} />
              </div>
            ))}
          </div>
        )}
      </Section>

      <div className="two-columns">
        <Section title="Output shape">
          {detail.outputShape === null || detail.outputShape === undefined ? <p className="muted">Not inferred yet.</p> : <pre className="code-block">{formatJson(detail.outputShape)}</pre>}
        </Section>
        <EvaluationSection evaluation={detail.evaluation} />
      </div>

      <Section title="Recent examples" aside={<span className="muted">personal data and secrets redacted</span>}>
        {detail.examples.length === 0 ? (
          <p className="muted">No calls of this task are in the log.</p>
        ) : (
          <div className="example-list">
            {detail.examples.map((example) => (
              <details className="example" key={example.callId}>
                <summary>
                  <span className="muted" title={formatDateTime(example.at)}>
                    {formatRelative(example.at)}
                  </span>
                  <code className="example-id">{example.callId}</code>
                  <span className="badge badge-neutral">{example.route}</span>
                  <span className="example-preview">{preview(example.request)}</span>
                </summary>
                <div className="side-by-side">
                  <div>
                    <div className="pane-label">Request</div>
                    <pre className="code-block">{formatJson(example.request)}</pre>
                  </div>
                  <div>
                    <div className="pane-label">Response</div>
                    <pre className="code-block">{formatJson(example.response)}</pre>
                  </div>
                </div>
              </details>
            ))}
          </div>
        )}
      </Section>

      <Section title="Route history">
        <RouteHistory events={detail.events} />
      </Section>
    </>
  );
}

function Stat({ label, figure, value, children }: { label: string; figure: string; value: number | string | null; children: ReactNode }) {
  return (
    <div className="kpi kpi-compact">
      <div className="kpi-label">{label}</div>
      <Figure name={figure} value={value} className="kpi-value">
        {children}
      </Figure>
    </div>
  );
}

function TemplateText({ segments }: { segments: TemplateSegment[] }) {
  let slotNumber = 0;
  return (
    <div className="template-text">
      {segments.map((segment, index) =>
        segment.slot ? (
          <span className="slot-chip" key={index} title="variable slot">
            {slotLabel(segment.text, ++slotNumber)}
          </span>
        ) : (
          <span key={index}>{segment.text}</span>
        ),
      )}
    </div>
  );
}

/** `{{slot_2}}` → `slot_2`: the braces are template syntax, the chip already says it is a slot. */
function slotLabel(text: string, position: number): string {
  const name = text.replace(/^\{\{\s*|\s*\}\}$/g, '');
  return name || `slot_${position}`;
}

function RouteHistory({ events }: { events: RouteEvent[] }) {
  if (events.length === 0) return <EmptyState title="No route changes yet">Changes made here, by the loop or by the automatic governor appear in this list.</EmptyState>;
  const ordered = [...events].sort((left, right) => right.at - left.at);
  return (
    <table className="table">
      <thead>
        <tr>
          <th>When</th>
          <th>Change</th>
          <th>By</th>
          <th>Reason</th>
          <th>Figures</th>
        </tr>
      </thead>
      <tbody>
        {ordered.map((event) => (
          <tr key={event.id} data-testid={`route-event:${event.id}`}>
            <td className="nowrap" title={formatDateTime(event.at)}>
              {formatRelative(event.at)}
            </td>
            <td className="nowrap">
              {event.fromMode ? <RouteModeBadge mode={event.fromMode} /> : <span className="muted">new</span>} <span className="muted">→</span> <RouteModeBadge mode={event.toMode} />
            </td>
            <td>{event.actor}</td>
            <td>{event.reason}</td>
            <td className="figures-cell">
              {Object.entries(event.figures).map(([name, value]) => (
                <span className="figure-pill" key={name}>
                  {name} <strong>{Number.isInteger(value) ? formatCount(value) : value.toFixed(3)}</strong>
                </span>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The request text on one line, shortened, for the collapsed example row. */
function preview(request: string): string {
  const text = request.replace(/\s+/g, ' ').trim();
  return text.length > 140 ? `${text.slice(0, 140)}…` : text;
}
