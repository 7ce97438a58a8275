// The request log behind `GET /__sim/requests`: a bounded ring, oldest entries dropped first.
import type { AuthScheme } from './auth.js';

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  folderHeader: string | null;
  authScheme: AuthScheme;
  /** HTTP status answered; 0 when the connection was dropped without an answer. */
  status: number;
  ms: number;
  time: string;
  class?: string;
  fault?: string;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private start = 0;

  constructor(private readonly capacity = 2000) {}

  add(entry: RequestLogEntry): void {
    if (this.entries.length < this.capacity) this.entries.push(entry);
    else {
      this.entries[this.start] = entry;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  list(): RequestLogEntry[] {
    return [...this.entries.slice(this.start), ...this.entries.slice(0, this.start)];
  }

  clear(): void {
    this.entries = [];
    this.start = 0;
  }
}
