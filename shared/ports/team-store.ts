import type { ApprovalPolicy } from '../domain/approvals.js';
import type { AuditEntry } from '../domain/audit.js';
import type { ManualPayoutCriteria } from '../domain/manual-payouts.js';
import type { Member } from '../domain/team.js';
import type { Page } from './payout-repository.js';

/** A tenant's team and its manual payout criteria. Every write is conditional. */
export interface TeamStore {
  /** Strongly consistent: a role change or deactivation applies to the next request. */
  getMember(tenantId: string, memberId: string): Promise<Member | undefined>;
  listMembers(tenantId: string): Promise<Member[]>;
  /** @throws ConcurrentModificationError when a member with that id exists */
  addMember(member: Member): Promise<void>;
  /** @throws ConcurrentModificationError when the stored member is not at `current.version` */
  /**
   * Writes `next` if the member is still `current`; with `otherAdmin`, only if that member is still
   * an active admin as read (one transaction: two admins demoting each other at once cannot both win).
   * @throws ConcurrentModificationError when either changed
   */
  saveMember(input: { current: Member; next: Member; otherAdmin?: Member }): Promise<void>;
  getCriteria(tenantId: string): Promise<ManualPayoutCriteria | undefined>;
  /** Writes `next` if the stored criteria are at `expectedVersion` (0: none stored yet). */
  saveCriteria(next: ManualPayoutCriteria, expectedVersion: number): Promise<void>;
  getApprovalPolicy(tenantId: string): Promise<ApprovalPolicy | undefined>;
  /** Writes `next` if the stored policy is at `expectedVersion` (0: none stored yet). */
  saveApprovalPolicy(next: ApprovalPolicy, expectedVersion: number): Promise<void>;
}

export interface AuditQuery {
  action?: string;
  actorId?: string;
  targetId?: string;
  createdGte?: string;
  createdLt?: string;
  limit: number;
  startingAfter?: string;
}

/** The append-only audit log: entries are added with conditional puts and never changed. */
export interface AuditLog {
  /** Idempotent: an entry already written (same id) is left as it is. */
  append(entries: readonly AuditEntry[]): Promise<void>;
  list(tenantId: string, query: AuditQuery): Promise<Page<AuditEntry>>;
}
