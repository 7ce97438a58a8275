// BPCUSTOMER writes: create, partial update (addresses matched by `$uuid`, added without one)
// and delete, with the checks X3 makes on a business partner.
import { storeOf } from './folder.js';
import { CLASSES } from './schema.js';
import { BusinessRefusal, clone, stampWrite, type WriteContext } from './rules.js';
import type { Diagnosis, X3Record } from './types.js';
import { BLANK, isBlank, stableUuid } from './util.js';
import { error, missingMandatory, readWriteBody } from './write-input.js';

const BPCUSTOMER = CLASSES.get('BPCUSTOMER')!;
const CODE = /^[A-Z0-9_-]+$/;

function checkReferences(ctx: WriteContext, v: X3Record, out: Diagnosis[]): void {
  const t = ctx.folder.titles;
  if (v.CUR !== undefined && !t.currency[String(v.CUR)])
    out.push(error(`Currency ${String(v.CUR)} does not exist`, 'CUR'));
  if (v.PTE !== undefined && !t.paymentTerms[String(v.PTE)]) {
    out.push(error(`Payment term ${String(v.PTE)} does not exist`, 'PTE'));
  }
  if (v.VACBPR !== undefined && !t.taxRule[String(v.VACBPR)]) {
    out.push(error(`Tax rule ${String(v.VACBPR)} does not exist`, 'VACBPR'));
  }
  if (v.BPCSTA !== undefined && v.BPCSTA !== 1 && v.BPCSTA !== 2)
    out.push(error('BPCSTA: 1 or 2 expected', 'BPCSTA'));
}

function addressDefaults(ctx: WriteContext, code: string, sent: X3Record, country: unknown): X3Record {
  const lines = Array.isArray(sent.BPAADDLIG) ? [...(sent.BPAADDLIG as unknown[])] : [];
  while (lines.length < 3) lines.push(BLANK);
  return {
    $uuid: stableUuid(`${ctx.folder.code}/BPCUSTOMER/${code}/${String(sent.BPAADD)}`),
    BPAADD: sent.BPAADD,
    BPAADDLIG: lines,
    POSCOD: sent.POSCOD ?? BLANK,
    CTY: sent.CTY ?? BLANK,
    SAT: sent.SAT ?? BLANK,
    CRY: sent.CRY ?? country ?? 'GB',
    TEL: sent.TEL ?? BLANK,
    WEB: sent.WEB ?? BLANK,
    BPAADDFLG: sent.BPAADDFLG ?? 1,
  };
}

function checkAddresses(addresses: X3Record[], defaultCode: unknown, out: Diagnosis[]): void {
  const codes = addresses.map((a) => String(a.BPAADD));
  codes.forEach((c, i) => {
    if (codes.indexOf(c) !== i) out.push(error(`Address ${c} appears twice`, `BPCBPA[${i}].BPAADD`));
  });
  if (!codes.includes(String(defaultCode)))
    out.push(error(`BPAADD: address ${String(defaultCode)} does not exist`, 'BPAADD'));
  if (!addresses.some((a) => a.BPAADDFLG === 2) && addresses[0]) addresses[0].BPAADDFLG = 2;
}

