import { text, withRaw, yesNo, type X3Record } from '../sdata/normalize.js';
import { Resource, type ResourceContext } from './resource.js';

export interface Site {
  code: string;
  name: string | null;
  company: string | null;
  country: string | null;
  isSalesSite: boolean | null;
  isStorageSite: boolean | null;
  readonly raw: X3Record;
}

export interface SiteFilters {
  search?: string;
}

export function mapSite(raw: X3Record): Site {
  return withRaw(
    {
      code: text(raw.FCY) ?? '',
      name: text(raw.FCYNAM),
      company: text(raw.LEGCPY),
      country: text(raw.CRY),
      isSalesSite: yesNo(raw.SALFLG),
      isStorageSite: yesNo(raw.STOFLG),
    },
    raw,
  );
}

export class Sites extends Resource<Site, SiteFilters> {
  constructor(ctx: ResourceContext) {
    super(ctx, {
      cls: 'FACILITY',
      keyParts: 1,
      map: mapSite,
      filters: { search: ['FCY', 'FCYNAM'] },
    });
  }
}
