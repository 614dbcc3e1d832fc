import { DEMO_ROLES, type Account, type Role } from './accounts.js';
import type { Row } from './bulk-insert.js';
import { DAY, HOUR, iso, type SeedSizes, type TableRows, type UserEntity } from './model.js';
import type { Prng } from './prng.js';
import { TOPICS } from './reference-data.js';
import { EMAIL_DOMAINS, GOALS, JOBS, REGIONS } from './word-lists.js';

/** Lowercase ASCII letters of a name, for email addresses. */
function emailPart(name: string): string {
  return name
    .replaceAll('ł', 'l')
    .replaceAll('Ł', 'L')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

export interface People {
  users: UserEntity[];
  admin: number;
  demo: Record<Exclude<Role, 'ADMIN'>, number>;
  /** Synthetic users with the TRAINER role. */
  trainers: number[];
  /** Users who may author courses (synthetic authors, some trainers). */
  authors: number[];
  organizers: number[];
  tables: TableRows[];
}

/** Users and their roles: the accounts first, then `sizes.users` synthetic people. */
export function generatePeople(rng: Prng, anchor: number, sizes: SeedSizes, accounts: readonly Account[]): People {
  const users: UserEntity[] = [];
  const userRows: Row[] = [];
  // Before the reference courses were published, so the demo learner can have taken them early.
  const accountCreatedAt = anchor - 1400 * DAY;

  const demo = {} as Record<Exclude<Role, 'ADMIN'>, number>;
  let admin = -1;
  for (const account of accounts) {
    const index = users.length;
    if (account.role === 'ADMIN') admin = index;
    else demo[account.role] = index;
    users.push({ id: account.id, createdAt: accountCreatedAt, displayName: account.displayName, roles: [account.role], account });
  }
  if (admin < 0) throw new Error('no admin account');
  for (const role of DEMO_ROLES) if (demo[role] === undefined) throw new Error(`no demo account for ${role}`);

  // Draw the people first: staff accounts are made older below, before any row is written.
  interface Draft {
    email: string;
    first: string;
    last: string;
    displayName: string;
    avatar: boolean;
    bio: string | null;
    timezone: string | null;
    language: string | null;
    createdAt: number;
    updatedAt: number;
  }
  const drafts: Draft[] = [];
  const regionChoices = REGIONS.map((region) => [region, region.weight] as const);
  for (let i = 0; i < sizes.users; i++) {
    const region = rng.weighted(regionChoices);
    const first = rng.pick(region.names.first);
    const last = rng.pick(region.names.last);
    const f = emailPart(first) || 'user';
    const l = emailPart(last) || 'learner';
    // The ordinal makes every address unique: the name parts never hold digits.
    const n = i + 1;
    const local = rng.weighted([
      [`${f}.${l}${n}`, 40],
      [`${f}${l}${n}`, 20],
      [`${f.charAt(0)}${l}${n}`, 20],
      [`${f}_${l}${n}`, 10],
      [`${l}.${f}${n}`, 10],
    ]);
    const displayName = rng.weighted([
      [`${first} ${last}`, 45],
      [`${first} ${last.charAt(0)}.`, 35],
      [first, 10],
      [`${f}${l.slice(0, 3)}${n % 100}`, 10],
    ]);
    // Sign-ups grow over time: more people joined recently than two years ago.
    const createdAt = anchor - Math.floor(Math.pow(rng.next(), 1.5) * 730 * DAY) - rng.int(1, 60) * 1000;
    drafts.push({
      email: `${local}@${rng.pick(EMAIL_DOMAINS)}`,
      first,
      last,
      displayName,
      avatar: rng.chance(0.35),
      bio: rng.chance(0.15)
        ? `${rng.pick(JOBS)} in ${rng.pick(region.cities)}. Learning ${rng.pick(TOPICS).name.toLowerCase()} to ${rng.pick(GOALS)}.`
        : null,
      timezone: rng.chance(0.97) ? region.timezone : null,
      language: rng.chance(0.97) ? region.language : null,
      createdAt,
      updatedAt: rng.chance(0.6) ? createdAt : createdAt + Math.floor(rng.next() * (anchor - createdAt)),
    });
  }

  // Staff come from disjoint slices of a shuffled list, and joined well before their work.
  const order = rng.shuffle(drafts.map((_, i) => i));
  let cursor = 0;
  const take = (count: number): number[] => {
    const slice = order.slice(cursor, cursor + count);
    cursor += count;
    return slice;
  };
  const staffRoles = new Map<number, Role[]>();
  const trainerDrafts = take(sizes.trainers);
  const authorDrafts = take(sizes.contentAuthors);
  const organizerDrafts = take(sizes.organizers);
  const analystDrafts = take(sizes.analysts);
  const partnerDrafts = take(sizes.partners);
  for (const i of trainerDrafts) staffRoles.set(i, rng.chance(0.25) ? ['TRAINER', 'CONTENT_AUTHOR'] : ['TRAINER']);
  for (const i of authorDrafts) staffRoles.set(i, ['CONTENT_AUTHOR']);
  for (const i of organizerDrafts) staffRoles.set(i, ['ORGANIZER']);
  for (const i of analystDrafts) staffRoles.set(i, ['ANALYST']);
  for (const i of partnerDrafts) staffRoles.set(i, ['PARTNER']);
  for (const i of staffRoles.keys()) {
    const draft = drafts[i]!;
    draft.createdAt = anchor - rng.int(400, 1000) * DAY - rng.int(0, 86_399) * 1000;
    draft.updatedAt = draft.createdAt + Math.floor(rng.next() * (anchor - draft.createdAt));
  }

  const offset = users.length;
  drafts.forEach((draft, i) => {
    const id = rng.uuid();
    users.push({ id, createdAt: draft.createdAt, displayName: draft.displayName, roles: ['LEARNER', ...(staffRoles.get(i) ?? [])], account: null });
    userRows.push([
      id, draft.email, null, draft.first, draft.last, draft.displayName,
      draft.avatar ? `https://avatars.example.com/${id}.jpg` : null, draft.bio, draft.timezone, draft.language,
      iso(draft.createdAt), iso(draft.updatedAt),
    ]);
  });

  const accountRows: Row[] = accounts.map((account, i) => [
    account.id, account.email, account.passwordHash, account.firstName, account.lastName, account.displayName,
    null, null, 'Europe/London', 'en-GB', iso(users[i]!.createdAt), iso(users[i]!.createdAt),
  ]);

  const adminId = users[admin]!.id;
  const roleRows: Row[] = [];
  users.forEach((user, index) => {
    const roles: Role[] = user.account
      ? user.account.role === 'ADMIN' ? ['ADMIN'] : [...new Set<Role>(['LEARNER', user.account.role])]
      : user.roles;
    user.roles = roles;
    for (const role of roles) {
      // Everyone is a learner from sign-up; other roles are granted by the admin later on.
      const selfGranted = role === 'LEARNER' || index === admin;
      const grantedAt = selfGranted ? user.createdAt : Math.min(anchor - HOUR, user.createdAt + rng.int(0, 30) * DAY);
      roleRows.push([user.id, role, iso(grantedAt), selfGranted ? null : adminId]);
    }
  });

  const shift = (drafted: number[]) => drafted.map((i) => i + offset);
  const trainers = shift(trainerDrafts);
  return {
    users,
    admin,
    demo,
    trainers,
    authors: [...shift(authorDrafts), ...trainers.filter((i) => users[i]!.roles.includes('CONTENT_AUTHOR'))],
    organizers: shift(organizerDrafts),
    tables: [
      { table: 'identity.users', total: accountRows.length + userRows.length, rows: [...accountRows, ...userRows] },
      { table: 'identity.user_roles', total: roleRows.length, rows: roleRows },
    ],
  };
}
