import { type RefObject, useEffect, useRef } from 'react';
import { useLocation } from 'react-router';
import { storedSession } from './session';

/**
 * Unsaved form input that outlives a forced sign-in (an ended session, an idle sign-out): a form keeps
 * its draft in this tab's sessionStorage under its address, and when the member signs in again (the
 * portal stays on the same address) the form comes back filled in.
 *
 * Use: give the page's form a ref and call `useDraft(formRef)` at the top of the page component.
 * Every named control is kept (text, selects, text areas, radio buttons, checkboxes), controlled or
 * not; files and passwords are not. A draft is dropped when the form goes away while the member is
 * still signed in (sent, or they went elsewhere) and on sign-out; only the member who typed it gets
 * it back.
 */
export function useDraft(form: RefObject<HTMLFormElement | null>): void {
  const { pathname, search } = useLocation();
  const key = `${DRAFT_PREFIX}${pathname}${search}`;
  const kept = useRef<{ element: HTMLFormElement; key: string; release: () => void }>(undefined);
  // The form may appear after the page's first render (once its data loaded): look after each one.
  useEffect(() => {
    const element = form.current;
    if (kept.current?.element === element && kept.current?.key === key) return;
    kept.current?.release();
    kept.current = element ? { element, key, release: keepDraft(element, key) } : undefined;
  });
  useEffect(
    () => () => {
      kept.current?.release();
      kept.current = undefined;
    },
    [],
  );
}

/** Restores the draft into `form` and saves it on every change; returns what stops it. */
function keepDraft(form: HTMLFormElement, key: string): () => void {
  let restoring = true;
  void restoreDraft(form, key).finally(() => {
    restoring = false;
  });
  const save = () => {
    const email = storedSession()?.email;
    if (!restoring && email)
      sessionStorage.setItem(key, JSON.stringify({ email, fields: fieldsOf(form) } satisfies Draft));
  };
  form.addEventListener('input', save);
  form.addEventListener('change', save);
  return () => {
    form.removeEventListener('input', save);
    form.removeEventListener('change', save);
    // Still signed in: the form was sent or left on purpose. Signed out: kept for the next sign-in.
    if (storedSession()) sessionStorage.removeItem(key);
  };
}

/** Drops every draft of this tab (a sign-out on purpose: the next person finds nothing). */
export function dropDrafts(): void {
  for (const key of Object.keys(sessionStorage))
    if (key.startsWith(DRAFT_PREFIX)) sessionStorage.removeItem(key);
}

const DRAFT_PREFIX = 'payouts.draft.';

interface Draft {
  email: string;
  /** Radio buttons and checkboxes also say which of the controls of their name they are. */
  fields: { name: string; value: string; checked?: boolean; nth?: number }[];
}

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

const SKIPPED = new Set(['file', 'password', 'hidden', 'submit', 'button', 'reset', 'image']);

function controlsOf(form: HTMLFormElement): Control[] {
  return [...form.elements].filter(
    (element): element is Control =>
      (element instanceof HTMLInputElement ||
        element instanceof HTMLSelectElement ||
        element instanceof HTMLTextAreaElement) &&
      element.name !== '' &&
      !SKIPPED.has(element.type),
  );
}

function fieldsOf(form: HTMLFormElement): Draft['fields'] {
  const seen = new Map<string, number>();
  return controlsOf(form).map((control) => {
    const nth = seen.get(control.name) ?? 0;
    seen.set(control.name, nth + 1);
    return control instanceof HTMLInputElement && (control.type === 'radio' || control.type === 'checkbox')
      ? { name: control.name, value: control.value, checked: control.checked, nth }
      : { name: control.name, value: control.value };
  });
}

/**
 * Puts a draft back as if typed: through the element's own value setter and an input/change event,
 * so React's controlled fields update their state too. One field at a time, letting React render in
 * between: a handler such as `setForm({ ...form, amount })` reads the state of the last render, so
 * two events in one go would keep only the second. Choosing a radio button or a select can bring
 * further fields (an IBAN after "Bank account"), so it goes round until nothing new appears.
 */
async function restoreDraft(form: HTMLFormElement, key: string): Promise<void> {
  const raw = sessionStorage.getItem(key);
  const draft = raw ? (JSON.parse(raw) as Draft) : undefined;
  if (!draft || draft.email !== storedSession()?.email) return;
  // A timer, not a frame: it also runs in a hidden tab.
  const rendered = () => new Promise((resolve) => setTimeout(resolve, 20));
  const done = new Set<number>();
  for (let round = 0; round < 5 && done.size < draft.fields.length; round++) {
    for (const [index, field] of draft.fields.entries()) {
      if (done.has(index) || !form.isConnected) continue;
      // A radio button without a value of its own ("on") is known by its place among its name's.
      const named = controlsOf(form).filter((candidate) => candidate.name === field.name);
      const control =
        field.checked === undefined
          ? named[0]
          : field.value === 'on'
            ? named[field.nth ?? 0]
            : named.find((candidate) => candidate.value === field.value);
      if (!control) continue;
      done.add(index);
      if (fill(control, field)) await rendered();
    }
    await rendered();
  }
}

/** Sets one control as the draft has it; whether it changed anything. */
function fill(control: Control, field: Draft['fields'][number]): boolean {
  if (control instanceof HTMLInputElement && field.checked !== undefined) {
    // A click, as a person would: React's onChange runs (a radio button is only ever chosen).
    if (control.checked === field.checked || (!field.checked && control.type === 'radio')) return false;
    control.click();
    return true;
  }
  if (control.value === field.value) return false;
  const prototype = Object.getPrototypeOf(control) as object;
  Object.getOwnPropertyDescriptor(prototype, 'value')?.set?.call(control, field.value);
  control.dispatchEvent(
    new Event(control instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }),
  );
  return true;
}
