import { ValidationError } from '../../shared/domain/errors.js';
import { CurrencyTotals, formatMoney, safeTotal } from '../../shared/domain/money.js';
import { jsonResponse, parse, requireIdempotencyKey } from '../../shared/http/api-handler.js';
import type { PortalRoute } from '../../shared/http/portal-handler.js';
import { checkBatchCsv, SEPARATOR_NAMES } from '../../shared/schemas/batch-csv.js';
import { BATCH_MAX_BODY_BYTES } from '../../shared/schemas/batches.js';
import { idempotencyKey } from '../../shared/schemas/common.js';
import { csvUploadBody } from '../../shared/schemas/portal.js';
import type { PayoutBatches } from '../../shared/use-cases/payout-batches.js';

/** Rows the preview shows; the totals cover the whole file. */
const PREVIEW_ROWS = 200;

/** The CSV upload: check a file (the preview, every problem with its line), then create the batch. */
export function portalBatchRoutes(batches: PayoutBatches): PortalRoute[] {
  return [
    {
      method: 'POST',
      path: '/payout-batches/check',
      action: 'payouts.create_batch',
      handler: async ({ json }) => {
        const { csv } = parse(csvUploadBody, json(BATCH_MAX_BODY_BYTES));
        const { items, problems, lines, separator } = checkBatchCsv(csv);
        const totals = new CurrencyTotals();
        for (const item of items) totals.add(item.currency, item.amount);
        return jsonResponse(200, {
          rows: items.length,
          // How the cells were read: `semicolon` when a spreadsheet saved the file so.
          separator: SEPARATOR_NAMES[separator],
          problems,
          totals: totals.entries().map(({ currency, count, amount }) => ({
            currency,
            count,
            amount: safeTotal(amount),
            amount_decimal: amount.toString(),
            amount_text: formatMoney(amount, currency),
          })),
          preview: items.slice(0, PREVIEW_ROWS).map((item, index) => ({
            line: lines[index] ?? index + 2,
            reference: item.reference,
            amount: item.amount,
            amount_text: formatMoney(item.amount, item.currency),
            currency: item.currency,
            purpose: item.purpose,
            payee:
              item.destination.type === 'email'
                ? item.destination.email
                : item.destination.type === 'stripe_account'
                  ? item.destination.account
                  : `${item.destination.account_holder_name} ·· ${item.destination.iban.slice(-4)}`,
          })),
        });
      },
    },
    {
      method: 'POST',
      path: '/payout-batches',
      action: 'payouts.create_batch',
      handler: async ({ caller, headers, json }) => {
        const key = requireIdempotencyKey({ headers }, idempotencyKey);
        const body = json(BATCH_MAX_BODY_BYTES);
        const { csv } = parse(csvUploadBody, body);
        const { items, problems } = checkBatchCsv(csv);
        if (problems.length > 0)
          throw new ValidationError(problems, {
            message: `The file has ${problems.length} problem(s); nothing was created. Check it again for the list.`,
          });
        const { response, replayed } = await batches.create({
          caller,
          idempotencyKey: key,
          rawBody: body,
          items,
        });
        return jsonResponse(
          response.statusCode,
          response.body,
          replayed ? { 'idempotent-replayed': 'true' } : {},
        );
      },
    },
  ];
}
