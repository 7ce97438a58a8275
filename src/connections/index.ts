export * from './connection.js';
export { createConnectionClients, createX3Access, type ConnectionClients } from './connection.clients.js';
export {
  runConnectionCheck,
  openX3Client,
  type X3Access,
  type X3Target,
  type CheckOutcome,
} from './connection.check.js';
export * as connectionService from './connection.service.js';
