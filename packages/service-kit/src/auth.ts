import { forbidden, unauthenticated } from './errors.js';

export const ROLES = ['LEARNER', 'TRAINER', 'CONTENT_AUTHOR', 'ORGANIZER', 'ANALYST', 'PARTNER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a partner client's access token reaches: chat rooms by id or by kind. A viewer with
 * grants is a partner client (its userId is the client id), held to these rooms whatever
 * its memberships.
 */
export interface PartnerGrants {
  roomIds: readonly string[];
  roomKinds: readonly string[];
  /** Most subscriptions one of its sockets may hold at once. */
  maxSubscriptions: number;
}

/** The signed-in caller, as the gateway vouches for it. */
export interface Viewer {
  userId: string;
  roles: readonly Role[];
  /** Set for a partner client only (role PARTNER from POST /oauth/token). */
  grants?: PartnerGrants;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The `grants` claim of a token as PartnerGrants, or null when it is not well formed. */
export function parsePartnerGrants(value: unknown): PartnerGrants | null {
  if (typeof value !== 'object' || value === null) return null;
  const { roomIds, roomKinds, maxSubscriptions } = value as Record<string, unknown>;
  const strings = (list: unknown, ok: (s: string) => boolean): list is string[] =>
    Array.isArray(list) && list.length <= 1000 && list.every((s) => typeof s === 'string' && ok(s));
  if (!strings(roomIds, (s) => UUID.test(s)) || !strings(roomKinds, (s) => /^[A-Z_]{1,30}$/.test(s))) return null;
  if (typeof maxSubscriptions !== 'number' || !Number.isInteger(maxSubscriptions) || maxSubscriptions < 1) return null;
  return { roomIds: roomIds.map((id) => id.toLowerCase()), roomKinds, maxSubscriptions };
}

/** Whether a partner's grants cover a room of this id and kind. */
export function grantsCover(grants: PartnerGrants, room: { id: string; kind: string }): boolean {
  return grants.roomIds.includes(room.id) || grants.roomKinds.includes(room.kind);
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

/**
 * The signed-in viewer, or UNAUTHENTICATED. A partner client gets FORBIDDEN unless `partners`
 * lets it in: only its rooms' chat does, so no other operation of any subgraph takes a
 * partner client for a user.
 */
export function requireViewer(ctx: AuthContext, options: { partners?: boolean } = {}): Viewer {
  if (!ctx.viewer) throw unauthenticated();
  if (ctx.viewer.grants && !options.partners) throw forbidden('A partner client may only read and send messages in its rooms.');
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
