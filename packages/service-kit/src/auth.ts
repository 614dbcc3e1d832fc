import { forbidden, unauthenticated } from './errors.js';

export const ROLES = ['LEARNER', 'TRAINER', 'CONTENT_AUTHOR', 'ORGANIZER', 'ANALYST', 'PARTNER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

/** The signed-in caller, as the gateway vouches for it. */
export interface Viewer {
  userId: string;
  roles: readonly Role[];
}

/** Who sent a request, as the gateway vouches for it. */
export interface RequestCaller {
  /** The signed-in user, or null. */
  viewer: Viewer | null;
  /** The client's network address as the gateway saw it (for throttling and audit). */
  clientAddress: string | null;
  /** Id joining the logs of one client request across services. */
  requestId: string | null;
}

/** What every subgraph context carries for authorization. */
export interface AuthContext {
  viewer: Viewer | null;
  caller: RequestCaller;
}

/** The signed-in viewer, or UNAUTHENTICATED. */
export function requireViewer(ctx: AuthContext): Viewer {
  if (!ctx.viewer) throw unauthenticated();
  return ctx.viewer;
}

/** Whether the viewer is signed in and holds one of `roles`. */
export function hasRole(ctx: AuthContext, ...roles: Role[]): boolean {
  return !!ctx.viewer && ctx.viewer.roles.some((r) => roles.includes(r));
}

/** Whether the viewer is signed in and is `userId` or holds one of `roles`. */
export function isSelfOrRole(ctx: AuthContext, userId: string, ...roles: Role[]): boolean {
  return ctx.viewer?.userId === userId || hasRole(ctx, ...roles);
}

/** The viewer if they hold one of `roles`; UNAUTHENTICATED or FORBIDDEN otherwise. */
export function requireRole(ctx: AuthContext, ...roles: Role[]): Viewer {
  const viewer = requireViewer(ctx);
  if (!hasRole(ctx, ...roles)) throw forbidden(`This needs one of the roles ${roles.join(', ')}.`);
  return viewer;
}

/** The viewer if they are `userId` or hold one of `roles`; UNAUTHENTICATED or FORBIDDEN otherwise. */
export function requireSelfOrRole(ctx: AuthContext, userId: string, ...roles: Role[]): Viewer {
  const viewer = requireViewer(ctx);
  if (!isSelfOrRole(ctx, userId, ...roles)) throw forbidden();
  return viewer;
}
