import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  eventsReceived: Counter<'type' | 'outcome'>;
  decisions: Counter<'stage' | 'outcome' | 'rule'>;
  messagesSent: Counter<'channel' | 'result'>;
  providerLatency: Histogram<'channel'>;
  statusCallbacks: Counter<'status'>;
  replies: Counter<'channel' | 'outcome'>;
  batchSize: Histogram<'batch'>;
}

/** One registry per Services instance, so tests in one process do not share counters. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    eventsReceived: new Counter({ name: 'dco_events_received_total', help: 'Case events received, by type and outcome', labelNames: ['type', 'outcome'], registers: [registry] }),
    decisions: new Counter({ name: 'dco_policy_decisions_total', help: 'Policy decisions, by stage, outcome and rule', labelNames: ['stage', 'outcome', 'rule'], registers: [registry] }),
    messagesSent: new Counter({ name: 'dco_messages_sent_total', help: 'Provider send attempts, by channel and result', labelNames: ['channel', 'result'], registers: [registry] }),
    providerLatency: new Histogram({ name: 'dco_provider_send_seconds', help: 'Provider send latency', labelNames: ['channel'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry] }),
    batchSize: new Histogram({ name: 'dco_batch_size', help: 'Items served by one database round trip, by batcher', labelNames: ['batch'], buckets: [1, 2, 4, 8, 16, 32, 64, 128], registers: [registry] }),
    replies: new Counter({ name: 'dco_replies_total', help: "Debtors' replies received, by channel and what handling came to", labelNames: ['channel', 'outcome'], registers: [registry] }),
    statusCallbacks: new Counter({ name: 'dco_status_callbacks_total', help: 'Provider status callbacks, by status', labelNames: ['status'], registers: [registry] }),
  };
}
