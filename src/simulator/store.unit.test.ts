import { describe, expect, it } from 'vitest';
import { generatedItems, generatedStock } from './generator.js';
import { CLASSES } from './schema.js';
import { ClassStore } from './store.js';

const ITMMASTER = CLASSES.get('ITMMASTER')!;
const ITMMVT = CLASSES.get('ITMMVT')!;
const keys = (it: Iterable<Record<string, unknown>>) => [...it].map((r) => r.ITMREF as string);

describe('ClassStore over a generated source', () => {
  function store(): ClassStore {
    const s = new ClassStore(ITMMASTER, generatedItems(5));
    s.put({ ITMREF: 'BOX-A' });
    s.put({ ITMREF: 'ZIP-1' });
    return s;
  }

  it('merges generated and held records in key order', () => {
    expect(keys(store().scan())).toEqual([
      'BOX-A',
      'ITM0000001',
      'ITM0000002',
      'ITM0000003',
      'ITM0000004',
      'ITM0000005',
      'ZIP-1',
    ]);
  });

  it('seeks after and before a key, both ways', () => {
    const s = store();
    expect(keys(s.scan({ after: 'ITM0000003' }))).toEqual(['ITM0000004', 'ITM0000005', 'ZIP-1']);
    expect(keys(s.scan({ after: 'ITM0000003x' }))).toEqual(['ITM0000004', 'ITM0000005', 'ZIP-1']);
    expect(keys(s.scan({ before: 'ITM0000002', descending: true }))).toEqual(['ITM0000001', 'BOX-A']);
    expect(keys(s.scan({ descending: true }))[0]).toBe('ZIP-1');
  });

  it('lets a changed generated record replace the generated one, once', () => {
    const s = store();
    s.put({ ...s.get('ITM0000002')!, ITMDES1: 'changed' });
    const all = [...s.scan()];
    expect(all.filter((r) => r.ITMREF === 'ITM0000002')).toHaveLength(1);
    expect(s.get('ITM0000002')!.ITMDES1).toBe('changed');
    expect([...s.scan({ descending: true })].filter((r) => r.ITMREF === 'ITM0000002')[0]!.ITMDES1).toBe(
      'changed',
    );
  });

  it('hides deleted records, generated or held', () => {
    const s = store();
    expect(s.delete('ITM0000003')).toBe(true);
    expect(s.delete('BOX-A')).toBe(true);
    expect(s.delete('NOPE')).toBe(false);
    expect(s.get('ITM0000003')).toBeUndefined();
    expect(keys(s.scan())).toEqual(['ITM0000001', 'ITM0000002', 'ITM0000004', 'ITM0000005', 'ZIP-1']);
    s.put({ ITMREF: 'ITM0000003', ITMDES1: 'back' });
    expect(s.get('ITM0000003')!.ITMDES1).toBe('back');
  });

  it('finds a generated key by position and refuses look-alikes', () => {
    const source = generatedItems(5);
    expect(source.indexOf('ITM0000005')).toBe(4);
    expect(source.indexOf('ITM0000006')).toBe(-1);
    expect(source.indexOf('ITM000000a')).toBe(-1);
    expect(source.recordAt(2)).toEqual(source.recordAt(2));
  });
});

describe('composite keys', () => {
  it('scans one item’s stock rows by key prefix', () => {
    const s = new ClassStore(ITMMVT, generatedStock(3, ['S1', 'S2']));
    s.put({ ITMREF: 'ITM0000002', STOFCY: 'S3' });
    const rows = [...s.scan({ prefix: 'ITM0000002~' })].map((r) => `${String(r.ITMREF)}~${String(r.STOFCY)}`);
    expect(rows).toEqual(['ITM0000002~S1', 'ITM0000002~S2', 'ITM0000002~S3']);
    const back = [...s.scan({ prefix: 'ITM0000002~', descending: true })].map((r) => r.STOFCY);
    expect(back).toEqual(['S3', 'S2', 'S1']);
  });
});

describe('secondary index', () => {
  it('follows changes of an indexed property', () => {
    const s = new ClassStore(CLASSES.get('SORDER')!);
    s.put({ SOHNUM: 'SO1', CUSORDREF: 'Q-1', BPCORD: 'C1' });
    s.put({ SOHNUM: 'SO2', CUSORDREF: 'Q-2', BPCORD: 'C1' });
    expect(s.lookup('CUSORDREF', 'Q-1')).toEqual(['SO1']);
    s.put({ SOHNUM: 'SO1', CUSORDREF: 'Q-9', BPCORD: 'C1' });
    expect(s.lookup('CUSORDREF', 'Q-1')).toEqual([]);
    expect(s.lookup('BPCORD', 'C1')).toEqual(['SO1', 'SO2']);
    expect(s.lookup('ORDDAT', '2026-01-01')).toBeUndefined();
  });
});
