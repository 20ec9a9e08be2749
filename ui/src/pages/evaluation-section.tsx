import type { StoredEvaluation } from '../api/contract-types.ts';
import { Badge } from '../components/badge.tsx';
import { Figure } from '../components/figure.tsx';
import { Section } from '../components/page-header.tsx';
import { formatCount, formatDateTime, formatJson, formatPercent, formatRelative } from '../lib/format.ts';

/** The current specialist's latest offline evaluation, with its failing examples side by side. */
export function EvaluationSection({ evaluation }: { evaluation: StoredEvaluation | null }) {
  if (!evaluation) {
    return (
      <Section title="Latest evaluation">
        <p className="muted">
          No evaluation of a specialist for this task yet. <code>understudy loop</code> trains and evaluates one; <code>understudy eval</code> re-runs an evaluation.
        </p>
      </Section>
    );
  }
  return (
    <Section
      title="Latest evaluation"
      aside={
        <span className="badge-row">
          <Badge tone={evaluation.passed ? 'green' : 'red'}>{evaluation.passed ? 'passed' : 'failed'}</Badge>
          <span className="muted" title={formatDateTime(evaluation.createdAt)}>
            {formatRelative(evaluation.createdAt)}
          </span>
        </span>
      }
    >
      <div className="stat-row">
        <div>
          <div className="kpi-label">Agreement</div>
          <Figure name="evaluation-agreement" value={evaluation.agreement} className="stat-value">
            {formatPercent(evaluation.agreement)}
          </Figure>
          {evaluation.threshold !== null ? <div className="kpi-hint">threshold {formatPercent(evaluation.threshold)}</div> : null}
        </div>
        <div>
          <div className="kpi-label">Valid outputs</div>
          <Figure name="evaluation-valid-rate" value={evaluation.validRate} className="stat-value">
            {formatPercent(evaluation.validRate)}
          </Figure>
        </div>
        <div>
          <div className="kpi-label">Examples</div>
          <Figure name="evaluation-examples" value={evaluation.examples} className="stat-value">
            {formatCount(evaluation.examples)}
          </Figure>
        </div>
        <div>
          <div className="kpi-label">Coverage</div>
          <Figure name="evaluation-coverage" value={evaluation.coverage} className="stat-value">
            {formatPercent(evaluation.coverage)}
          </Figure>
        </div>
      </div>
      <p className="muted small">
        Metric <code>{evaluation.metric}</code> · specialist <code>{evaluation.specialistId}</code>
      </p>
      {evaluation.failures.length === 0 ? (
        <p className="muted">No failing examples.</p>
      ) : (
        <div className="failure-list">
          <div className="pane-label">
            Failing examples ({formatCount(evaluation.failures.length)})
          </div>
          {evaluation.failures.map((failure, index) => (
            <details className="example" key={index} open={index === 0}>
              <summary>
                <span className="badge badge-red">score {failure.score.toFixed(2)}</span>
                <span className="example-preview">{failure.reason}</span>
              </summary>
              <pre className="code-block code-block-small">{formatJson(failure.input)}</pre>
              <div className="side-by-side">
                <div>
                  <div className="pane-label">Expected (LLM)</div>
                  <pre className="code-block diff-expected">{formatJson(failure.expected)}</pre>
                </div>
                <div>
                  <div className="pane-label">Specialist</div>
                  <pre className="code-block diff-actual">{formatJson(failure.actual)}</pre>
                </div>
              </div>
            </details>
          ))}
        </div>
      )}
    </Section>
  );
}
