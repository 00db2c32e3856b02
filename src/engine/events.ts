import type { ApiEvents, EventName } from '../shared/api.js';

export type EventSink = <E extends EventName>(event: E, payload: ApiEvents[E]) => void;

/** The engine's event fan-out: every transport subscribes a sink and gets its own unsubscribe. */
export class EventBus {
  private sinks = new Set<EventSink>();
  private goneListeners = new Set<(client: string) => void>();

  subscribe(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  emit<E extends EventName>(event: E, payload: ApiEvents[E]): void {
    for (const sink of this.sinks) sink(event, payload);
  }

  /** A transport says that a client's event stream closed (EngineClient.clientId), so that what the client offered
   *  (a GPU extractor) is withdrawn at once rather than when a request to it times out. */
  clientGone(client: string): void {
    for (const listener of this.goneListeners) listener(client);
  }

  onClientGone(listener: (client: string) => void): () => void {
    this.goneListeners.add(listener);
    return () => this.goneListeners.delete(listener);
  }
}
