import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { ruleSentence } from '../../../../shared/domain/audit-text';
import { PAYOUT_STATUSES } from '../../../../shared/domain/catalog';
import { formatMoney } from '../../../../shared/domain/money';
import { api } from '../../api';
import { StatusBadge } from '../../components';
import { label } from '../../format';
import { GUIDE_TITLES, type GuideId, STATUS_MEANINGS } from '../../guides';

/** The portal's own example of a manual payout, used by every guide that explains one. */
const EXAMPLE = {
  customer: 'CUST-1001',
  amount: formatMoney(4_500, 'EUR'),
  reason: 'Service disruption',
  ticket: 'https://support.example.com/tickets/4711',
  good: 'Card payments failed for this customer from 3 to 5 November (incident INC-203, ticket 4711). They could not sell for 3 days; our terms credit 15 % of the monthly fee per day, 3 × EUR 15.00 = EUR 45.00.',
  weak: 'Customer was unhappy, goodwill credit.',
};

interface Policy {
  rules: {
    name: string;
    sources: string[] | null;
    purposes: string[] | null;
    currency: string | null;
    min_amount: number | null;
    approvals: number;
  }[];
  expiry_hours: number;
}

interface Criteria {
  reason_codes: { code: string; label: string }[];
  min_rationale_length: number;
  limits: { category: string; currency: string; max_amount: number }[];
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={`guide-${id}`} id={id}>
      <h2 id={`guide-${id}`}>{title}</h2>
      {children}
    </section>
  );
}

/** A good and a weak rationale for the same payout, side by side. */
function RationaleExample() {
  return (
    <Section id="rationale" title="What a good rationale contains">
      <p>
        The approver and, later, the auditor read only what you write. A rationale that gets approved says{' '}
        <strong>what happened</strong>, <strong>when</strong>, <strong>where it is recorded</strong> (the
        ticket or incident) and <strong>how you got to the amount</strong>.
      </p>
      <p>
        For customer {EXAMPLE.customer}, a support credit of {EXAMPLE.amount}, reason “{EXAMPLE.reason}”,
        ticket link {EXAMPLE.ticket}:
      </p>
      <dl className="details">
        <dt>Good</dt>
        <dd>“{EXAMPLE.good}”</dd>
        <dt>Sent back</dt>
        <dd>
          “{EXAMPLE.weak}” — it does not say what went wrong, where it is recorded, or why {EXAMPLE.amount}{' '}
          and not another amount.
        </dd>
      </dl>
    </Section>
  );
}

function Statuses() {
  return (
    <Section id="statuses" title="What each status means">
      <dl className="details">
        {PAYOUT_STATUSES.map((status) => (
          <div key={status} className="status-meaning">
            <dt>
              <StatusBadge status={status} />
            </dt>
            <dd>{STATUS_MEANINGS[status]}</dd>
          </div>
        ))}
      </dl>
    </Section>
  );
}

/** The tenant's own approval policy, in sentences. */
function PolicyExplained() {
  const policy = useQuery({
    queryKey: ['approval-policy'],
    queryFn: () => api<Policy>('/settings/approval-policy'),
  });
  return (
    <Section id="policy" title="How the approval policy works">
      <p>
        When a payout is created, the portal reads your team's rules in order. The first rule that matches its
        source (portal, API, batch, event), purpose, currency and amount says how many approvals it needs; a
        payout no rule matches needs none and is sent at once. Approvals must come from different people, and
        never from the person who requested the payout — not even an admin. One rejection rejects. A payout
        nobody decides in time expires.
      </p>
      {policy.data && (
        <>
          <p>Your team's rules today:</p>
          <ul>
            {policy.data.rules.length === 0 && <li>No rule: no payout needs approval.</li>}
            {policy.data.rules.map((rule) => (
              <li key={rule.name}>
                {ruleSentence({
                  name: rule.name,
                  approvals: rule.approvals,
                  ...(rule.sources ? { sources: rule.sources } : {}),
                  ...(rule.purposes ? { purposes: rule.purposes } : {}),
                  ...(rule.currency ? { currency: rule.currency } : {}),
                  ...(rule.min_amount !== null ? { minAmount: rule.min_amount } : {}),
                })}
                .
              </li>
            ))}
          </ul>
          <p>
            A payout waits at most {policy.data.expiry_hours} hour{policy.data.expiry_hours === 1 ? '' : 's'}{' '}
            for its decision.
          </p>
        </>
      )}
    </Section>
  );
}

