import { stableId } from './ids.js';

/*
 * The ids of webhook deliveries and their attempts, in a module of their own: the stored-item mappers
 * need them, and every function bundles the mappers, not the signing code beside them in webhooks.ts
 * (standardwebhooks, ~12 KB).
 */

/** One delivery per (event, endpoint): the same pair always has the same id, however often fanned out. */
export function deliveryIdFor(eventId: string, endpointId: string): string {
  return `dlv_${stableId([eventId, endpointId])}`;
}

/** Attempt ids name their delivery and number (`att_<delivery>_<n>`), so a list cursor is a key. */
export function attemptIdFor(deliveryId: string, attempt: number): string {
  return `att_${deliveryId.slice('dlv_'.length)}_${attempt}`;
}
