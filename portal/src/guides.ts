import type { PAYOUT_STATUSES } from '../../shared/domain/catalog';

/**
 * The role guides of Help: what each job is, taught, not only what the matrix allows. Every page
 * title links to the guide of the job done there (the route → guide map below, read by `PageTitle`),
 * and every member sees their role's first-sign-in checklist until they dismiss it.
 */
export const GUIDE_IDS = ['requester', 'approver', 'finance', 'admin', 'viewer'] as const;
export type GuideId = (typeof GUIDE_IDS)[number];

export const GUIDE_TITLES: Readonly<Record<GuideId, string>> = {
  requester: 'Requesting a payout',
  approver: 'Approving payouts',
  finance: 'Reconciling and auditing payouts',
  admin: 'Running the workspace: people, rules and access',
  viewer: 'Looking up payouts',
};

/** The guide each page links to, by route (`:id` stands for any one segment). */
export const ROUTE_GUIDES: readonly { route: string; guide: GuideId }[] = [
  { route: '/payouts/new', guide: 'requester' },
  { route: '/batches', guide: 'requester' },
  { route: '/batches/:id', guide: 'requester' },
  { route: '/approvals', guide: 'approver' },
  { route: '/payouts/:id', guide: 'approver' },
  { route: '/payouts', guide: 'viewer' },
  { route: '/reports', guide: 'finance' },
  { route: '/audit-log', guide: 'finance' },
  { route: '/team', guide: 'admin' },
  { route: '/api-keys', guide: 'admin' },
  { route: '/webhooks', guide: 'admin' },
  { route: '/payout-rails', guide: 'admin' },
  { route: '/settings', guide: 'admin' },
  { route: '/approval-policy', guide: 'admin' },
];

/** The guide of a page (its path), if it has one. */
export function guideOfPath(path: string): GuideId | undefined {
  const segments = path.replace(/\/+$/, '').split('/');
  return ROUTE_GUIDES.find(({ route }) => {
    const pattern = route.split('/');
    return (
      pattern.length === segments.length &&
      pattern.every((part, index) => part.startsWith(':') || part === segments[index])
    );
  })?.guide;
}

/** What each payout status means to the people who see it (every status of the catalog: a new one fails the type check here). */
export const STATUS_MEANINGS: Readonly<Record<(typeof PAYOUT_STATUSES)[number], string>> = {
  pending_approval:
    'Waiting for approvers. Nothing has been paid; the requester or an admin can still cancel it. It expires if nobody decides in time.',
  queued: 'Approved (or needing no approval) and waiting for its turn to be sent to the payment provider.',
  processing:
    'Sent to the payment provider, which has not confirmed the outcome yet. It can no longer be canceled.',
  paid: 'The provider confirmed the money left. This is final unless the bank sends it back.',
  failed:
    'The provider refused it (a closed account, an invalid IBAN, …). No money left; the reason is on the payout page.',
  returned: "It was paid, then the recipient's bank sent the money back. The reason is on the payout page.",
  rejected: 'An approver rejected it, with a comment saying why. It will never be paid.',
  expired:
    'Nobody decided before its deadline. It will never be paid; request it again if it is still needed.',
  canceled: 'The requester or an admin withdrew it before it was sent. It will never be paid.',
};

/**
 * What a member of each role should do first: shown once, dismissed for good. The link texts avoid
 * the menu's names ("Approvals", "Team", "Audit log"…): a link is found by its name.
 */
export const FIRST_STEPS: Readonly<Record<GuideId, readonly { text: string; to: string }[]>> = {
  requester: [
    { text: 'Read the requester guide: what a rationale that gets approved contains', to: '/help/requester' },
    { text: 'Look at the reasons and the maximum amounts your admins allow', to: '/help/requester#limits' },
    { text: 'Create your first manual payout', to: '/payouts/new' },
    { text: 'Learn what each payout status means', to: '/help/requester#statuses' },
  ],
  approver: [
    { text: 'Read what to check before you approve', to: '/help/approver' },
    { text: 'See how your rules decide which payouts need you', to: '/help/approver#policy' },
    { text: 'Open the payouts waiting for your decision', to: '/approvals' },
  ],
  finance: [
    { text: 'Read the finance guide', to: '/help/finance' },
    { text: 'Request a payout report for last month', to: '/reports' },
    { text: 'Filter the log of actions and download it as CSV', to: '/audit-log' },
  ],
  admin: [
    { text: 'Read the admin guide', to: '/help/admin' },
    { text: 'Check the reasons, rationale length and maximum amounts', to: '/settings' },
    { text: 'Check which payouts need approval, and by how many people', to: '/approval-policy' },
    { text: 'Invite your colleagues and give each person one job', to: '/team' },
  ],
  viewer: [
    { text: 'Read how to look up a payout', to: '/help/viewer' },
    { text: 'Learn what each payout status means', to: '/help/viewer#statuses' },
    { text: 'Search the payouts', to: '/payouts' },
  ],
};

/** The guide a member starts with: their most demanding role's. */
export function guideOfRoles(roles: readonly string[]): GuideId {
  const order: readonly GuideId[] = ['admin', 'approver', 'finance', 'requester', 'viewer'];
  return order.find((guide) => roles.includes(guide)) ?? 'viewer';
}

const DISMISSED = 'payouts.first-steps-dismissed.';

/** Whether this member dismissed their first-sign-in checklist (in this browser). */
export const firstStepsDismissed = (memberId: string): boolean =>
  localStorage.getItem(DISMISSED + memberId) !== null;

export const dismissFirstSteps = (memberId: string): void =>
  localStorage.setItem(DISMISSED + memberId, new Date().toISOString());
