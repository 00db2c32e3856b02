import type { ApiEvents, EventName } from '../shared/api.js';

export type EventSink = <E extends EventName>(event: E, payload: ApiEvents[E]) => void;

/** The engine's event fan-out: every transport subscribes a sink and gets its own unsubscribe. */
export class EventBus {
  private sinks = new Set<EventSink>();

  subscribe(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  emit<E extends EventName>(event: E, payload: ApiEvents[E]): void {
    for (const sink of this.sinks) sink(event, payload);
  }
}
