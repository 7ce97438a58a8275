import type { X3Diagnosis } from '../errors.js';

const SEVERITIES = new Set(['info', 'warning', 'transient', 'error', 'fatal']);

function one(raw: unknown, linePath?: string): X3Diagnosis | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const d = raw as Record<string, unknown>;
  const sev = String(d.$severity ?? d.severity ?? 'error').toLowerCase();
  const diagnosis: X3Diagnosis = {
    severity: (SEVERITIES.has(sev) ? sev : 'error') as X3Diagnosis['severity'],
    message: String(d.$message ?? d.message ?? '').trim(),
  };
  if (typeof d.$sdataCode === 'string') diagnosis.sdataCode = d.$sdataCode;
  if (d.$applicationCode !== undefined) diagnosis.applicationCode = String(d.$applicationCode);
  if (typeof d.$payloadPath === 'string') diagnosis.payloadPath = d.$payloadPath;
  if (linePath !== undefined) diagnosis.linePath = linePath;
  return diagnosis;
}

function list(value: unknown, linePath?: string): X3Diagnosis[] {
  if (!Array.isArray(value)) return [];
  return value.map((d) => one(d, linePath)).filter((d): d is X3Diagnosis => d !== undefined);
}

/**
 * Every diagnosis in a body: the top-level `$diagnoses` and those of embedded lines (arrays of
 * objects one level down), since X3 may report a line's problem only on that line.
 */
export function collectDiagnoses(body: unknown): X3Diagnosis[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return [];
  const record = body as Record<string, unknown>;
  const found = list(record.$diagnoses);
  for (const name in record) {
    const value = record[name];
    if (!Array.isArray(value) || name.startsWith('$')) continue;
    value.forEach((line, index) => {
      if (line !== null && typeof line === 'object' && '$diagnoses' in line) {
        found.push(...list((line as Record<string, unknown>).$diagnoses, `${name}[${index}]`));
      }
    });
  }
  return found;
}

export function isFailure(d: X3Diagnosis): boolean {
  return d.severity === 'error' || d.severity === 'fatal';
}

/** X3's "721 : Record does not exist", which can arrive with a 200. */
export function isRecordMissing(d: X3Diagnosis): boolean {
  return (
    /^\s*721\b/.test(d.message) || d.applicationCode === '721' || /record does not exist/i.test(d.message)
  );
}

export function isTransient(d: X3Diagnosis): boolean {
  return d.severity === 'transient';
}

export function describeDiagnoses(diagnoses: readonly X3Diagnosis[]): string {
  const failing = diagnoses.filter(isFailure);
  const shown = (failing.length > 0 ? failing : diagnoses)
    .slice(0, 3)
    .map((d) => d.message || d.sdataCode || d.severity);
  return shown.join('; ');
}
