/**
 * ISO 20022 external status reason codes (`ExternalStatusReason1Code`, also used as return reasons)
 * that SEPA banks give in pain.002 rejections and camt.05x returns, with a short text for
 * `failure_message`. Not the whole list (it has hundreds): the ones the EPC's SCT guidelines name
 * for rejects and returns. An unlisted code still reaches the message, as "reason XX99".
 */
export const SEPA_REASON_TEXTS: Readonly<Record<string, string>> = {
  AC01: 'the account identifier (IBAN) is incorrect',
  AC04: 'the account is closed',
  AC06: 'the account is blocked',
  AG01: 'transactions are forbidden on this account',
  AG02: 'the bank operation code is invalid',
  AM04: 'the debtor account has insufficient funds',
  AM05: 'the transfer is a duplicate',
  BE04: 'the creditor address is missing or incorrect',
  CNOR: 'the creditor bank is not registered under this BIC in the clearing system',
  DNOR: 'the debtor bank is not registered under this BIC in the clearing system',
  DUPL: 'the payment is a duplicate of another payment',
  FF01: 'the file or transaction has an invalid format',
  FOCR: 'the transfer was returned after a recall request',
  MD07: 'the account holder is deceased',
  MS02: 'the creditor gave no reason',
  MS03: 'reason not specified',
  RC01: 'the bank identifier (BIC) is incorrect',
  RR01: 'the debtor account or identification is missing (regulatory reason)',
  RR02: "the debtor's name or address is missing (regulatory reason)",
  RR03: "the creditor's name or address is missing (regulatory reason)",
  RR04: 'regulatory reason',
  TM01: 'the file arrived after the cut-off time',
};

export type SepaFailureCode =
  | 'invalid_account'
  | 'account_closed'
  | 'insufficient_funds'
  | 'provider_rejected';

/**
 * Which platform failure codes the ISO codes map to: what the tenant must do. New bank details for
 * a wrong IBAN (AC01) or a closed account (AC04); money on the debtor account (AM04). Everything
 * else is the bank's decision to explain (`provider_rejected`), with the ISO code in the message so
 * that support can look it up.
 */
const FAILURE_CODES: Readonly<Record<string, SepaFailureCode>> = {
  AC01: 'invalid_account',
  AC04: 'account_closed',
  AM04: 'insufficient_funds',
};

/**
 * The payout failure for an ISO reason code from a rejection (pain.002) or return (camt.05x); `null`
 * (a bank that gave no code) is `provider_rejected`.
 */
export function failureFromReason(code: string | null): {
  failure_code: SepaFailureCode;
  failure_message: string;
} {
  if (code === null)
    return {
      failure_code: 'provider_rejected',
      failure_message: 'The bank rejected the transfer (no reason given)',
    };
  const text = SEPA_REASON_TEXTS[code] ?? 'see the ISO 20022 external code list';
  return {
    failure_code: FAILURE_CODES[code] ?? 'provider_rejected',
    failure_message: `The bank rejected the transfer (ISO 20022 reason ${code}: ${text})`,
  };
}
