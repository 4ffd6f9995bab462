export { RedisWindowCounters, type RedisWindowCountersOptions } from './redis-window-counters.ts';
export { RedisEventBus, type EventCodec, type RedisEventBusOptions, type RedisSubscription } from './redis-event-bus.ts';
export { RedisCommandBus, type RedisCommandBusOptions } from './redis-command-bus.ts';
