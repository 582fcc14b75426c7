import type { ApprovalPolicy } from '../../shared/domain/approvals.js';
import { ConcurrentModificationError } from '../../shared/domain/errors.js';
import type { ManualPayoutCriteria } from '../../shared/domain/manual-payouts.js';
import type { Member } from '../../shared/domain/team.js';
import type { TeamStore } from '../../shared/ports/team-store.js';
import { oldestFirst } from './newest-first.js';

/**
 * {@link TeamStore} in memory (shared/adapters/dynamodb/team-store.ts): a member is added only if
 * its id is new, saved only if still at the version read (and, with `otherAdmin`, only if that admin
 * is too: one transaction); settings are saved only from the version they were edited from (0: none
 * stored yet). Every refusal is ConcurrentModificationError. Members list oldest first.
 */
export class MemoryTeamStore implements TeamStore {
  private readonly members = new Map<string, Member>();
  private readonly criteria = new Map<string, ManualPayoutCriteria>();
  private readonly policies = new Map<string, ApprovalPolicy>();

  /** Arrange: stores members as they are, unconditionally. */
  seed(...members: Member[]): void {
    for (const member of members) this.members.set(slot(member.tenantId, member.id), structuredClone(member));
  }

  async getMember(tenantId: string, memberId: string): Promise<Member | undefined> {
    const member = this.members.get(slot(tenantId, memberId));
    return member && structuredClone(member);
  }

  async listMembers(tenantId: string): Promise<Member[]> {
    return oldestFirst([...this.members.values()].filter((member) => member.tenantId === tenantId)).map(
      (member) => structuredClone(member),
    );
  }

  async addMember(member: Member): Promise<void> {
    if (this.members.has(slot(member.tenantId, member.id))) throw new ConcurrentModificationError();
    this.members.set(slot(member.tenantId, member.id), structuredClone(member));
  }

  async saveMember(input: { current: Member; next: Member; otherAdmin?: Member }): Promise<void> {
    const { current, next, otherAdmin } = input;
    if (this.members.get(slot(current.tenantId, current.id))?.version !== current.version)
      throw new ConcurrentModificationError();
    if (
      otherAdmin &&
      this.members.get(slot(otherAdmin.tenantId, otherAdmin.id))?.version !== otherAdmin.version
    )
      throw new ConcurrentModificationError();
    this.members.set(slot(next.tenantId, next.id), structuredClone(next));
  }

  async getCriteria(tenantId: string): Promise<ManualPayoutCriteria | undefined> {
    const stored = this.criteria.get(tenantId);
    return stored && structuredClone(stored);
  }

  async saveCriteria(next: ManualPayoutCriteria, expectedVersion: number): Promise<void> {
    saveSetting(this.criteria, next.tenantId, next, expectedVersion);
  }

  async getApprovalPolicy(tenantId: string): Promise<ApprovalPolicy | undefined> {
    const stored = this.policies.get(tenantId);
    return stored && structuredClone(stored);
  }

  async saveApprovalPolicy(next: ApprovalPolicy, expectedVersion: number): Promise<void> {
    saveSetting(this.policies, next.tenantId, next, expectedVersion);
  }
}

/** A tenant setting replaces the stored version it was edited from; 0 means none may be stored yet. */
function saveSetting<T extends { version: number }>(
  settings: Map<string, T>,
  tenantId: string,
  next: T,
  expectedVersion: number,
): void {
  const stored = settings.get(tenantId);
  if (expectedVersion === 0 ? stored !== undefined : stored?.version !== expectedVersion)
    throw new ConcurrentModificationError();
  settings.set(tenantId, structuredClone(next));
}

const slot = (tenantId: string, memberId: string) => `${tenantId}#${memberId}`;
