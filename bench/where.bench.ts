// Compiled SData where predicates against hand-written JavaScript predicates over the same
// 1,000,000 synthetic sales orders. Figures are ratios measured in this one run (best of
// several passes each), so they compare like with like on whatever machine runs it.
import { compileWhere, parseWhere } from '../src/simulator/sdata/where.js';
import { compareBy, parseOrderBy } from '../src/simulator/sdata/order-by.js';

type Rec = Record<string, unknown>;
const COUNT = 1_000_000;
const PASSES = 7;

function makeRecords(): Rec[] {
  const records: Rec[] = new Array<Rec>(COUNT);
  // mulberry32: a small seeded generator whose low bits are usable with `%`.
  let seed = 42;
  const next = (): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
  const day0 = Date.UTC(2026, 0, 1);
  for (let i = 0; i < COUNT; i++) {
    const at = new Date(day0 + (next() % (365 * 86400)) * 1000).toISOString().replace('.000Z', 'Z');
    records[i] = {
      SOHNUM: `SOALD01${String(i).padStart(7, '0')}`,
      BPCORD: `C${String(next() % 5000).padStart(4, '0')}`,
      BPCNAM: [next() % 7 === 0 ? 'Aldgate Packaging Ltd' : 'Thames Freight', ' '],
      ORDSTA: (next() % 2) + 1,
      DLVSTA: (next() % 3) + 1,
      ORDNOT: `${next() % 5000}.${String(next() % 100).padStart(2, '0')}`,
      CUSORDREF: next() % 3 === 0 ? ' ' : `Q-${next() % 100000}`,
      ORDDAT: at.slice(0, 10),
      UPDDATTIM: at,
    };
  }
  return records;
}

function countKept(records: Rec[], predicate: (r: Rec) => boolean): { ms: number; kept: number } {
  const start = process.hrtime.bigint();
  let kept = 0;
  for (let i = 0; i < records.length; i++) if (predicate(records[i]!)) kept++;
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, kept };
}

/** Alternates the two predicates pass by pass, so that load from other processes hits both alike. */
function race(
  records: Rec[],
  a: (r: Rec) => boolean,
  b: (r: Rec) => boolean,
): [number, number, number, number] {
  let bestA = Infinity;
  let bestB = Infinity;
  let keptA = 0;
  let keptB = 0;
  for (let pass = 0; pass < PASSES; pass++) {
    const ra = countKept(records, a);
    const rb = countKept(records, b);
    [bestA, bestB, keptA, keptB] = [Math.min(bestA, ra.ms), Math.min(bestB, rb.ms), ra.kept, rb.kept];
  }
  return [bestA, bestB, keptA, keptB];
}

const cases: { where: string; byHand: (r: Rec) => boolean }[] = [
  { where: "BPCORD eq 'C0042'", byHand: (r) => r.BPCORD === 'C0042' },
  {
    where: "BPCORD eq 'C0042' and ORDNOT gt 100",
    byHand: (r) => r.BPCORD === 'C0042' && Number(r.ORDNOT) > 100,
  },
  {
    where: 'ORDNOT between 100 and 200.5',
    byHand: (r) => Number(r.ORDNOT) >= 100 && Number(r.ORDNOT) <= 200.5,
  },
  {
    where: 'ORDSTA in (1, 2) and DLVSTA ne 3',
    byHand: (r) => (r.ORDSTA === 1 || r.ORDSTA === 2) && r.DLVSTA !== 3,
  },
  { where: "ORDSTA eq '1'", byHand: (r) => r.ORDSTA === 1 },
  {
    where: 'UPDDATTIM ge @2026-06-01T00:00:00Z@',
    byHand: (r) => (r.UPDDATTIM as string) >= '2026-06-01T00:00:00Z',
  },
  {
    where: 'ORDDAT between @2026-03-01@ and @2026-03-31@',
    byHand: (r) => (r.ORDDAT as string) >= '2026-03-01' && (r.ORDDAT as string) <= '2026-03-31',
  },
  {
    where: "CUSORDREF eq ''",
    byHand: (r) => r.CUSORDREF === ' ' || r.CUSORDREF === '' || r.CUSORDREF == null,
  },
  {
    where: "upper(BPCNAM) like '%PACK%'",
    byHand: (r) => (r.BPCNAM as string[])[0]!.toUpperCase().includes('PACK'),
  },
];

const records = makeRecords();
console.log(`where over ${COUNT.toLocaleString('en')} records, best of ${PASSES} passes`);
console.log(
  [
    'clause'.padEnd(46),
    'kept'.padStart(8),
    'compiled ms'.padStart(12),
    'by hand ms'.padStart(11),
    'ratio'.padStart(6),
  ].join(' '),
);
for (const { where, byHand } of cases) {
  const compiled = compileWhere(parseWhere(where));
  const [msCompiled, msByHand, kept, keptByHand] = race(records, compiled, byHand);
  if (kept !== keptByHand) {
    throw new Error(`"${where}" kept ${kept} records but the hand-written predicate kept ${keptByHand}`);
  }
  console.log(
    [
      where.padEnd(46),
      String(kept).padStart(8),
      msCompiled.toFixed(1).padStart(12),
      msByHand.toFixed(1).padStart(11),
      (msCompiled / msByHand).toFixed(2).padStart(6),
    ].join(' '),
  );
}

const sortTerms = parseOrderBy('ORDNOT desc, SOHNUM');
const sample = records.slice(0, 200_000);
const start = process.hrtime.bigint();
[...sample].sort(compareBy(sortTerms));
const sortMs = Number(process.hrtime.bigint() - start) / 1e6;
const startByHand = process.hrtime.bigint();
[...sample].sort(
  (x, y) => Number(y.ORDNOT) - Number(x.ORDNOT) || ((x.SOHNUM as string) < (y.SOHNUM as string) ? -1 : 1),
);
const byHandMs = Number(process.hrtime.bigint() - startByHand) / 1e6;
console.log(
  `orderBy 'ORDNOT desc, SOHNUM' over ${sample.length.toLocaleString('en')} records: compareBy ${sortMs.toFixed(0)} ms, by hand ${byHandMs.toFixed(0)} ms, ratio ${(sortMs / byHandMs).toFixed(2)}`,
);
