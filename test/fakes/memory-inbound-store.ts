import type { InboundOrigin, InboundRejection, InboundStore } from '../../shared/ports/inbound-store.js';

/**
 * {@link InboundStore} in memory (shared/adapters/dynamodb/inbound-store.ts): an origin belongs to
 * one tenant (routing it again to the same tenant is a no-op, to another one false); only its tenant
 * unroutes it; a rejection is recorded once per id.
 */
export class MemoryInboundStore implements InboundStore {
  private readonly routes = new Map<string, { tenantId: string; origin: InboundOrigin; createdAt: string }>();
  private readonly rejections = new Map<string, InboundRejection>();

  async route(tenantId: string, origin: InboundOrigin, now: string): Promise<boolean> {
    const stored = this.routes.get(slot(origin));
    if (stored && stored.tenantId !== tenantId) return false;
    this.routes.set(slot(origin), { tenantId, origin: { ...origin }, createdAt: now });
    return true;
  }

  async unroute(tenantId: string, origin: InboundOrigin): Promise<boolean> {
    if (this.routes.get(slot(origin))?.tenantId !== tenantId) return false;
    return this.routes.delete(slot(origin));
  }

  async tenantOf(origin: InboundOrigin): Promise<string | undefined> {
    return this.routes.get(slot(origin))?.tenantId;
  }

  async routesOf(tenantId: string): Promise<InboundOrigin[]> {
    return [...this.routes.values()]
      .filter((route) => route.tenantId === tenantId)
      .map((route) => ({ ...route.origin }))
      .sort((a, b) => (`${a.kind}#${a.value}` < `${b.kind}#${b.value}` ? -1 : 1));
  }

  async reject(rejection: InboundRejection): Promise<void> {
    const key = `${rejection.tenantId}#${rejection.id}`;
    if (!this.rejections.has(key)) this.rejections.set(key, structuredClone(rejection));
  }

  /** Every rejection recorded for a tenant (assertions). */
  rejectionsOf(tenantId: string): InboundRejection[] {
    return [...this.rejections.values()]
      .filter((rejection) => rejection.tenantId === tenantId)
      .map((rejection) => structuredClone(rejection));
  }
}

const slot = (origin: InboundOrigin) => `${origin.kind}#${origin.value}`;
