export {
  EGRESS_REFUSED_HEADER,
  startEgressProxy,
  type EgressBlockedEvent,
  type EgressChannel,
  type EgressProxy,
  type EgressProxyOptions,
} from './egress-proxy.ts';
export { systemResolver } from './system-resolver.ts';
export { parseUpstreamProxy, UpstreamProxyError, type UpstreamProxy } from './upstream-proxy.ts';
