import type { ActionStamp } from '../domain/audit.js';
import type { TenantConnectors } from '../domain/connectors.js';
import type { TransferOutcome } from '../domain/execution.js';

/** A provider webhook event as received: the record that makes a second delivery change nothing. */
export interface ProviderEventRecord {
  tenantId: string;
  connector: string;
  eventId: string;
  type: string;
  payoutId: string | null;
  providerReference: string | null;
  outcome: TransferOutcome | null;
  /** What it did: the payout's new status, `unchanged`, or `unmatched` (no payout of ours). */
  result: string;
  receivedAt: string;
}

/** Tenants' payout rails (connectors and routing rules) and the provider events they received. */
export interface ConnectorStore {
  get(tenantId: string): Promise<TenantConnectors | undefined>;
  /**
   * Replaces the tenant's rails, if still at `expectedVersion` (0: none stored yet).
   * @throws ConcurrentModificationError when someone changed them meanwhile
   */
  save(next: TenantConnectors & { lastAction?: ActionStamp }, expectedVersion: number): Promise<void>;
  /** Records a provider event once: false when it was already recorded (a second delivery). */
  recordProviderEvent(record: ProviderEventRecord): Promise<boolean>;
  getProviderEvent(
    tenantId: string,
    connector: string,
    eventId: string,
  ): Promise<ProviderEventRecord | undefined>;
}
