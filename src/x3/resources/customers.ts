import { z } from 'zod';
import { keySegment, resourceUrl } from '../sdata/keys.js';
import { dimension, int, lines, refTitle, text, textLines, type X3Record } from '../sdata/normalize.js';
import { lineModel, recordModel } from './model.js';
import { Resource, parseInput, type ResourceContext } from './resource.js';

export interface CustomerAddress {
  code: string | null;
  lines: string[];
  postalCode: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  phone: string | null;
  email: string | null;
  isDefault: boolean;
  /** X3's line id; needed to change this address rather than add one. */
  uuid: string | null;
  readonly raw: X3Record;
}

export interface Customer {
  code: string;
  name: string | null;
  nameLines: string[];
  shortName: string | null;
  category: string | null;
  active: boolean | null;
  currency: string | null;
  currencyName: string | null;
  paymentTerms: string | null;
  taxRule: string | null;
  billToCustomer: string | null;
  defaultAddressCode: string | null;
  country: string | null;
  salesReps: string[];
  addresses: CustomerAddress[];
  billingAddress: CustomerAddress | null;
  createdAt: string | null;
  updatedAt: string | null;
  readonly raw: X3Record;
}

export interface CustomerFilters {
  updatedSince?: Date | string;
  /** Code or name contains the term (case-insensitive). */
  search?: string;
  country?: string;
}

function mapAddress(raw: X3Record): CustomerAddress {
  return lineModel(raw, {
    code: text(raw.BPAADD),
    lines: textLines(raw, 'BPAADDLIG'),
    postalCode: text(raw.POSCOD),
    city: text(raw.CTY),
    region: text(raw.SAT),
    country: text(raw.CRY),
    phone: text(raw.TEL),
    email: text(raw.WEB),
    isDefault: int(raw.BPAADDFLG) === 2,
  });
}

export function mapCustomer(raw: X3Record): Customer {
  const addresses = lines(raw, 'BPCBPA').map(mapAddress);
  const defaultCode = text(raw.BPAADD);
  const billing =
    addresses.find((a) => defaultCode !== null && a.code === defaultCode) ??
    addresses.find((a) => a.isDefault) ??
    null;
  const status = int(raw.BPCSTA);
  const nameLines = textLines(raw, 'BPCNAM');
  return recordModel(raw, {
    code: text(raw.BPCNUM) ?? '',
    name: text(dimension(raw, 'BPCNAM')[0]) ?? nameLines[0] ?? null,
    nameLines,
    shortName: text(raw.BPCSHO),
    category: text(raw.BCGCOD),
    active: status === 2 ? true : status === 1 ? false : null,
    currency: text(raw.CUR),
    currencyName: refTitle(raw, 'CUR'),
    paymentTerms: text(raw.PTE),
    taxRule: text(raw.VACBPR),
    billToCustomer: text(raw.BPCINV),
    defaultAddressCode: defaultCode,
    country: text(raw.CRY),
    salesReps: textLines(raw, 'REP'),
    addresses,
    billingAddress: billing,
  });
}

const code = z.string().regex(/^[A-Z0-9_-]{1,15}$/, 'upper-case letters, digits, - and _, at most 15');
const short = (max: number) => z.string().trim().min(1).max(max);
const countryCode = z.string().regex(/^[A-Z]{2}$/, 'two upper-case letters');

const addressSchema = z.object({
  code: z.string().regex(/^[A-Z0-9_-]{1,5}$/, 'upper-case letters, digits, - and _, at most 5'),
  lines: z.array(z.string().max(50)).max(3).optional(),
  postalCode: short(10).optional(),
  city: short(40).optional(),
  region: short(35).optional(),
  country: countryCode.optional(),
  phone: short(40).optional(),
  email: z.email().optional(),
  isDefault: z.boolean().optional(),
});

const customerFields = {
  name: short(35),
  nameLines: z.array(z.string().max(35)).min(1).max(2).optional(),
  shortName: short(10).optional(),
  category: short(5).optional(),
  active: z.boolean().optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO currency code'),
  paymentTerms: short(15).optional(),
  taxRule: short(5).optional(),
  country: countryCode.optional(),
  billToCustomer: code.optional(),
  defaultAddressCode: z
    .string()
    .regex(/^[A-Z0-9_-]{1,5}$/)
    .optional(),
  salesReps: z.array(short(15)).max(2).optional(),
  addresses: z.array(addressSchema).max(50).optional(),
};

export const customerCreateSchema = z.object({ code, ...customerFields }).strict();
export const customerUpdateSchema = z
  .object({
    ...customerFields,
    name: customerFields.name.optional(),
    currency: customerFields.currency.optional(),
  })
  .strict();

export type CustomerCreate = z.input<typeof customerCreateSchema>;
export type CustomerUpdate = z.input<typeof customerUpdateSchema>;
export type CustomerAddressInput = z.input<typeof addressSchema>;

