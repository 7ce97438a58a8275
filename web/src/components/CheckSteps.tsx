import { stepLabels, type StepView } from '../checks';

const icons: Record<StepView['state'], string> = {
  ok: '✓',
  failed: '✕',
  skipped: '–',
  running: '',
  idle: '○',
};

export function CheckSteps({ steps }: { steps: StepView[] }) {
  return (
    <ol className="steps" aria-live="polite" data-testid="check-steps">
      {steps.map((s) => (
        <li key={s.step} className={`step step-${s.state}`} data-step={s.step} data-state={s.state}>
          <span className="step-icon" aria-hidden="true">
            {s.state === 'running' ? <span className="spinner" /> : icons[s.state]}
          </span>
          <div className="step-body">
            <div className="step-title">
              <span>{stepLabels[s.step] ?? s.step}</span>
              <span className="step-meta">
                {s.state === 'ok' || s.state === 'failed'
                  ? typeof s.ms === 'number'
                    ? `${Math.round(s.ms)} ms`
                    : ''
                  : s.state === 'running'
                    ? 'running…'
                    : s.state === 'skipped'
                      ? 'not run'
                      : ''}
              </span>
            </div>
            {s.state === 'failed' ? (
              <>
                {s.message ? <p className="step-message">{s.message}</p> : null}
                {s.code ? <code className="error-code">{s.code}</code> : null}
                {s.fix ? <p className="fix">{s.fix}</p> : null}
              </>
            ) : null}
          </div>
        </li>
      ))}
    </ol>
  );
}
