/** The event log's Prometheus metrics, registered on the server's registry. */
import { Counter, Gauge, type Registry } from 'prom-client';

export interface EventMetrics {
  written: Counter;
  queued: Gauge;
  spooled: Counter;
  replayed: Counter;
  dropped: Counter;
  redisUp: Gauge;
}

function counter(registry: Registry, name: string, help: string): Counter {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing;
  return new Counter({ name, help, registers: [registry] });
}

function gauge(registry: Registry, name: string, help: string, collect?: () => number): Gauge {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Gauge) return existing;
  return new Gauge({
    name,
    help,
    registers: [registry],
    ...(collect === undefined
      ? {}
      : {
          collect(this: Gauge) {
            this.set(collect());
          },
        }),
  });
}

export function createEventMetrics(registry: Registry, queueLength: () => number): EventMetrics {
  return {
    written: counter(registry, 'clarion_events_written_total', 'Events stored (Redis stream or file store), replays included, duplicates not'),
    queued: gauge(registry, 'clarion_events_queued', 'Events waiting in the in-memory queue', queueLength),
    spooled: counter(registry, 'clarion_events_spooled_total', 'Events written to the disk spool because Redis was down or slow'),
    replayed: counter(registry, 'clarion_events_replayed_total', 'Spooled events confirmed in Redis on replay'),
    dropped: counter(registry, 'clarion_events_dropped_total', 'Events lost (only when the disk cannot be written); must stay 0'),
    redisUp: gauge(registry, 'clarion_redis_up', 'Whether the event log can write to Redis (1) or not (0)'),
  };
}
