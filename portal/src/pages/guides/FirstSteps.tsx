import { useState } from 'react';
import { Link } from 'react-router';
import {
  dismissFirstSteps,
  FIRST_STEPS,
  firstStepsDismissed,
  GUIDE_TITLES,
  guideOfRoles,
} from '../../guides';
import type { Me } from '../../types';

/**
 * The first-sign-in checklist of a member's role: shown on every page until they dismiss it, then
 * never again for that member in this browser (remembered in localStorage, per member).
 */
export function FirstSteps({ me }: { me: Me }) {
  const [dismissed, setDismissed] = useState(() => firstStepsDismissed(me.id));
  if (dismissed) return null;
  const guide = guideOfRoles(me.roles);
  return (
    <section className="first-steps" aria-labelledby="first-steps-title">
      <h2 id="first-steps-title" className="first-steps-title">
        Welcome, {me.name}: your first steps
      </h2>
      <p>
        These steps set you up for your job. The full guide is{' '}
        <Link to={`/help/${guide}`}>{GUIDE_TITLES[guide]}</Link>.
      </p>
      <ol>
        {FIRST_STEPS[guide].map((step) => (
          <li key={step.to}>
            <Link to={step.to}>{step.text}</Link>
          </li>
        ))}
      </ol>
      <button
        type="button"
        className="secondary"
        onClick={() => {
          dismissFirstSteps(me.id);
          setDismissed(true);
        }}
      >
        Hide these first steps
      </button>
    </section>
  );
}