/** The tenant's reasons and maximum amounts, as the New manual payout form applies them. */
function Limits() {
  const criteria = useQuery({
    queryKey: ['criteria'],
    queryFn: () => api<Criteria>('/settings/manual-payouts'),
  });
  return (
    <Section id="limits" title="Reasons and maximum amounts">
      {criteria.data ? (
        <>
          <p>
            Choose one of these reasons: {criteria.data.reason_codes.map((reason) => reason.label).join(', ')}
            . The rationale needs at least {criteria.data.min_rationale_length} characters.
          </p>
          <ul>
            {criteria.data.limits.map((limit) => (
              <li key={`${limit.category}-${limit.currency}`}>
                {label(limit.category)} in {limit.currency}: at most{' '}
                {formatMoney(limit.max_amount, limit.currency)}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>Your admins keep the list of reasons and the maximum amount per kind of payout and currency.</p>
      )}
    </Section>
  );
}

function AfterRejection() {
  return (
    <Section id="rejection" title="What happens after a rejection">
      <ul>
        <li>The payout is final as rejected: nothing is paid, and it cannot be approved later.</li>
        <li>
          The requester sees who rejected it and the comment on the payout's page. The comment says what was
          missing.
        </li>
        <li>
          If the payout is still right, fix what the comment names and use{' '}
          <strong>Resubmit as a new request</strong> on the payout's page: a new payout, prefilled, goes
          through approval again. The rejected one stays in the log as it was.
        </li>
      </ul>
    </Section>
  );
}

function BatchFile() {
  return (
    <Section id="batch" title="How to prepare a batch file">
      <p>
        A batch is a CSV file with a header line and one payout per line (at most 10,000 lines, 10 MB).
        Required columns: <strong>reference</strong> (unique, it protects against paying twice),{' '}
        <strong>amount</strong> and <strong>currency</strong>. Then either <strong>iban</strong> with{' '}
        <strong>account_holder_name</strong> (and optionally <strong>bic</strong>) for a bank account, or{' '}
        <strong>email</strong>. Optional: <strong>purpose</strong>, <strong>description</strong> and columns
        starting with <strong>metadata.</strong>
      </p>
      <ul>
        <li>Amounts are written in the currency, with a point: 2500.00 EUR, 500 JPY. Never 2.500,00.</li>
        <li>
          Commas, semicolons or tabs between columns all work (spreadsheets in many countries save “CSV” with
          semicolons).
        </li>
        <li>
          Check the file on the Batches page first: every problem is listed with its line (the header is line
          1), and nothing is sent until the file has none.
        </li>
      </ul>
      <p>An example file with a bank account and an email payout:</p>
      <pre className="example-file">
        {`reference,amount,currency,purpose,description,account_holder_name,iban,bic,email
payroll-2026-11-ada,2500.00,EUR,payroll,November salary,Ada Lovelace,DE89370400440532013000,COBADEFFXXX,
payroll-2026-11-grace,1800.50,EUR,payroll,November salary,,,,grace@example.com`}
      </pre>
    </Section>
  );
}

function ApproverChecks() {
  return (
    <Section id="checks" title="Before you approve, check">
      <ol>
        <li>
          <strong>The rationale against the ticket.</strong> Open the ticket link: does it describe what the
          rationale says, for this customer ({EXAMPLE.customer} in the example), at that time?
        </li>
        <li>
          <strong>The amount against the rationale and the limits.</strong> Can you recompute it from what is
          written (3 days × EUR 15.00 = {EXAMPLE.amount})? Is it under the maximum for its kind and currency?
        </li>
        <li>
          <strong>Who receives the money.</strong> Is the destination (email or IBAN) the customer's own, as
          your customer records show, and not an employee's or a new address from the ticket?
        </li>
        <li>
          <strong>Duplicates.</strong> Search the payouts for the customer reference: was this already
          credited, perhaps by someone else or as a one-time refund?
        </li>
        <li>
          <strong>The attachment</strong>, when there is one: does it belong to this customer and this amount?
        </li>
      </ol>
      <p>
        If one check fails, reject with a comment that says which and what would make it right. You cannot
        approve a payout you requested yourself, and the portal tells you why when a payout cannot be decided
        by you.
      </p>
    </Section>
  );
}

const GUIDES: Readonly<Record<GuideId, () => ReactNode>> = {
  requester: () => (
    <>
      <p>
        You request money for customers: support credits and one-time refunds one at a time on{' '}
        <Link to="/payouts/new">New manual payout</Link>, or many payouts at once with a batch file.
      </p>
      <RationaleExample />
      <Limits />
      <PolicyExplained />
      <Statuses />
      <AfterRejection />
      <BatchFile />
    </>
  ),
  approver: () => (
    <>
      <p>
        You are the second pair of eyes: a payout that needs approval is paid only if you, and as many other
        approvers as the policy asks, approve it. Decide from <Link to="/approvals">Approvals</Link>.
      </p>
      <ApproverChecks />
      <RationaleExample />
      <PolicyExplained />
      <AfterRejection />
      <Statuses />
    </>
  ),
  finance: () => (
    <>
      <p>You reconcile what was paid and answer the auditors.</p>
      <Section id="reports" title="Reports">
        <p>
          On <Link to="/reports">Reports</Link>, request the payouts created in a period, optionally of one
          status, source, purpose or currency. The file lists every payout with who requested and approved it;
          a totals file sums them per currency and status.
        </p>
      </Section>
      <Section id="reconciling" title="Reconciling a day">
        <p>
          Every night each payout rail's previous day is compared with the provider's own record of it; on{' '}
          <Link to="/reconciliation">the page that compares a day</Link> you can run any UTC day again. A run
          lists the differences first: <em>Amount differs</em> (the worst: look at both amounts),{' '}
          <em>Status differs</em>, <em>Missing at provider</em> (we say it was paid; the provider has no such
          transfer) and <em>Unknown at provider</em> (money moved for no payout of ours: ask who else uses the
          account). <em>In flight</em> items are checked again the next day. Compare the totals of both sides
          per currency, open each difference, settle it with the provider or your bank, then resolve it with a
          note saying what you checked and what was done. Resolving never changes a payout; the note, your
          name and the time stay with the run and in the audit log.
        </p>
      </Section>
      <Section id="audit" title="The audit log">
        <p>
          The <Link to="/audit-log">Audit log</Link> records every action of a person or an API key: who,
          when, from which address, and what changed, such as “Maximum amount, Support credit in EUR: EUR
          99.00 → EUR 120.00”. Filter it by action (payout approved, payout rejected, report requested,
          approval policy updated, …), by object and by days, then download exactly the filtered entries as a
          CSV file.
        </p>
      </Section>
      <PolicyExplained />
      <Statuses />
    </>
  ),
  admin: () => (
    <>
      <p>You set the rules everyone else works under, and you give people their jobs.</p>
      <Section id="team" title="The team">
        <ul>
          <li>
            Give each person the role of their job: requesters ask, approvers decide, finance reports, viewers
            look. Keep requesters and approvers apart where you can.
          </li>
          <li>
            A new approver or admin role takes effect when a second admin confirms it, or after a delay: one
            person alone cannot make themselves an approver.
          </li>
          <li>Deactivate people who leave the same day: their sessions end at once.</li>
        </ul>
      </Section>
      <Section id="criteria" title="Payout criteria">
        <p>
          On <Link to="/settings">Payout criteria</Link>, keep the list of reasons, the minimum rationale
          length and the maximum amount per kind of payout and currency. Every change is in the audit log with
          its before and after.
        </p>
      </Section>
      <PolicyExplained />
      <RationaleExample />
      <Statuses />
    </>
  ),
  viewer: () => (
    <>
      <p>
        You can look up any payout, but not change one. On <Link to="/payouts">Payouts</Link>, search by
        customer reference, reference, amount or the last digits of an account; open a payout to see its
        timeline: every status it went through, when, and who acted.
      </p>
      <Statuses />
      <PolicyExplained />
    </>
  ),
};

/** One role guide. */
export function Guide({ guide }: { guide: GuideId }) {
  const Body = GUIDES[guide];
  return (
    <article className="guide" aria-label={GUIDE_TITLES[guide]}>
      <Body />
    </article>
  );
}
