export * from './where.js';
export * from './order-by.js';
export { MAX_QUERY_TEXT_LENGTH } from './syntax-error.js';
