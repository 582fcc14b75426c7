import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, withTestPlatform } from '../helpers/platform.js';
import { newMember, type PortalClient } from '../helpers/portal.js';

/** The portal's webhook routes: what the Webhooks page sends, answered as the public API answers. */
const context = withTestPlatform('portal-webhooks');
let admin: PortalClient;
let viewer: PortalClient;
let outsider: PortalClient;

beforeAll(async () => {
  admin = await newMember(context.platform, context.tenant.tenantId, ['admin'], 'Ada Admin');
  viewer = await newMember(context.platform, context.tenant.tenantId, ['viewer']);
  const other = await context.platform.newTenant('Other company');
  outsider = await newMember(context.platform, other.tenantId, ['admin']);
});

async function endpoint(enabledEvents: string[]) {
  const created = await admin.request('POST', '/webhook-endpoints', {
    body: { url: 'http://127.0.0.1:9/hooks', enabled_events: enabledEvents },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; secret: string; enabled_events: string[] };
}

describe('portal webhook endpoints', () => {
  it('saves all events as "*" and a chosen list as chosen; refuses an empty list naming the field', async () => {
    expect((await endpoint(['*'])).enabled_events).toEqual(['*']);
    expect((await endpoint(['payout.paid', 'payout.failed'])).enabled_events).toEqual([
      'payout.paid',
      'payout.failed',
    ]);

    const empty = await admin.request('POST', '/webhook-endpoints', {
      body: { url: 'http://127.0.0.1:9/hooks', enabled_events: [] },
    });

    expect(empty.status).toBe(400);
    expect(empty.body.error.param).toBe('enabled_events');
  });

  it('rotates the signing secret for an admin: a new secret once, the old one kept for 24 h, recorded in the audit log', async () => {
    const created = await endpoint(['*']);

    const rotated = await admin.request('POST', `/webhook-endpoints/${created.id}/rotate-secret`);

    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.secret);
    const stored = await context.platform.adapters.webhooks.getEndpoint(context.tenant.tenantId, created.id);
    expect(stored?.secrets).toHaveLength(2);
    const [fresh, old] = stored?.secrets ?? [];
    expect(fresh?.expiresAt).toBeNull();
    expect(Date.parse(old?.expiresAt as string) - Date.now()).toBeGreaterThan(23 * 3600_000);
    const audit = await eventually(
      () => admin.request('GET', `/audit-log?action=webhook_endpoint.rotate_secret&target_id=${created.id}`),
      (response) => response.body.data?.length === 1,
    );
    expect(audit.body.data[0].actor).toMatchObject({ type: 'member', name: 'Ada Admin' });
    expect(JSON.stringify(audit.body.data[0])).not.toContain(rotated.body.secret);
  });

  it('refuses a viewer (403) and another tenant (404), changing nothing', async () => {
    const created = await endpoint(['*']);
    const before = await context.platform.adapters.webhooks.getEndpoint(context.tenant.tenantId, created.id);

    const byViewer = await viewer.request('POST', `/webhook-endpoints/${created.id}/rotate-secret`);
    const byOutsider = await outsider.request('POST', `/webhook-endpoints/${created.id}/rotate-secret`);

    expect(byViewer.status).toBe(403);
    expect(byOutsider.status).toBe(404);
    expect(await context.platform.adapters.webhooks.getEndpoint(context.tenant.tenantId, created.id)).toEqual(
      before,
    );
  });
});
