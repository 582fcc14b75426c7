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
  fields: { name: string; value: string; checked?: boolean }[];
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
  return controlsOf(form).map((control) =>
    control instanceof HTMLInputElement && (control.type === 'radio' || control.type === 'checkbox')
      ? { name: control.name, value: control.value, checked: control.checked }
      : { name: control.name, value: control.value },
  );
}

/**
 * Puts a draft back as if typed: through the element's own value setter and an input/change event,
 * so React's controlled fields update their state too. Choosing a radio button or a select can bring
 * further fields (an IBAN after "Bank account"), so it fills in rounds until nothing new appears.
 */
async function restoreDraft(form: HTMLFormElement, key: string): Promise<void> {
  const raw = sessionStorage.getItem(key);
  const draft = raw ? (JSON.parse(raw) as Draft) : undefined;
  if (!draft || draft.email !== storedSession()?.email) return;
  const done = new Set<number>();
  for (let round = 0; round < 5 && done.size < draft.fields.length; round++) {
    draft.fields.forEach((field, index) => {
      if (done.has(index)) return;
      const control = controlsOf(form).find(
        (candidate) =>
          candidate.name === field.name &&
          (field.checked === undefined || (candidate as HTMLInputElement).value === field.value),
      );
      if (!control) return;
      done.add(index);
      fill(control, field);
    });
    // Lets React render what the last round chose (a timer, not a frame: it also runs in a hidden tab).
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function fill(control: Control, field: Draft['fields'][number]): void {
  if (control instanceof HTMLInputElement && field.checked !== undefined) {
    // A click, as a person would: React's onChange runs (a radio button is only ever chosen).
    if (control.checked !== field.checked && (field.checked || control.type === 'checkbox')) control.click();
    return;
  }
  if (control.value === field.value) return;
  const prototype = Object.getPrototypeOf(control) as object;
  Object.getOwnPropertyDescriptor(prototype, 'value')?.set?.call(control, field.value);
  control.dispatchEvent(
    new Event(control instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }),
  );
}