export function createCustomer(ctx: WriteContext, body: unknown): X3Record {
  const input = readWriteBody(BPCUSTOMER, body);
  const diagnoses = [...input.diagnoses];
  const v = input.values;
  diagnoses.push(...missingMandatory(BPCUSTOMER.props, v));
  if (diagnoses.length) throw new BusinessRefusal(diagnoses);
  const code = String(v.BPCNUM);
  if (!CODE.test(code)) diagnoses.push(error('BPCNUM: upper-case letters, digits, - and _ only', 'BPCNUM'));
  if (storeOf(ctx.folder, 'BPCUSTOMER').has(code))
    diagnoses.push(error(`Record already exists: ${code}`, 'BPCNUM'));
  checkReferences(ctx, v, diagnoses);
  const sentAddresses = input.lines ?? [];
  sentAddresses.forEach((a, i) =>
    diagnoses.push(...missingMandatory(BPCUSTOMER.lines!.props, a, `BPCBPA[${i}].`)),
  );
  if (diagnoses.length) throw new BusinessRefusal(diagnoses);

  const names = v.BPCNAM as string[];
  const country = v.CRY ?? 'GB';
  const addresses = (sentAddresses.length ? sentAddresses : [{ BPAADD: 'MAIN' }]).map((a) =>
    addressDefaults(ctx, code, a, country),
  );
  const record: X3Record = {
    BPCNUM: code,
    BPCNAM: [names[0], names[1] ?? BLANK],
    BPCSHO: v.BPCSHO ?? names[0]!.slice(0, 10),
    BCGCOD: v.BCGCOD ?? 'TRADE',
    BPCSTA: v.BPCSTA ?? 2,
    CUR: v.CUR,
    PTE: v.PTE ?? '30DAYS',
    VACBPR: v.VACBPR ?? 'DOM',
    BPCINV: isBlank(v.BPCINV) ? code : v.BPCINV,
    BPAADD: v.BPAADD ?? addresses[0]!.BPAADD,
    CRY: country,
    REP: Array.isArray(v.REP) ? [...(v.REP as unknown[]), BLANK, BLANK].slice(0, 2) : [BLANK, BLANK],
    ZCUSTREF: v.ZCUSTREF ?? BLANK,
    BPCBPA: addresses,
  };
  checkAddresses(addresses, record.BPAADD, diagnoses);
  if (diagnoses.length) throw new BusinessRefusal(diagnoses);
  stampWrite(ctx, record, true);
  storeOf(ctx.folder, 'BPCUSTOMER').put(record);
  return record;
}

/** Partial update: only the properties sent change; answers the full new state. */
export function updateCustomer(ctx: WriteContext, code: string, body: unknown): X3Record {
  const stored = storeOf(ctx.folder, 'BPCUSTOMER').get(code);
  if (!stored) throw new BusinessRefusal([error('721 : Record does not exist')]);
  const input = readWriteBody(BPCUSTOMER, body);
  const diagnoses = [...input.diagnoses];
  const v = input.values;
  if (v.BPCNUM !== undefined && v.BPCNUM !== code)
    diagnoses.push(error('BPCNUM: the key cannot be changed', 'BPCNUM'));
  checkReferences(ctx, v, diagnoses);
  const record = clone(stored);
  for (const [name, value] of Object.entries(v)) {
    if (name === '$uuid') continue;
    if (Array.isArray(value) && Array.isArray(record[name])) {
      const merged = [...(record[name] as unknown[])];
      value.forEach((x, i) => (merged[i] = x));
      record[name] = merged;
    } else record[name] = value;
  }
  if (Array.isArray(record.BPCNAM) && isBlank(record.BPCNAM[0]))
    diagnoses.push(error('BPCNAM: mandatory field', 'BPCNAM'));
  const addresses = record.BPCBPA as X3Record[];
  (input.lines ?? []).forEach((sent, i) => {
    const path = `BPCBPA[${i}]`;
    if (typeof sent.$uuid === 'string') {
      const target = addresses.find((a) => a.$uuid === sent.$uuid);
      if (!target)
        return void diagnoses.push(error(`Address line ${sent.$uuid} does not exist`, `${path}.$uuid`));
      for (const [name, value] of Object.entries(sent)) {
        if (name === '$uuid') continue;
        if (Array.isArray(value) && Array.isArray(target[name])) {
          const merged = [...(target[name] as unknown[])];
          value.forEach((x, k) => (merged[k] = x));
          target[name] = merged;
        } else target[name] = value;
      }
      return;
    }
    const missing = missingMandatory(BPCUSTOMER.lines!.props, sent, `${path}.`);
    if (missing.length) return void diagnoses.push(...missing);
    addresses.push(addressDefaults(ctx, code, sent, record.CRY));
  });
  checkAddresses(addresses, record.BPAADD, diagnoses);
  if (diagnoses.length) throw new BusinessRefusal(diagnoses);
  stampWrite(ctx, record, false);
  storeOf(ctx.folder, 'BPCUSTOMER').put(record);
  return record;
}

export function deleteCustomer(ctx: WriteContext, code: string): void {
  const customers = storeOf(ctx.folder, 'BPCUSTOMER');
  if (!customers.has(code)) throw new BusinessRefusal([error('721 : Record does not exist')]);
  const orders = storeOf(ctx.folder, 'SORDER').lookup('BPCORD', code) ?? [];
  if (orders.length) {
    throw new BusinessRefusal([
      error(`Customer ${code} cannot be deleted: it is used by sales order ${orders[0]}`),
    ]);
  }
  customers.delete(code);
}
