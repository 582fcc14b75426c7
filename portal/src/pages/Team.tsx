import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ROLES } from '../../../shared/domain/team';
import { api } from '../api';
import { ConfirmDialog, ErrorNotice, Field, fieldError, Loading, Notice, PageTitle } from '../components';
import { dateTime, label } from '../format';
import type { List, Me } from '../types';

interface Grant {
  role: string;
  granted_by: { id: string; name: string } | null;
  granted_at: string;
  effective_at: string;
  confirmed_by: { id: string; name: string } | null;
}

interface Member {
  id: string;
  email: string;
  name: string;
  roles: string[];
  /** Approver or admin grants waiting for a second admin or their cooling-off. */
  pending_roles: Grant[];
  grants: Grant[];
  status: 'active' | 'deactivated';
  mfa: { enabled: boolean; enrolled_at: string | null };
  created_at: string;
}

function RoleChoices({
  chosen,
  onChange,
  legend,
}: {
  chosen: string[];
  onChange: (roles: string[]) => void;
  legend: string;
}) {
  return (
    <fieldset className="roles">
      <legend>{legend}</legend>
      {ROLES.map((role) => (
        <label key={role} className="checkbox">
          <input
            type="checkbox"
            name="roles"
            value={role}
            checked={chosen.includes(role)}
            onChange={(event) =>
              onChange(event.target.checked ? [...chosen, role] : chosen.filter((r) => r !== role))
            }
          />
          {label(role)}
        </label>
      ))}
    </fieldset>
  );
}

/** A member's row; `canManage` adds the controls (change roles, confirm, reset two-step, deactivate). */
function MemberRow({ member, me, canManage }: { member: Member; me: Me; canManage: boolean }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  /** Which destructive action waits for the admin's confirmation. */
  const [asking, setAsking] = useState<'deactivate' | 'reset-mfa' | undefined>();
  const [roles, setRoles] = useState([...member.roles, ...member.pending_roles.map((grant) => grant.role)]);
  const confirm = useMutation({
    mutationFn: () =>
      api<Member>(`/members/${encodeURIComponent(member.id)}/confirm-roles`, { method: 'POST' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['members'] }),
  });
  const update = useMutation({
    mutationFn: (patch: { roles?: string[]; status?: string }) =>
      api<Member>(`/members/${encodeURIComponent(member.id)}`, { method: 'PATCH', body: patch }),
    onSuccess: () => {
      setEditing(false);
      return queryClient.invalidateQueries({ queryKey: ['members'] });
    },
  });
  const resetMfa = useMutation({
    mutationFn: () => api<Member>(`/members/${encodeURIComponent(member.id)}/reset-mfa`, { method: 'POST' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['members'] }),
  });
  const self = member.id === me.id;
  return (
    <tr>
      <td>
        {member.name}
        {self && <small> (you)</small>}
        <br />
        <small>{member.email}</small>
      </td>
      <td>
        {editing ? (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              update.mutate({ roles });
            }}
          >
            <RoleChoices chosen={roles} onChange={setRoles} legend={`Roles of ${member.name}`} />
            <button type="submit" disabled={update.isPending}>
              Save roles
            </button>{' '}
            <button type="button" className="secondary" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </form>
        ) : (
          member.roles.map(label).join(', ') || '—'
        )}
        {member.pending_roles.map((grant) => (
          <p key={grant.role} className="pending-grant">
            <strong>{label(grant.role)}</strong>, granted by {grant.granted_by?.name ?? 'the operators'}{' '}
            {dateTime(grant.granted_at)}: takes effect {dateTime(grant.effective_at)}, or when another admin
            confirms it.{' '}
            {canManage && !self && grant.granted_by?.id !== me.id && (
              <button
                type="button"
                className="secondary"
                disabled={confirm.isPending}
                onClick={() => confirm.mutate()}
                aria-label={`Confirm ${label(grant.role).toLowerCase()} for ${member.name}`}
              >
                Confirm now
              </button>
            )}
          </p>
        ))}
        <ErrorNotice error={update.error ?? confirm.error ?? resetMfa.error} />
      </td>
      <td>{label(member.status)}</td>
      <td>{member.mfa.enabled ? `On since ${dateTime(member.mfa.enrolled_at as string)}` : 'Off'}</td>
      <td>{dateTime(member.created_at)}</td>
      {canManage && (
        <td>
          <div className="row-actions">
            {!editing && (
              <button
                type="button"
                className="secondary"
                onClick={() => setEditing(true)}
                aria-label={`Change roles of ${member.name}`}
              >
                Change roles
              </button>
            )}
            {!self && member.mfa.enabled && (
              <button
                type="button"
                className="secondary"
                disabled={resetMfa.isPending}
                onClick={() => setAsking('reset-mfa')}
                aria-label={`Reset two-step verification of ${member.name}`}
              >
                Reset two-step
              </button>
            )}
            {!self && (
              <button
                type="button"
                className={member.status === 'active' ? 'danger' : 'secondary'}
                disabled={update.isPending}
                onClick={() =>
                  member.status === 'active' ? setAsking('deactivate') : update.mutate({ status: 'active' })
                }
                aria-label={`${member.status === 'active' ? 'Deactivate' : 'Reactivate'} ${member.name}`}
              >
                {member.status === 'active' ? 'Deactivate' : 'Reactivate'}
              </button>
            )}
            <ConfirmDialog
              open={asking === 'deactivate'}
              title={`Deactivate ${member.name}?`}
              confirmLabel="Deactivate"
              danger
              onCancel={() => setAsking(undefined)}
              onConfirm={() => {
                setAsking(undefined);
                update.mutate({ status: 'deactivated' });
              }}
            >
              <p>
                {member.name} ({member.email}) can no longer use the portal: their next click is refused.
                Their payouts, decisions and audit entries stay. You can reactivate them later.
              </p>
            </ConfirmDialog>
            <ConfirmDialog
              open={asking === 'reset-mfa'}
              title={`Reset two-step verification of ${member.name}?`}
              confirmLabel="Reset two-step verification"
              danger
              onCancel={() => setAsking(undefined)}
              onConfirm={() => {
                setAsking(undefined);
                resetMfa.mutate();
              }}
            >
              <p>
                They set up a new authenticator app at their next sign-in. Do this only when you know it is
                them asking (a lost phone).
              </p>
            </ConfirmDialog>
          </div>
        </td>
      )}
    </tr>
  );
}

