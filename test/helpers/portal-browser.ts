import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { accessibilityViolations } from './browser.js';
import { TEST_PASSWORD, totpCode } from './portal.js';

/** The two viewports every journey is checked at: a laptop and a phone (an approver deciding on the go). */
export const DESKTOP = { width: 1440, height: 900 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/**
 * A journey's eyes: every page it visits is checked for accessibility (axe-core) and, when
 * `PAYOUTS_SCREENSHOTS_DIR` is set (`npm run screenshots`), photographed; uncaught page errors are kept.
 */
export interface Journey {
  violations: string[];
  problems: string[];
  snap(page: Page, name: string): Promise<void>;
  open(browser: Browser, viewport?: { width: number; height: number }): Promise<Page>;
}

export function journey(): Journey {
  const screenshots = process.env.PAYOUTS_SCREENSHOTS_DIR;
  const violations: string[] = [];
  const problems: string[] = [];
  return {
    violations,
    problems,
    async snap(page, name) {
      for (const violation of await accessibilityViolations(page)) violations.push(`${name}: ${violation}`);
      if (!screenshots) return;
      mkdirSync(screenshots, { recursive: true });
      await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
    },
    async open(browser, viewport = DESKTOP) {
      const page = await browser.newPage({ viewport });
      page.on('pageerror', (error) => problems.push(error.message));
      return page;
    },
  };
}

/** Signs in through the sign-in page (with the authenticator code when the member's roles need it). */
export async function signInInBrowser(page: Page, url: string, email: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('heading', { name: 'Sign in to the Business Portal' }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const code = page.getByLabel('Code from your authenticator app');
  const payouts = page.getByRole('heading', { name: 'Payouts', exact: true });
  await code.or(payouts).first().waitFor();
  if (await code.isVisible()) {
    await code.fill(await totpCode(email));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
  }
  await payouts.waitFor();
}

/** How far the page is wider than its viewport (0 when nothing overflows sideways). */
export async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const view = globalThis as unknown as {
      innerWidth: number;
      document: { documentElement: { scrollWidth: number } };
    };
    return view.document.documentElement.scrollWidth - view.innerWidth;
  });
}

/**
 * Texts shown to a person that contain a code name: `snake_case` words or dotted paths such as
 * `destination.iban`. Scans alerts, field errors and notices (where such leaks happened).
 */
export async function codeNamesShown(page: Page): Promise<string[]> {
  const texts = await page
    .locator('[role="alert"], .error-text, .notice, [role="status"]')
    // What is shown as code (a secret to copy, an identifier) is meant verbatim; only the words count.
    .evaluateAll((elements) =>
      elements.map((element) => {
        let words = element.textContent ?? '';
        for (const verbatim of element.querySelectorAll('code'))
          words = words.replace(verbatim.textContent ?? '', '');
        return words;
      }),
    );
  const codeName = /\b[a-z]+_[a-z_]+\b|\b[a-z]{2,}\.[a-z_]{2,}\b/;
  return texts.filter((text) => {
    const match = codeName.exec(text.replace(/https?:\/\/\S+|\S+@\S+/g, ''));
    return match !== null;
  });
}
