// Shapes shared by the simulator's modules. Records are kept in their canonical wire form
// (X3 property names, money as decimal strings, quantities as numbers, blanks as one space).

export type X3Value = string | number | null | X3Value[] | X3Line[] | { [k: string]: unknown };
export type X3Line = Record<string, unknown>;
export type X3Record = Record<string, unknown>;

export type Severity = 'info' | 'warning' | 'transient' | 'error' | 'fatal';

export interface Diagnosis {
  $severity: Severity;
  $message: string;
  $sdataCode?: string;
  $applicationCode?: string;
  $payloadPath?: string;
}

export type Facet = '$query' | '$details' | '$edit' | '$create' | '$lookup' | '$summary';

/** How a business refusal (a write breaking an X3 rule) is answered. */
export type RefusalStyle = 'status' | 'diagnosis';

export interface FolderAuthModes {
  oauth2: boolean;
  connectedApp: boolean;
  basic: boolean;
}

export interface FolderSettings {
  auth: FolderAuthModes;
  /** When false, SORDER behaves like a classic object whose REST representation cannot create. */
  salesOrderCreate: boolean;
  /**
   * `status`: refusals answer 400 with `$diagnoses`. `diagnosis`: they answer 201 (create) or
   * 200 (edit) carrying only an error diagnosis, a quirk some X3 installations show.
   */
  refusalStyle: RefusalStyle;
  /** Quantities are sent as numeric strings (`"500"`), as some X3 versions do. */
  numericStrings: boolean;
}

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  /** Classes this client may not touch (403 with a diagnosis). */
  deniedClasses?: string[];
}

export interface ConnectedApp {
  clientId: string;
  secret: string;
  user: string;
  /** Largest accepted `exp - iat`, in seconds. */
  tokenValiditySeconds?: number;
  /** Accepted `aud` values; default: `""` or the simulator's base URL. */
  audiences?: string[];
}

export interface BasicUser {
  user: string;
  password: string;
}

export interface SimulatorCredentials {
  clients: OAuthClient[];
  connectedApps: ConnectedApp[];
  basicUsers: BasicUser[];
}
