/** What the benchmarks send: one `POST /v1/payouts` to a bank account, keyed and referenced by `key`. */
export async function postPayout(
  url: string,
  apiKey: string,
  key: string,
  fields: { amount: number; accountHolderName?: string; metadata?: Record<string, string> },
): Promise<number> {
  const response = await fetch(`${url}/v1/payouts`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${apiKey}`,
      'content-type': 'application/json',
      'idempotency-key': key,
    },
    body: JSON.stringify({
      amount: fields.amount,
      currency: 'EUR',
      reference: key,
      purpose: 'refund',
      destination: {
        type: 'bank_account',
        account_holder_name: fields.accountHolderName ?? 'Ada Lovelace',
        iban: 'DE89370400440532013000',
      },
      ...(fields.metadata ? { metadata: fields.metadata } : {}),
    }),
  });
  await response.arrayBuffer();
  return response.status;
}
