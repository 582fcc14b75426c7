import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { ConfirmDialog, ErrorNotice, Field, fieldError, Loading, Notice, PageTitle } from '../components';
import { dateTime, label } from '../format';
import type { List } from '../types';

interface ApiKey {
  id: string;
  name: string;
  mode: 'test' | 'live';
  hint: string;
  status: 'active' | 'revoked';
  created_at: string;
  revoked_at: string | null;
}

/** API keys: create (the secret is shown once), revoke. */
export function ApiKeysPage() {
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: () => api<List<ApiKey>>('/api-keys') });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['api-keys'] });
  /** The key whose revocation waits for confirmation. */
  const [revoking, setRevoking] = useState<ApiKey | undefined>();
  const create = useMutation({
    mutationFn: (body: { name: string; mode: string }) =>
      api<ApiKey & { secret: string }>('/api-keys', { method: 'POST', body }),
    onSuccess: refresh,
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api<ApiKey>(`/api-keys/${encodeURIComponent(id)}/revoke`, { method: 'POST' }),
    onSuccess: refresh,
  });

  return (
    <>
      <PageTitle>API keys</PageTitle>
      <ErrorNotice error={keys.error ?? revoke.error} />
      {keys.isPending ? (
        <Loading what="API keys" />
      ) : (
        <table>
          <caption className="visually-hidden">API keys</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Mode</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.data?.data.map((key) => (
              <tr key={key.id}>
                <td>{key.name}</td>
                <td>
                  <code>{key.hint}</code>
                </td>
                <td>{label(key.mode)}</td>
                <td>{key.status === 'revoked' ? `Revoked ${dateTime(key.revoked_at)}` : 'Active'}</td>
                <td>{dateTime(key.created_at)}</td>
                <td>
                  {key.status === 'active' && (
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Revoke ${key.name}`}
                      onClick={() => setRevoking(key)}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ConfirmDialog
        open={revoking !== undefined}
        title={`Revoke ${revoking?.name ?? 'the key'}?`}
        confirmLabel="Revoke key"
        danger
        onCancel={() => setRevoking(undefined)}
        onConfirm={() => {
          if (revoking) revoke.mutate(revoking.id);
          setRevoking(undefined);
        }}
      >
        <p>
          Every call made with <code>{revoking?.hint}</code> fails from now on. This cannot be undone: a
          service still using it needs a new key.
        </p>
      </ConfirmDialog>
      <section aria-labelledby="create-key">
        <h2 id="create-key">Create a key</h2>
        <form
          className="form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const form = new FormData(event.currentTarget);
            create.mutate({ name: String(form.get('name') ?? ''), mode: String(form.get('mode') ?? 'test') });
          }}
        >
          <ErrorNotice error={create.error} />
          {create.data && (
            <Notice>
              Copy the key now: it is shown only once. <code className="secret">{create.data.secret}</code>
            </Notice>
          )}
          <Field
            label="Name"
            hint="What uses it, e.g. 'Refund service'."
            error={fieldError(create.error, 'name')}
          >
            {(input) => <input {...input} name="name" required maxLength={80} />}
          </Field>
          <Field label="Mode">
            {(input) => (
              <select {...input} name="mode" defaultValue="test">
                <option value="test">Test</option>
                <option value="live">Live</option>
              </select>
            )}
          </Field>
          <button type="submit" disabled={create.isPending}>
            Create key
          </button>
        </form>
      </section>
    </>
  );
}
