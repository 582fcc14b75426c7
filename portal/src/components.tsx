import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { ApiError, downloadCsv } from './api';
import { fieldName, messageInWords, problemText } from './fields';
import { label } from './format';
import { GUIDE_TITLES, type GuideId, guideOfPath } from './guides';

/** The page's heading: sets the document title and takes focus after navigation (screen readers). */
export function PageTitle({
  children,
  actions,
  guide,
}: {
  children: string;
  actions?: ReactNode;
  /** The guide to link to, when not the one `ROUTE_GUIDES` gives this page's route. */
  guide?: GuideId;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${children} · Payouts`;
    heading.current?.focus();
  }, [children]);
  return (
    <div className="page-title">
      <h1 ref={heading} tabIndex={-1}>
        {children}
      </h1>
      <GuideLink guide={guide} />
      {actions && <div className="actions">{actions}</div>}
    </div>
  );
}

/** "Guide: Requesting a payout": the Help guide of the job done on this page (guides.ts). */
export function GuideLink({ guide }: { guide?: GuideId }) {
  const { pathname } = useLocation();
  const shown = guide ?? guideOfPath(pathname);
  if (!shown) return null;
  return (
    <p className="guide-link">
      <Link to={`/help/${shown}`}>Guide: {GUIDE_TITLES[shown]}</Link>
    </p>
  );
}

/** Every field problem an error carries: its `details`, or its one `param` (the message without the name). */
export function fieldProblems(error: unknown): { param: string; message: string }[] {
  if (!(error instanceof ApiError)) return [];
  if (error.details.length > 0) return error.details;
  if (!error.param) return [];
  const prefix = `${error.param}: `;
  return [
    {
      param: error.param,
      message: error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message,
    },
  ];
}

/** The problem to show beside one form field, in words ("IBAN must be a valid IBAN"), from an error naming it. */
export function fieldError(error: unknown, param: string): string | undefined {
  const messages = fieldProblems(error)
    .filter((problem) => problem.param === param)
    .map((problem) => problem.message);
  if (messages.length === 0) return undefined;
  return problemText(param, [...new Set(messages)].join('; '));
}

export function Field(props: {
  label: string;
  hint?: string;
  error?: string | undefined;
  children: (input: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}) {
  const id = useId();
  const described = [props.hint ? `${id}-hint` : '', props.error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className={`field${props.error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.hint && (
        <p className="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.children({
        id,
        ...(described ? { 'aria-describedby': described } : {}),
        ...(props.error ? { 'aria-invalid': true } : {}),
      })}
      {props.error && (
        <p className="error-text" id={`${id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/** A 6-digit authenticator code: digits only, the phone's numeric keyboard, one-time-code autofill. */
export function CodeField(props: {
  label: string;
  hint?: string;
  error?: string | undefined;
  value: string;
  onChange: (code: string) => void;
  autoFocus?: boolean;
}) {
  return (
    <Field label={props.label} hint={props.hint} error={props.error}>
      {(input) => (
        <input
          {...input}
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]{6}"
          required
          // biome-ignore lint/a11y/noAutofocus: only where the code is the step's one field, just asked for.
          autoFocus={props.autoFocus}
          value={props.value}
          // Digits only, the first six: a pasted "123 456" is the code 123456.
          onChange={(event) => props.onChange(event.target.value.replace(/\D/g, '').slice(0, 6))}
        />
      )}
    </Field>
  );
}

/**
 * An error as a person reads it, never with a code name (portal/src/fields.ts). A request with field
 * problems is summed up once: "3 fields need correcting: Amount, IBAN, Rationale"; the problems a
 * page shows beside their fields (`besideFields`, their params) are not repeated, the others (a
 * field the page has no place for) are listed here in words. Without `besideFields` every problem
 * is listed.
 */
export function ErrorNotice({ error, besideFields }: { error: unknown; besideFields?: readonly string[] }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const problems = fieldProblems(error);
  if (problems.length === 0)
    return (
      <div className="notice error" role="alert">
        <strong>{messageInWords(message)}</strong>
      </div>
    );
  const names = [...new Set(problems.map((problem) => fieldName(problem.param)))];
  const listed = problems.filter((problem) => !besideFields?.includes(problem.param));
  // The API's default message repeats its first problem; a message of its own (a batch's) says more.
  const first = problems[0];
  const own = first && message !== `${first.param}: ${first.message}` && message !== first.message;
  return (
    <div className="notice error" role="alert">
      <strong>
        {names.length === 1 ? '1 field needs correcting' : `${names.length} fields need correcting`}:{' '}
        {names.join(', ')}.
      </strong>
      {own && message && <p>{messageInWords(message)}</p>}
      {listed.length > 0 && (
        <ul>
          {listed.map((problem) => (
            <li key={`${problem.param} ${problem.message}`}>{problemText(problem.param, problem.message)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <div className="notice success" role="status">
      {children}
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status}`}>{label(status)}</span>;
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  );
}

/** Cursor pagination: a stack of `starting_after` cursors, so Previous goes back exactly one page. */
export function useCursors() {
  const [cursors, setCursors] = useState<string[]>([]);
  return {
    cursor: cursors.at(-1),
    reset: () => setCursors([]),
    pager: (page: { has_more: boolean; next_cursor: string | null } | undefined) => (
      <nav className="pager" aria-label="Pages">
        <button
          type="button"
          className="secondary"
          disabled={cursors.length === 0}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Previous
        </button>
        <button
          type="button"
          className="secondary"
          disabled={!page?.has_more || !page.next_cursor}
          onClick={() => page?.next_cursor && setCursors([...cursors, page.next_cursor])}
        >
          Next
        </button>
      </nav>
    ),
  };
}

/** A filter choice among a vocabulary's values (status, source, purpose), "Any" first. */
export function ChoiceFilter(props: {
  label: string;
  name: string;
  options: readonly string[];
  defaultValue?: string | null;
}) {
  return (
    <Field label={props.label}>
      {(input) => (
        <select {...input} name={props.name} defaultValue={props.defaultValue ?? ''}>
          <option value="">Any</option>
          {props.options.map((option) => (
            <option key={option} value={option}>
              {label(option)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/**
 * Asks before a destructive or irreversible action (reject, deactivate, revoke, rotate): a modal
 * `<dialog>` with a heading, what will happen, and the two choices; Escape or Cancel backs out.
 * `children` may hold a required input (a rejection comment); `confirmDisabled` keeps the action
 * off until it is filled.
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  children?: ReactNode;
  confirmDisabled?: boolean;
  danger?: boolean;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const headingId = useId();
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (props.open && !element.open) element.showModal();
    if (!props.open && element.open) element.close();
  }, [props.open]);
  return (
    <dialog
      ref={dialog}
      className="confirm-dialog"
      aria-labelledby={headingId}
      onCancel={(event) => {
        event.preventDefault();
        props.onCancel();
      }}
    >
      {props.open && (
        <form
          method="dialog"
          onSubmit={(event) => {
            event.preventDefault();
            props.onConfirm();
          }}
        >
          <h2 id={headingId}>{props.title}</h2>
          {props.children}
          <div className="actions">
            <button type="button" className="secondary" onClick={props.onCancel}>
              Cancel
            </button>
            <button
              type="submit"
              className={props.danger ? 'danger' : undefined}
              disabled={props.confirmDisabled}
            >
              {props.confirmLabel}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}

/**
 * A button that downloads a CSV the portal API builds from a listing's filter (`downloadCsv`): busy
 * while the server reads every page, the problem in words if it refuses.
 */
export function CsvDownloadButton(props: {
  label: string;
  path: string;
  filters: Record<string, string>;
  fileName: string;
}) {
  const [state, setState] = useState<{ busy: boolean; error?: unknown }>({ busy: false });
  return (
    <>
      <button
        type="button"
        className="secondary"
        disabled={state.busy}
        onClick={async () => {
          setState({ busy: true });
          try {
            await downloadCsv(props.path, props.filters, props.fileName);
            setState({ busy: false });
          } catch (error) {
            setState({ busy: false, error });
          }
        }}
      >
        {state.busy ? 'Preparing the CSV file…' : props.label}
      </button>
      <ErrorNotice error={state.error} />
    </>
  );
}
