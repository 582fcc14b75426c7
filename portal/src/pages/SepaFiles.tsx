import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { formatMoney } from '../../../shared/domain/money';
import { api } from '../api';
import { ConfirmDialog, ErrorNotice, Loading, Notice, useCursors } from '../components';
import { dateTime } from '../format';
import type { List } from '../types';

/** A SEPA credit transfer file (`GET /payout-rails/sepa-files`). */
interface BankFile {
  object: 'bank_file';
  id: string;
  status: 'building' | 'written';
  /** The cut-off it is for (UTC): the payouts waiting before it are in it. */
  cut_off_at: string;
  /** The execution date the bank is asked for (the cut-off's local date). */
  execution_date: string;
  transfer_count: number | null;
  control_sum_minor: string | null;
  currency: string;
  key: string | null;
  debtor: { name: string; iban: string };
  created_at: string;
}

interface BankFileList extends List<BankFile> {
  /** When the schedule cuts the next file (UTC), null when the rail is not set up. */
  next_cut_off_at: string | null;
}

const STATUS_TEXT: Record<BankFile['status'], string> = {
  written: 'Written',
  building: 'Being built',
};

const FILES_KEY = ['sepa-files'];

/** "2 December 2026": an execution date is a calendar day, not an instant (no time zone shift). */
const calendarDay = (date: string) =>
  new Date(`${date}T00:00:00Z`).toLocaleDateString(undefined, { dateStyle: 'long', timeZone: 'UTC' });

const transfersText = (count: number) => (count === 1 ? '1 transfer' : `${count} transfers`);

const totalOf = (file: BankFile) =>
  file.control_sum_minor === null ? '—' : formatMoney(BigInt(file.control_sum_minor), file.currency);

/** What "Cut a file now" did, in a sentence. */
function cutText(files: BankFile[]): string {
  const written = files.filter((file) => file.transfer_count);
  if (written.length === 0) return 'No payout was waiting for SEPA, so no file was written.';
  return written
    .map(
      (file) =>
        `A file of ${transfersText(file.transfer_count ?? 0)} totalling ${totalOf(file)} was written for your bank gateway.`,
    )
    .join(' ');
}

/**
 * The SEPA files of the `sepa_file` rail, newest first: at each cut-off the payouts waiting for the
 * rail go into one pain.001 file in the bank files bucket, for the tenant's bank gateway to collect.
 * "Cut a file now" (admins: the page's permission) cuts one at once instead of at the next cut-off.
 */
export function SepaFiles({ railLabel, settingsAt }: { railLabel: string; settingsAt: string }) {
  const queryClient = useQueryClient();
  const headingId = useId();
  const pages = useCursors();
  const [asking, setAsking] = useState(false);
  const query = new URLSearchParams({ limit: '20' });
  if (pages.cursor) query.set('starting_after', pages.cursor);
  const files = useQuery({
    // The settings' time: a new cut-off changes when the next file is cut.
    queryKey: [...FILES_KEY, settingsAt, query.toString()],
    queryFn: () => api<BankFileList>(`/payout-rails/sepa-files?${query}`),
    placeholderData: keepPreviousData,
  });
  const cut = useMutation({
    mutationFn: () => api<List<BankFile>>('/payout-rails/sepa-files/cut-off', { method: 'POST' }),
    onSuccess: () => {
      pages.reset();
      return queryClient.invalidateQueries({ queryKey: FILES_KEY });
    },
  });
  const next = files.data?.next_cut_off_at;

  return (
    <section className="card sepa-files" aria-labelledby={headingId}>
      <div className="rail-heading">
        <h2 id={headingId}>SEPA files</h2>
      </div>
      <p>
        At each cut-off the payouts waiting for {railLabel} go into one SEPA credit transfer file, which your
        bank gateway collects from the bank files bucket and hands to the bank. The payouts in it are then
        processing until the bank answers. Newest first; times are in your time zone.
      </p>
      <div className="row-actions">
        <button type="button" disabled={cut.isPending} onClick={() => setAsking(true)}>
          {cut.isPending ? 'Cutting a file…' : 'Cut a file now'}
        </button>
      </div>
      <ConfirmDialog
        open={asking}
        title="Cut a SEPA file now?"
        confirmLabel="Cut the file"
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          setAsking(false);
          cut.mutate();
        }}
      >
        <p>
          Every payout waiting for {railLabel} goes into one file now, written for your bank gateway, instead
          of waiting for the next cut-off{next ? ` (${dateTime(next)})` : ''}. Payouts in a file are sent to
          the bank and can no longer be canceled.
        </p>
      </ConfirmDialog>
      {cut.isSuccess && <Notice>{cutText(cut.data.data)}</Notice>}
      <ErrorNotice error={cut.error ?? files.error} />
      {files.isPending ? (
        <Loading what="the SEPA files" />
      ) : files.data?.data.length === 0 && !pages.cursor ? (
        <p className="empty">
          No files yet.{' '}
          {next
            ? `The next file is cut at ${dateTime(next)}, with the payouts waiting by then.`
            : 'Save the settings above to have files cut.'}
        </p>
      ) : (
        <>
          <table className="sepa-files-table">
            <caption className="visually-hidden">SEPA files, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Cut-off</th>
                <th scope="col">Execution date</th>
                <th scope="col">Transfers</th>
                <th scope="col">Total</th>
                <th scope="col">Status</th>
                <th scope="col">File</th>
              </tr>
            </thead>
            <tbody>
              {files.data?.data.map((file) => (
                <tr key={file.id}>
                  <td data-label="Cut-off">{dateTime(file.cut_off_at)}</td>
                  <td data-label="Execution date">{calendarDay(file.execution_date)}</td>
                  <td data-label="Transfers" className="number">
                    {file.transfer_count === null ? '—' : file.transfer_count}
                  </td>
                  <td data-label="Total" className="number">
                    {totalOf(file)}
                  </td>
                  <td data-label="Status">
                    <span className={`badge file-${file.status}`}>{STATUS_TEXT[file.status]}</span>
                  </td>
                  <td data-label="File" className="wrap">
                    {file.key ? (
                      <code>{file.key}</code>
                    ) : file.status === 'written' ? (
                      'None: no payout was waiting'
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {next && <p className="muted">The next file is cut at {dateTime(next)}.</p>}
        </>
      )}
      {pages.pager(files.data)}
    </section>
  );
}
