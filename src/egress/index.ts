export { createEgressGuard, EgressError } from './egress-guard.js';
export type {
  EgressGuard,
  EgressGuardOptions,
  EgressReason,
  EgressTarget,
  HostLookup,
  ResolvedAddress,
} from './egress-guard.js';
export { createPinnedDispatcher, PinnedAgent } from './pinned-dispatcher.js';
export type { PinnedDispatcherOptions } from './pinned-dispatcher.js';
export { classifyAddress, parseIp, parseCidr } from './ip-ranges.js';
