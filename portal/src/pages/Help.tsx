import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api } from '../api';
import { ErrorNotice, Loading, PageTitle } from '../components';
import { label } from '../format';
import { GUIDE_IDS, GUIDE_TITLES, type GuideId, guideOfRoles } from '../guides';
import type { Me } from '../types';
import { Guide } from './guides/Guides';

interface Matrix {
  roles: { role: string; description: string }[];
  actions: { action: string; description: string; roles: string[] }[];
}

const isGuide = (value: string | undefined): value is GuideId =>
  (GUIDE_IDS as readonly string[]).includes(value ?? '');

/**
 * Help: a role guide (`/help/requester`, …) that teaches the job, or the reference: the guides, what
 * each role can do (the same matrix the API enforces) and how the workflow runs.
 */
export function HelpPage({ me }: { me: Me }) {
  const { guide } = useParams();
  if (isGuide(guide))
    return (
      <>
        <PageTitle>{GUIDE_TITLES[guide]}</PageTitle>
        <p>
          <Link to="/help">All guides and the permission matrix</Link>
        </p>
        <Guide guide={guide} />
      </>
    );
  if (guide !== undefined) return <p>There is no such guide.</p>;
  return <HelpReference me={me} />;
}

function HelpReference({ me }: { me: Me }) {
  const yours = guideOfRoles(me.roles);
  const matrix = useQuery({
    queryKey: ['permissions'],
    queryFn: () => api<Matrix>('/permissions'),
    staleTime: Infinity,
  });
  if (matrix.isPending) return <Loading what="help" />;
  if (matrix.error) return <ErrorNotice error={matrix.error} />;
  const { roles, actions } = matrix.data;
  return (
    <>
      <PageTitle>Help</PageTitle>
      <section aria-labelledby="guides">
        <h2 id="guides">Guides</h2>
        <p>Each guide teaches one job: what to do, what to check, and what happens next.</p>
        <ul className="guide-list">
          {GUIDE_IDS.map((id) => (
            <li key={id}>
              <Link to={`/help/${id}`}>{GUIDE_TITLES[id]}</Link>
              {id === yours && ' (your role)'}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="you">
        <h2 id="you">What you can do</h2>
        <p>
          You are signed in as {me.name} with the role{me.roles.length > 1 ? 's' : ''}{' '}
          {me.roles.map(label).join(', ')}. You can:
        </p>
        <ul>
          {actions
            .filter((action) => me.permissions.includes(action.action))
            .map((action) => (
              <li key={action.action}>{action.description}</li>
            ))}
        </ul>
      </section>
      <section aria-labelledby="workflow">
        <h2 id="workflow">How a manual payout works</h2>
        <ol>
          <li>
            A <strong>requester</strong> creates a support credit or one-time refund: customer reference,
            amount, a reason from the list your admins keep, a written rationale, the ticket URL and, if
            useful, an attachment.
          </li>
          <li>
            The portal checks the tenant's criteria (reason codes, minimum rationale, maximum amount per
            category and currency).
          </li>
          <li>
            Payouts that need approval wait for <strong>approvers</strong>. Nobody approves their own payout —
            not even an admin — and one rejection rejects.
          </li>
          <li>
            The payout is executed like any API payout; its timeline shows every status change and who made
            it.
          </li>
          <li>
            Every action by a person or an API key lands in the <strong>audit log</strong>, which admins and
            finance can read.
          </li>
        </ol>
      </section>
      <section aria-labelledby="roles">
        <h2 id="roles">Roles</h2>
        {roles.map((role) => (
          <article key={role.role} className="role-help">
            <h3>{label(role.role)}</h3>
            <p>{role.description}</p>
            <ul>
              {actions
                .filter((action) => action.roles.includes(role.role))
                .map((action) => (
                  <li key={action.action}>{action.description}</li>
                ))}
            </ul>
          </article>
        ))}
      </section>
      <section aria-labelledby="matrix">
        <h2 id="matrix">Permission matrix</h2>
        <table>
          <caption className="visually-hidden">Which role may take each action</caption>
          <thead>
            <tr>
              <th scope="col">Action</th>
              {roles.map((role) => (
                <th scope="col" key={role.role}>
                  {label(role.role)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {actions.map((action) => (
              <tr key={action.action}>
                <th scope="row">{action.description}</th>
                {roles.map((role) => (
                  <td key={role.role} className="center">
                    {action.roles.includes(role.role) ? (
                      <>
                        <span aria-hidden="true">✓</span>
                        <span className="visually-hidden">allowed</span>
                      </>
                    ) : (
                      <>
                        <span aria-hidden="true" className="muted">
                          —
                        </span>
                        <span className="visually-hidden">not allowed</span>
                      </>
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
