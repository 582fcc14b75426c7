import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { type Action, PERMISSIONS, type Role } from '../../../shared/domain/team';
import { PageTitle } from '../components';
import type { Me } from '../types';

const ROLE_NAMES: Record<Role, string> = {
  admin: 'Admin',
  approver: 'Approver',
  requester: 'Requester',
  finance: 'Finance',
  viewer: 'Viewer',
};

/** "Admin", "Admin or Finance", "Admin, Requester or Finance": the roles that grant an action. */
export function rolesThatMay(action: Action): string {
  const names = PERMISSIONS[action].map((role) => ROLE_NAMES[role]);
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/**
 * What a member sees at an address whose action their roles do not allow (a bookmark, a link from a
 * colleague): which role would let them, and whom to ask, instead of a form the API would refuse.
 */
export function NotAllowedPage(props: { action: Action; doing: string; title: string }) {
  return (
    <section className="not-allowed">
      <PageTitle>{props.title}</PageTitle>
      <p className="notice">
        You need the {rolesThatMay(props.action)} role to {props.doing}. Ask an admin of your team.
      </p>
      <p>
        The <Link to="/help">Help page</Link> lists what each role may do.
      </p>
    </section>
  );
}

/**
 * A route's page for members whose roles allow `action` (the permission its menu entry names); for
 * the others the "you need the … role" page, or a read-only view where one is meaningful. The API
 * refuses the action either way: this only spares a person a form they cannot send.
 */
export function Allowed(props: {
  me: Me;
  action: Action;
  doing: string;
  title: string;
  readOnly?: ReactNode;
  children: ReactNode;
}) {
  if (props.me.permissions.includes(props.action)) return <>{props.children}</>;
  if (props.readOnly) return <>{props.readOnly}</>;
  return <NotAllowedPage action={props.action} doing={props.doing} title={props.title} />;
}
