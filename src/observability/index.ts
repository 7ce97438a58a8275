export { createLogger, SECRET_FIELDS, type Logger } from './logger.js';
export { createMetrics, type Metrics } from './metrics.js';
