import { ApiError, type AuthType, type CheckResult, type CheckStep } from './api';

export const stepLabels: Record<string, string> = {
  token: 'Get an access token',
  test_read: 'Read one customer (BPCUSTOMER) in the folder',
};

/** What the person can do about each failure, in the words of the screen they are on. */
export function fixFor(
  code: string | null | undefined,
  authType: AuthType = 'client_credentials',
): string | null {
  switch (code) {
    case 'x3_auth_failed':
      if (authType === 'basic')
        return 'X3 refused the user name or password. Check the web-service user and its password in X3 (Setup > Users), and that basic authentication is enabled on this X3 server.';
      if (authType === 'connected_app')
        return "X3 refused the signed token. Check the connected application's client ID, secret and allowed user in X3 (Administration > Settings > Authentication > Connected applications), and the server clock.";
      return "X3 refused the client credentials. Check the client ID and secret against the OAuth client in X3's web service configuration; a secret regenerated in X3 makes the old one stop working.";
    case 'x3_folder_not_found':
      return 'The folder (dossier) code is not known on this X3 server. Check the folder code in X3: upper-case letters, digits and _, for example ALDGATE.';
    case 'x3_unreachable':
      return "x3bridge could not reach the host. Check the URL and port (8124 by default), and that X3 accepts connections from x3bridge's address (firewall, VPN, TLS certificate).";
    case 'invalid_host':
      return 'This host is not allowed: private and loopback addresses are refused unless the operator lists them in X3BRIDGE_ALLOW_PRIVATE_HOSTS. Use the public host name of the X3 server.';
    case 'x3_permission_denied':
      return 'The credentials work, but this X3 user may not read customers in the folder. Give the web-service user access to the folder and to BPCUSTOMER.';
    case 'x3_unavailable':
      return "X3 answered busy or with a server error. Try again in a minute; if it persists, check X3's web-service pool.";
    case 'x3_rejected':
      return 'X3 refused the request: see its messages below.';
    case 'invalid_body':
      return 'Some fields are missing or malformed: see the details below.';
    default:
      return null;
  }
}

export interface StepView extends CheckStep {
  state: 'ok' | 'failed' | 'skipped' | 'running' | 'idle';
  fix: string | null;
}

const STEPS = ['token', 'test_read'] as const;

export function pendingSteps(state: 'idle' | 'running'): StepView[] {
  return STEPS.map((step, i) => ({
    step,
    ok: false,
    state: state === 'running' && i === 0 ? 'running' : 'idle',
    fix: null,
  }));
}

/** Turns a check answer, or the 422 that carried it, into one row per step. */
export function stepsFrom(
  result: CheckResult | null,
  error: unknown,
  authType: AuthType,
): { steps: StepView[]; errorCode: string | null } {
  const api = error instanceof ApiError ? error : null;
  const details = readDetails(api?.details);
  const checks = result?.checks ?? details.checks ?? [];
  const errorCode = api?.code ?? null;
  // The server's own fix knows the cause best (refused port, bad TLS…); ours is the fallback.
  const fixOf = (code: string | null) => details.fix ?? fixFor(code, authType);
  const byStep = new Map(checks.map((c) => [c.step, c]));
  let failedSeen = false;
  const steps: StepView[] = STEPS.map((step) => {
    const c = byStep.get(step);
    if (!c) {
      if (api && details.step === step) {
        failedSeen = true;
        return {
          step,
          ok: false,
          code: errorCode,
          message: api.message,
          state: 'failed',
          fix: fixOf(errorCode),
        };
      }
      return { step, ok: false, state: failedSeen || api ? 'skipped' : 'idle', fix: null };
    }
    if (c.ok) return { ...c, state: 'ok', fix: null };
    failedSeen = true;
    const code = c.code ?? errorCode;
    return { ...c, message: c.message ?? api?.message, code, state: 'failed', fix: fixOf(code) };
  });
  return { steps, errorCode };
}

function readDetails(details: unknown): {
  checks: CheckStep[] | null;
  fix: string | null;
  step: string | null;
} {
  if (!details || typeof details !== 'object') return { checks: null, fix: null, step: null };
  const d = details as { checks?: unknown; fix?: unknown; step?: unknown };
  return {
    checks: Array.isArray(d.checks) ? (d.checks as CheckStep[]) : null,
    fix: typeof d.fix === 'string' && d.fix ? d.fix : null,
    step: typeof d.step === 'string' ? d.step : null,
  };
}

/** The host URL as the API stores it: trimmed, without the trailing slash people paste. */
export function normalizeBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/** X3 folder codes are upper case; people type them any way. */
export function normalizeFolder(folder: string): string {
  return folder.trim().toUpperCase();
}
