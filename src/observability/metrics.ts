import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * One registry per app (not prom-client's global one), so several apps in one process (tests)
 * do not collide. Capabilities add their own: `new Counter({ …, registers: [metrics.registry] })`.
 */
export interface Metrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'x3bridge_' });
  const httpRequestDuration = new Histogram({
    name: 'x3bridge_http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return { registry, httpRequestDuration };
}