/**
 * The team. Admins (`members.manage`) invite members, change roles, deactivate; a member who may only
 * read the team sees the list without any control. Takes effect on the member's next click.
 */
export function TeamPage({ me }: { me: Me }) {
  const canRead = me.permissions.includes('members.read');
  const canManage = me.permissions.includes('members.manage');
  const members = useQuery({
    queryKey: ['members'],
    queryFn: () => api<List<Member>>('/members'),
    enabled: canRead,
  });

  if (!canRead)
    return (
      <>
        <PageTitle>Team</PageTitle>
        <p>
          Only admins see the team. To change who may do what, or to find out who approves payouts, ask an
          admin of your team.
        </p>
      </>
    );
  return (
    <>
      <PageTitle>Team</PageTitle>
      {!canManage && <p className="muted">You can see the team; only admins change it.</p>}
      <ErrorNotice error={members.error} />
      {members.isPending ? (
        <Loading what="the team" />
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1).
        <section className="table-scroll" aria-label="Members" tabIndex={0}>
          <table>
            <caption className="visually-hidden">Members of your team</caption>
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Roles</th>
                <th scope="col">Status</th>
                <th scope="col">Two-step verification</th>
                <th scope="col">Since</th>
                {canManage && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {members.data?.data.map((member) => (
                <MemberRow key={member.id} member={member} me={me} canManage={canManage} />
              ))}
            </tbody>
          </table>
        </section>
      )}
      {canManage && <InviteMember />}
    </>
  );
}

function InviteMember() {
  const queryClient = useQueryClient();
  const [roles, setRoles] = useState<string[]>(['requester']);
  const invite = useMutation({
    mutationFn: (body: { email: string; name: string; roles: string[] }) =>
      api<Member & { temporary_password: string | null }>('/members', { method: 'POST', body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['members'] }),
  });
  return (
    <section aria-labelledby="invite">
      <h2 id="invite">Invite a member</h2>
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          invite.mutate({
            email: String(form.get('email') ?? ''),
            name: String(form.get('name') ?? ''),
            roles,
          });
        }}
      >
        <ErrorNotice error={invite.error} />
        {invite.data && (
          <Notice>
            {invite.data.name} was invited.{' '}
            {invite.data.temporary_password ? (
              <>
                Their temporary password (shown once): <code>{invite.data.temporary_password}</code>. They
                choose their own at first sign-in.
              </>
            ) : (
              'They receive an email with a temporary password.'
            )}
          </Notice>
        )}
        <Field label="Email" error={fieldError(invite.error, 'email')}>
          {(input) => <input {...input} name="email" type="email" required />}
        </Field>
        <Field label="Name" error={fieldError(invite.error, 'name')}>
          {(input) => <input {...input} name="name" required />}
        </Field>
        <RoleChoices chosen={roles} onChange={setRoles} legend="Roles" />
        <button type="submit" disabled={invite.isPending}>
          Invite
        </button>
      </form>
    </section>
  );
}
