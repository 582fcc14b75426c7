import { type Caller, stampFor } from '../domain/audit.js';
import { ConcurrentModificationError, NotFoundError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import {
  ATTACHMENT_TYPES,
  checkManualPayout,
  defaultCriteria,
  MAX_ATTACHMENT_BYTES,
  type ManualCategory,
  type ManualPayoutCriteria,
} from '../domain/manual-payouts.js';
import type { Destination, Payout } from '../domain/payout.js';
import type { PayoutRepository } from '../ports/payout-repository.js';
import type { AttachmentStore } from '../ports/portal.js';
import type { TeamStore } from '../ports/team-store.js';
import { toCriteriaResource } from '../schemas/manual-payout-criteria-resource.js';
import { toPayoutResource } from '../schemas/payouts.js';
import type { createPayoutUseCase } from './create-payout.js';

/**
 * Entries the criteria list twice: a reason code, or a limit for the same category and currency (a
 * payout is checked against the first limit found, so a second one would be silently ignored).
 */
function repeatedCriteria(body: {
  reason_codes: { code: string }[];
  limits: { category: string; currency: string }[];
}): { param: string; message: string }[] {
  const problems: { param: string; message: string }[] = [];
  body.reason_codes.forEach((reason, index) => {
    if (body.reason_codes.findIndex((other) => other.code === reason.code) < index)
      problems.push({
        param: `reason_codes.${index}.code`,
        message: `repeats the reason code ${reason.code}`,
      });
  });
  body.limits.forEach((limit, index) => {
    const first = body.limits.findIndex(
      (other) => other.category === limit.category && other.currency === limit.currency,
    );
    if (first < index)
      problems.push({
        param: `limits.${index}.currency`,
        message: `repeats the limit in ${limit.currency} for the same category (entry ${first + 1})`,
      });
  });
  return problems;
}

export interface ManualPayoutInput {
  category: ManualCategory;
  amount: number;
  currency: string;
  destination: Destination;
  customer_reference: string;
  reason_code: string;
  rationale: string;
  ticket_url: string;
  attachment?: { key: string; filename: string } | undefined;
  reference?: string | undefined;
}

/** A payout as the portal shows it: the API resource, its documentation and its timeline. */
export function toPortalPayout(payout: Payout) {
  const manual = payout.manual ?? null;
  return {
    ...toPayoutResource(payout),
    manual: manual && {
      reason_code: manual.reasonCode,
      rationale: manual.rationale,
      ticket_url: manual.ticketUrl,
      customer_reference: manual.customerReference,
      attachment: manual.attachment && {
        filename: manual.attachment.filename,
        content_type: manual.attachment.contentType,
        size: manual.attachment.size,
      },
      requested_by: manual.requestedBy,
    },
    timeline: payout.history ?? [],
  };
}

const attachmentPrefix = (tenantId: string) => `tenants/${tenantId}/attachments/`;

/**
 * A file name as it goes into an attachment's key: letters, digits, `.`, `_`, `-` (others become `_`),
 * at most 100 characters, never only dots (`.` and `..` would name a folder).
 */
const safeFileName = (filename: string) => {
  const safe = filename.replace(/[^A-Za-z0-9._-]+/g, '_').slice(-100);
  return /^\.*$/.test(safe) ? 'attachment' : safe;
};

/**
 * Whether `key` is exactly what an upload of this tenant issued: `tenants/<tenant>/attachments/<26
 * ULID characters>/<safe file name>`. Nothing else (`..`, encoded separators, other tenants' keys).
 */
export function isAttachmentKeyOf(tenantId: string, key: string): boolean {
  const prefix = attachmentPrefix(tenantId);
  if (!key.startsWith(prefix)) return false;
  const match = /^([0-9A-HJKMNP-TV-Z]{26})\/([A-Za-z0-9._-]{1,100})$/.exec(key.slice(prefix.length));
  return match !== null && !/^\.*$/.test(match[2] ?? '');
}

/**
 * Manual payouts from the portal: the tenant's criteria, documentation uploads, and creation through
 * the same use case (domain, idempotency, reference guard) as the API, with `source: "portal"`.
 */
export function manualPayoutsUseCase(deps: {
  team: TeamStore;
  payouts: PayoutRepository;
  attachments: AttachmentStore;
  createPayout: ReturnType<typeof createPayoutUseCase>;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;

  async function criteriaOf(tenantId: string): Promise<ManualPayoutCriteria> {
    return (await deps.team.getCriteria(tenantId)) ?? defaultCriteria(tenantId, new Date(0).toISOString());
  }

  return {
    criteria: async (tenantId: string) => toCriteriaResource(await criteriaOf(tenantId)),

    async updateCriteria(
      caller: Caller,
      body: {
        reason_codes: { code: string; label: string }[];
        min_rationale_length: number;
        limits: { category: ManualCategory; currency: string; max_amount: number }[];
        version: number;
      },
    ) {
      const repeated = repeatedCriteria(body);
      if (repeated.length > 0) throw new ValidationError(repeated);
      const current = await criteriaOf(caller.tenantId);
      if (body.version !== current.version)
        throw new ConcurrentModificationError(
          'The criteria were changed by someone else since you loaded them: reload and apply your change again.',
        );
      const time = now();
      const next: ManualPayoutCriteria = {
        tenantId: caller.tenantId,
        reasonCodes: body.reason_codes,
        minRationaleLength: body.min_rationale_length,
        limits: body.limits.map((limit) => ({
          category: limit.category,
          currency: limit.currency,
          maxAmount: limit.max_amount,
        })),
        updatedAt: new Date(time).toISOString(),
        version: current.version + 1,
        lastAction: stampFor(caller, 'manual_payout_criteria.update', time),
      };
      await deps.team.saveCriteria(next, current.version);
      return toCriteriaResource(next);
    },

    /** A presigned PUT for one documentation file: type and size are checked here and signed. */
    async uploadUrl(caller: Caller, input: { filename: string; content_type: string; size: number }) {
      if (!(ATTACHMENT_TYPES as readonly string[]).includes(input.content_type)) {
        throw new ValidationError([
          { param: 'content_type', message: `must be one of ${ATTACHMENT_TYPES.join(', ')}` },
        ]);
      }
      if (input.size > MAX_ATTACHMENT_BYTES) {
        throw new ValidationError([
          { param: 'size', message: `must be at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB` },
        ]);
      }
      const safeName = safeFileName(input.filename);
      const key = `${attachmentPrefix(caller.tenantId)}${newId('act', now()).slice(4)}/${safeName}`;
      const upload = await deps.attachments.uploadUrl({
        key,
        contentType: input.content_type,
        size: input.size,
      });
      return {
        object: 'attachment_upload' as const,
        key,
        upload_url: upload.url,
        upload_headers: upload.headers,
        expires_at: upload.expiresAt,
      };
    },

    async create(input: {
      caller: Caller;
      idempotencyKey: string;
      rawBody: unknown;
      body: ManualPayoutInput;
    }) {
      const { caller, body } = input;
      if (caller.actor.type !== 'member') throw new Error('Manual payouts are made by members');
      checkManualPayout(await criteriaOf(caller.tenantId), {
        category: body.category,
        amount: body.amount,
        currency: body.currency,
        reasonCode: body.reason_code,
        rationale: body.rationale,
      });
      let attachment = null;
      if (body.attachment) {
        const uploaded = isAttachmentKeyOf(caller.tenantId, body.attachment.key)
          ? await deps.attachments.describe(body.attachment.key)
          : undefined;
        if (!uploaded) {
          throw new ValidationError([
            { param: 'attachment.key', message: 'no uploaded file has this key: upload it first' },
          ]);
        }
        attachment = { key: body.attachment.key, filename: body.attachment.filename, ...uploaded };
      }
      const { response, replayed } = await deps.createPayout({
        tenantId: caller.tenantId,
        idempotencyKey: input.idempotencyKey,
        rawBody: input.rawBody,
        body: {
          amount: body.amount,
          currency: body.currency,
          destination: body.destination,
          reference: body.reference ?? `portal/${input.idempotencyKey}`,
          purpose: body.category,
          description: body.rationale.slice(0, 1000),
          metadata: { customer_reference: body.customer_reference, reason_code: body.reason_code },
        },
        source: 'portal',
        action: stampFor(caller, 'payout.create', now()),
        manual: {
          reasonCode: body.reason_code,
          rationale: body.rationale,
          ticketUrl: body.ticket_url,
          customerReference: body.customer_reference,
          attachment,
          requestedBy: caller.actor,
        },
      });
      return { statusCode: response.statusCode, body: JSON.parse(response.body) as { id: string }, replayed };
    },

    async get(tenantId: string, id: string) {
      const payout = await deps.payouts.get(tenantId, id);
      if (!payout) throw new NotFoundError('payout', id);
      return toPortalPayout(payout);
    },

    async attachmentUrl(tenantId: string, id: string) {
      const payout = await deps.payouts.get(tenantId, id);
      const attachment = payout?.manual?.attachment;
      if (!attachment) throw new NotFoundError('attachment of payout', id);
      return {
        object: 'attachment_download' as const,
        url: await deps.attachments.downloadUrl(attachment.key, attachment.filename),
      };
    },
  };
}