function addressBody(a: z.output<typeof addressSchema>): Record<string, unknown> {
  const body: Record<string, unknown> = { BPAADD: a.code };
  if (a.lines !== undefined) body.BPAADDLIG = a.lines;
  if (a.postalCode !== undefined) body.POSCOD = a.postalCode;
  if (a.city !== undefined) body.CTY = a.city;
  if (a.region !== undefined) body.SAT = a.region;
  if (a.country !== undefined) body.CRY = a.country;
  if (a.phone !== undefined) body.TEL = a.phone;
  if (a.email !== undefined) body.WEB = a.email;
  if (a.isDefault !== undefined) body.BPAADDFLG = a.isDefault ? 2 : 1;
  return body;
}

/** X3 properties for the header fields present in `input` (addresses excluded). */
function headerBody(input: z.output<typeof customerUpdateSchema>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (input.nameLines !== undefined || input.name !== undefined) {
    const lines = [...(input.nameLines ?? [])];
    if (input.name !== undefined) lines[0] = input.name;
    body.BPCNAM = lines;
  }
  const simple: [keyof typeof input, string][] = [
    ['shortName', 'BPCSHO'],
    ['category', 'BCGCOD'],
    ['currency', 'CUR'],
    ['paymentTerms', 'PTE'],
    ['taxRule', 'VACBPR'],
    ['country', 'CRY'],
    ['billToCustomer', 'BPCINV'],
    ['defaultAddressCode', 'BPAADD'],
  ];
  for (const [field, prop] of simple) if (input[field] !== undefined) body[prop] = input[field];
  if (input.salesReps !== undefined) body.REP = input.salesReps;
  if (input.active !== undefined) body.BPCSTA = input.active ? 2 : 1;
  return body;
}

/** Compares an X3 value with a desired one the way X3 stores them (blank = absent, arrays by line). */
function sameValue(current: X3Record, prop: string, desired: unknown): boolean {
  if (Array.isArray(desired)) {
    const have = textLines(current, prop);
    const want = desired.map(text).filter((s): s is string => s !== null);
    return have.length === want.length && have.every((v, i) => v === want[i]);
  }
  return text(current[prop]) === text(desired);
}

function changedOnly(current: X3Record, desired: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(desired).filter(([prop, value]) => !sameValue(current, prop, value)),
  );
}

export class Customers extends Resource<Customer, CustomerFilters> {
  constructor(ctx: ResourceContext) {
    super(ctx, {
      cls: 'BPCUSTOMER',
      keyParts: 1,
      map: mapCustomer,
      filters: {
        updatedSince: true,
        equals: { country: 'CRY' },
        search: ['BPCNUM', 'BPCNAM'],
      },
    });
  }

  /** Creates a customer (BPCUSTOMER `$create`); returns the record as X3 saved it. */
  async create(input: CustomerCreate): Promise<Customer> {
    const data = parseInput(customerCreateSchema, input, 'customer');
    const body: Record<string, unknown> = { BPCNUM: data.code, ...headerBody(data) };
    if (data.addresses !== undefined) body.BPCBPA = data.addresses.map(addressBody);
    const url = resourceUrl(this.ctx.folderBase, 'BPCUSTOMER', 'BPCUSTOMER', '$create');
    const answer = await this.ctx.transport.write('POST', url, body);
    const saved = answer.body as X3Record | undefined;
    return saved !== undefined && text(saved.BPCNUM) !== null ? mapCustomer(saved) : this.get(data.code);
  }

  /**
   * Changes a customer: reads it for edit, sends only the properties that differ, and matches
   * addresses by code so that existing ones are changed (by `$uuid`) rather than added.
   * Returns the state X3 answered with, after its business rules.
   */
  async update(customerCode: string, patch: CustomerUpdate): Promise<Customer> {
    const data = parseInput(customerUpdateSchema, patch, 'customer update');
    const editUrl = resourceUrl(
      this.ctx.folderBase,
      keySegment('BPCUSTOMER', customerCode),
      'BPCUSTOMER',
      '$edit',
    );
    const current = ((await this.ctx.transport.read(editUrl)).body ?? {}) as X3Record;
    const body = changedOnly(current, headerBody(data));
    if (data.addresses !== undefined) {
      const existing = lines(current, 'BPCBPA');
      const changedLines: Record<string, unknown>[] = [];
      for (const address of data.addresses) {
        const desired = addressBody(address);
        const match = existing.find((l) => text(l.BPAADD) === address.code);
        if (match === undefined) {
          changedLines.push(desired);
          continue;
        }
        const diff = changedOnly(match, desired);
        if (Object.keys(diff).length > 0) changedLines.push({ $uuid: match.$uuid, ...diff });
      }
      if (changedLines.length > 0) body.BPCBPA = changedLines;
    }
    if (Object.keys(body).length === 0) return mapCustomer(current);
    const answer = await this.ctx.transport.write('PUT', editUrl, body);
    return mapCustomer((answer.body ?? current) as X3Record);
  }
}
